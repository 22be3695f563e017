// Running the planned suite and telling the reporters.
#include "cli/run_stage.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli/run_child.h"
#include "cli/run_record.h"

namespace synack::cli {

RunWatcher::RunWatcher(SuitePlan& plan, Reporter& reporter)
    : plan_(plan),
      reporter_(reporter),
      record_fds_(plan.jobs.size(), -1),
      finished_(plan.jobs.size(), false) {}

RunWatcher::~RunWatcher() {
  for (int fd : record_fds_) {
    if (fd >= 0) close(fd);
  }
}

void RunWatcher::Starting(size_t index) {
  int& fd = record_fds_[index];
  if (fd >= 0) close(fd);  // an earlier run's, before a timing retry
  fd = -1;
  if (plan_.jobs[index].keep_record) {
    fd = static_cast<int>(syscall(SYS_memfd_create, "synack-run", 0));
  }
  reporter_.RunStarted(plan_.runs[index]);
}

void RunWatcher::Finished(size_t index, const RunResult& result) {
  finished_[index] = true;
  ReportedRun& run = plan_.runs[index];
  run.entry.result = result;
  if (int& fd = record_fds_[index]; fd >= 0) {
    run.record = ReadRecord(fd);
    close(fd);
    fd = -1;
  }
  const size_t partner = plan_.jobs[index].partner;
  if (partner != SIZE_MAX && finished_[partner]) {
    const bool on_kernel = plan_.jobs[index].kind == BackendKind::kKernel;
    const RunRecord& kernel = plan_.runs[on_kernel ? index : partner].record;
    const RunRecord& stack = plan_.runs[on_kernel ? partner : index].record;
    if (!kernel.empty() || !stack.empty()) {
      run.difference = FirstDifference(kernel, stack);
    }
  }
  reporter_.RunFinished(run, result);
}

void RunWatcher::Retrying(size_t index, const RunResult& failed) {
  reporter_.RunRetrying(plan_.runs[index], failed);
}

void RunWatcher::Tick() { reporter_.Tick(); }

SuiteOutcome RunStage(SuitePlan& plan, uint64_t seed, int stop_fd,
                      Reporter& reporter) {
  RunWatcher watcher(plan, reporter);
  return RunSuite(
      plan.suite_jobs, plan.options,
      [&plan, &watcher, seed](size_t index) -> int {
        RunChild(plan.jobs[index], seed, watcher.record_fd(index));
      },
      watcher, stop_fd);
}

}  // namespace synack::cli
