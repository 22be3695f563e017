// What one run's child process does: make its backend, run the script,
// exit with the verdict.
#pragma once

#include <cstdint>

#include "cli/run_plan.h"

namespace synack::cli {

// In the child: make the backend (entering a network namespace for the
// kernel), run, write the report to stderr and, when `record_fd` >= 0,
// the RunRecord to it; exit 0 on a pass, kTimingFailureStatus on a
// failure on timing alone, 1 on another failure, 2 when the run could not
// be made.
[[noreturn]] void RunChild(const PlannedJob& job, uint64_t seed, int record_fd);

}  // namespace synack::cli
