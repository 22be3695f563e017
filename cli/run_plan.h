// The first stage of `synack run`: which runs the suite holds, each one's
// script and configuration, its names in the reports, and how the
// scheduler treats it. Nothing starts here; a script's errors are known
// (and its runs decided) before anything runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <vector>

#include "cli/command_line.h"
#include "cli/reporter.h"
#include "cli/script_file.h"
#include "cli/suite.h"
#include "interpreter/config.h"

namespace synack::cli {

enum class BackendKind { kKernel, kStack };

const char* BackendName(BackendKind kind);  // "kernel", "stack"

// What the child of one run needs.
struct PlannedJob {
  BackendKind kind = BackendKind::kKernel;
  std::shared_ptr<const LoadedScript> loaded;
  interpreter::RunConfig config;
  // --backend=both: the run of the same script on the other backend.
  size_t partner = SIZE_MAX;
  // The child writes what it did (RunRecord) for the reporters: for
  // --backend=both's difference finder and the HTML report's ladders.
  bool keep_record = false;
};

// The suite's runs: three views of each, by the same index.
struct SuitePlan {
  std::vector<PlannedJob> jobs;      // the children's
  std::vector<SuiteJob> suite_jobs;  // the scheduler's
  std::vector<ReportedRun> runs;     // the reporters'
  SuiteOptions options;
  bool both = false;    // --backend=both
  // One script named on the command line, in one variant: reported as its
  // output alone (Progress's `single`).
  bool single = false;
  bool script_errors = false;  // some run is decided: its script has errors
};

// The plan, with each runnable script's warnings said once on `err`;
// nullopt after a usage error said on `err` (exit status 2).
std::optional<SuitePlan> PlanSuite(const CommandLine& cl, std::ostream& err);

}  // namespace synack::cli
