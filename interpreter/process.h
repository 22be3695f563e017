// Running a helper program (python3 for %{ }% blocks) and collecting what
// it prints.
#pragma once

#include <string>
#include <vector>

namespace synack::interpreter {

struct ProcessResult {
  std::string start_error;  // why it could not start; empty if it ran
  int exit_status = 0;      // exit code, or 128 + signal
  std::string output;       // stdout and stderr, interleaved
};

// Runs argv[0] (searched in PATH) with argv, stdin from /dev/null, and
// waits for it.
ProcessResult RunProcess(const std::vector<std::string>& argv);

}  // namespace synack::interpreter
