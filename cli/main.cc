// The synack program: parses the command line and runs one command.
#include <iostream>
#include <string>
#include <vector>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/help.h"

int main(int argc, char** argv) {
  using namespace synack::cli;
  const std::vector<std::string> args(argv + 1, argv + argc);
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
  return RunCommand(cl, std::cout, std::cerr);
}
