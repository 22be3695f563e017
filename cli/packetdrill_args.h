// packetdrill's command line read as its getopt_long reads it (config.c:
// options[] and "vD:"), so that runners written for packetdrill run synack.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace synack::cli {

struct PacketdrillArgs {
  // Each option in order under its full long name ("define" for -D,
  // "verbose" for -v); the value empty for options that take none.
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<std::string> scripts;
};

struct ParsedPacketdrillArgs {
  std::optional<PacketdrillArgs> args;
  std::string error;  // one line, as getopt_long would complain
};

// `args` without argv[0]. glibc's rules: options and scripts may be mixed
// (getopt permutes), `--` ends the options, a long option may be any
// unambiguous prefix of its name and takes its value after `=` or as the
// next argument, short options cluster (`-vvDX=1`).
ParsedPacketdrillArgs ParsePacketdrillArgs(const std::vector<std::string>& args);

}  // namespace synack::cli
