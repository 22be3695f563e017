// `synack packetdrill ARGS` (and synack started as `packetdrill`): packetdrill's
// command line, defaults, exit statuses and stderr output, over `synack run`.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/command_line.h"
#include "cli/packetdrill_args.h"
#include "grammar/ast.h"
#include "interpreter/config.h"

namespace synack::cli {

// A packetdrill command line as a `synack run` one, files left out (each
// script gets its own: ScriptCommandLine). `dry_run`: check, do not run.
struct PacketdrillInvocation {
  CommandLine command_line;
  bool dry_run = false;
};

struct MappedPacketdrillArgs {
  std::optional<PacketdrillInvocation> invocation;
  std::string error;  // one line: a flag synack cannot honour, a bad -D
};

MappedPacketdrillArgs MapPacketdrillArgs(const PacketdrillArgs& args);

// packetdrill's own defaults (config.c) for `version`, as flags: used for
// what neither the command line nor the script names.
std::vector<std::pair<std::string, std::string>> PacketdrillDefaults(
    interpreter::IpVersion version);

// The run of one script: the invocation's flags, its IP version (the
// command line's, else the script's option line's, else ipv4, as
// packetdrill's finalize_config chooses for a host with no IPv6 primary
// address) and packetdrill's defaults for the addresses and MTU that
// neither the command line nor the script's option lines give.
CommandLine ScriptCommandLine(const CommandLine& base, const std::string& path,
                              const std::vector<grammar::OptionLine>& options);

// packetdrill's exit statuses: 0 when every script passed, 1 (EXIT_FAILURE)
// at the first that did not or on a usage error; 130 when interrupted.
// Everything goes to `err`, as packetdrill writes only to stderr.
int PacketdrillCommand(const std::vector<std::string>& args, std::ostream& err);

}  // namespace synack::cli
