// The third stage of `synack run`: the planned runs, run (RunSuite, each
// in a child running RunChild), and what happens to each told to the
// reporters as it happens.
#pragma once

#include <cstddef>
#include <cstdint>

#include "cli/reporter.h"
#include "cli/run_plan.h"
#include "cli/suite.h"

namespace synack::cli {

// Between RunSuite and the reporters: gives a run that keeps a record the
// file its child writes it to, reads it when the run ends, and, when both
// of a script's --backend=both runs have ended, their first difference.
class RunWatcher : public SuiteObserver {
 public:
  RunWatcher(SuitePlan& plan, Reporter& reporter);
  ~RunWatcher() override;

  void Starting(size_t index) override;
  void Finished(size_t index, const RunResult& result) override;
  void Retrying(size_t index, const RunResult& failed) override;
  void Tick() override;

  // The record file of a started run that keeps one (a memfd the child
  // inherits), else -1.
  int record_fd(size_t index) const { return record_fds_[index]; }

 private:
  SuitePlan& plan_;
  Reporter& reporter_;
  std::vector<int> record_fds_;
  std::vector<bool> finished_;
};

// Runs the plan's jobs; every run's result is in the outcome and in
// plan.runs[i].entry.result.
SuiteOutcome RunStage(SuitePlan& plan, uint64_t seed, int stop_fd,
                      Reporter& reporter);

}  // namespace synack::cli
