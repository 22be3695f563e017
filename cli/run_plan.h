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
#include "runtime/vm/kernel_image.h"

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
  // --kernel: into SuitePlan::kernels; -1 without --kernel.
  int kernel = -1;
  // In a VM: the guest's own plan's job for this run (the guest plans the
  // same command line without --kernel: one job per script, variant and
  // repetition, in this plan's order), and the VM's keeper and work
  // directory (set when the VM is up: cli/vm_machines.h).
  size_t guest_job = 0;
  std::string vm_socket;
  std::string vm_work_dir;
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
  // --kernel's kernels, in order; empty without --kernel. A run's kernel
  // is one of them (PlannedJob::kernel); the host's runs in no VM.
  std::vector<vm::KernelSource> kernels;
};

// A run in a VM: on a kernel other than the host's own.
inline bool InVm(const SuitePlan& plan, const PlannedJob& job) {
  return job.kernel >= 0 &&
         plan.kernels[static_cast<size_t>(job.kernel)].kind !=
             vm::KernelSource::Kind::kHost;
}

// The plan, with each runnable script's warnings said once on `err`;
// nullopt after a usage error said on `err` (exit status 2).
std::optional<SuitePlan> PlanSuite(const CommandLine& cl, std::ostream& err);

}  // namespace synack::cli
