// synack's commands. Each returns the process exit status; only main() exits.
#pragma once

#include <iosfwd>

#include "cli/command_line.h"

namespace synack::cli {

int CheckCommand(const CommandLine& cl, std::ostream& out, std::ostream& err);
int FmtCommand(const CommandLine& cl, std::ostream& out, std::ostream& err);
int RunCommand(const CommandLine& cl, std::ostream& out, std::ostream& err);

}  // namespace synack::cli
