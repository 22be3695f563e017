// synack's commands. Each returns the process exit status; only main() exits.
#pragma once

#include <iosfwd>

#include "cli/command_line.h"

namespace synack::cli {

int CheckCommand(const CommandLine& cl, std::ostream& out, std::ostream& err);
int FmtCommand(const CommandLine& cl, std::ostream& out, std::ostream& err);
// One line per run `synack run` would make: NAME, VARIANT, SECONDS (the
// script's length, or "-") and PATH, tab-separated.
int ListCommand(const CommandLine& cl, std::ostream& out, std::ostream& err);
// Prints (or writes, -o) a draft script of the TCP connection in a capture.
int ImportCommand(const CommandLine& cl, std::ostream& out, std::ostream& err);
int RunCommand(const CommandLine& cl, std::ostream& out, std::ostream& err);
// `synack run --update[=dry] FILE` (update_command.cc).
int UpdateCommand(const CommandLine& cl, std::ostream& out, std::ostream& err);

}  // namespace synack::cli
