// Running a suite of runs as child processes, several at once: scheduling,
// timeouts, --fail-fast and interruption.
// It knows nothing of scripts: a run is an index that a function, called in
// the child, turns into an exit status.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/run_process.h"

namespace synack::cli {

// One run: what the scheduler needs to know about it.
struct SuiteJob {
  // Longest first: a suite's wall time is at least its longest run, so
  // that one must not start last.
  int64_t estimated_usecs = 0;
  // Known without running (the script has errors): reported at once.
  std::optional<RunResult> decided;
  // Run the child's threads SCHED_FIFO, and the processes it starts (its
  // commands: init, backticks, cleanup, Python blocks) at normal priority.
  // Its wake-ups then beat every normal-priority process, such as another
  // run's init command or the machine's other work: one run's set-up
  // cannot make another late. (Measured on 2 cores with 8 runs at once:
  // commands at real-time priority too cost 19 of 90 passes, threads at
  // normal priority 9.) For runs on a real clock; a run on a virtual clock
  // only needs the CPU.
  bool realtime = false;
  // When the run fails on timing alone (RunResult::timing_failure), it runs
  // again, up to this many times, alone: once every run has started and
  // half a second has passed since the last start (the runs left are past
  // their set-up), one retry at a time, so that no other run's set-up can
  // make it late; its second retry and later ones once no other run is
  // left at all. For runs on a real clock, whose timing a busy machine can
  // spoil. The verdict is the last run's; the first run's output is kept
  // (RunResult::first_output).
  int timing_retries = 0;
};

struct SuiteOptions {
  int jobs = 1;  // children at once
  double timeout_seconds = 300;
  bool fail_fast = false;  // after the first run that does not pass, stop
  double tick_seconds = 1;  // SuiteObserver::Tick interval
};

class SuiteObserver {
 public:
  virtual ~SuiteObserver() = default;
  // In the parent, just before the child is created (e.g. to make an fd
  // the child inherits).
  virtual void Starting(size_t /*job*/) {}
  // Once per job, in the order results come; `decided` jobs first.
  virtual void Finished(size_t /*job*/, const RunResult& /*result*/) {}
  // A run failed on timing and will run again (SuiteJob::timing_retries);
  // Starting and then Finished follow for it.
  virtual void Retrying(size_t /*job*/, const RunResult& /*failed*/) {}
  // About every tick_seconds while runs are under way.
  virtual void Tick() {}
};

struct SuiteOutcome {
  std::vector<RunResult> results;  // by job index
  bool interrupted = false;        // a SIGINT/SIGTERM came through stop_fd
  double wall_seconds = 0;
  int max_running = 0;  // children that ran at once, at most
  std::string error;  // the runner itself failed (pipe, clone): runs skipped
};

// Runs every job not `decided`, each in a process of its own (see
// StartRunProcess), at most options.jobs at once, longest estimate first.
// `stop_fd` (a signalfd, or -1) readable means: kill every child and stop.
SuiteOutcome RunSuite(const std::vector<SuiteJob>& jobs,
                      const SuiteOptions& options, const ChildMain& child_main,
                      SuiteObserver& observer, int stop_fd);

// The order RunSuite starts jobs in: by estimate, longest first, ties in
// index order.
std::vector<size_t> StartOrder(const std::vector<SuiteJob>& jobs);

}  // namespace synack::cli
