// The synack program: parses the command line and runs one command.
#include <iostream>
#include <string>
#include <vector>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/help.h"
#include "cli/packetdrill_command.h"
#include "cli/vm_agent.h"

int main(int argc, char** argv) {
  using namespace synack::cli;
  const std::vector<std::string> args(argv + 1, argv + argc);
  // Started through a link named packetdrill, or as `synack packetdrill`:
  // packetdrill's command line, for runners written for packetdrill.
  const std::string program = argc > 0 ? argv[0] : "";
  if (program.substr(program.rfind('/') + 1) == "packetdrill") {
    return PacketdrillCommand(args, std::cerr);
  }
  if (!args.empty() && args[0] == "packetdrill") {
    return PacketdrillCommand({args.begin() + 1, args.end()}, std::cerr);
  }
  // Inside a guest of `synack run --kernel=IMAGE` (runtime/vm/initramfs.h).
  if (args.size() == 2 && args[0] == "vm-agent") return VmAgentCommand(args[1]);
  const ParsedCommandLine parsed = ParseCommandLine(args);
  if (!parsed.command_line) {
    std::cerr << "synack: " << parsed.error << "\n";
    return 2;
  }
  const CommandLine& cl = *parsed.command_line;
  if (cl.command == "help") {
    std::cout << HelpText(cl.help_topic);
    return 0;
  }
  if (cl.command == "version") {
    std::cout << "synack 0.1.0\n";
    return 0;
  }
  if (cl.command == "check") return CheckCommand(cl, std::cout, std::cerr);
  if (cl.command == "fmt") return FmtCommand(cl, std::cout, std::cerr);
  if (cl.command == "list") return ListCommand(cl, std::cout, std::cerr);
  if (cl.command == "import") return ImportCommand(cl, std::cout, std::cerr);
  if (!cl.update.empty()) return UpdateCommand(cl, std::cout, std::cerr);
  return RunCommand(cl, std::cout, std::cerr);
}
