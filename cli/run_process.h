// One run's child process: started in a PID namespace of its own (or a
// process group), its output collected through a pipe, killed with
// everything it started, and its verdict.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace synack::cli {

enum class Verdict {
  kPass,
  kFail,
  kError,        // the run could not be made (bad script, no namespace, crash)
  kTimeout,      // killed after --timeout
  kInterrupted,  // killed by SIGINT/SIGTERM
  kSkipped,      // never started, or stopped by --fail-fast
};

// "ok", "FAIL", "ERROR", "TIMEOUT", "INTERRUPTED", "SKIP".
const char* VerdictWord(Verdict verdict);

struct RunResult {
  Verdict verdict = Verdict::kSkipped;
  double seconds = 0;  // wall time from start to exit
  // What the child wrote to stdout and stderr, then the runner's own note
  // (timeout, crash). Very long output keeps its head and tail.
  std::string output;
  // kFail, on timing alone (the child exited kTimingFailureStatus): what a
  // busy machine can cause, so the suite may run it again alone.
  bool timing_failure = false;
  // A first run that failed on timing alone, when this result is its run
  // again (SuiteJob::timing_retries); empty otherwise.
  std::string first_output;
};

// Output kept from a child: all of it up to `limit` bytes, else the first
// and last limit/2 bytes around a note of what was left out.
class CappedOutput {
 public:
  explicit CappedOutput(size_t limit = 4 << 20) : limit_(limit) {}
  void Append(const char* data, size_t size);
  std::string Text() const;

 private:
  size_t limit_;
  std::string head_;
  std::string tail_;  // a ring when full: tail_start_ is its oldest byte
  size_t tail_start_ = 0;
  size_t dropped_ = 0;
};

// A child's exit status for a run that failed on timing alone.
inline constexpr int kTimingFailureStatus = 4;

// Runs in the child (stdout and stderr go to the parent through a pipe,
// stdin is /dev/null); returns the exit status: 0 pass, 1 fail,
// kTimingFailureStatus fail on timing alone, else error.
using ChildMain = std::function<int(size_t job)>;

struct RunProcess {
  pid_t pid = -1;
  int pid_fd = -1;
  int output_fd = -1;  // -1 once the pipe is at its end
  bool own_namespace = false;
  std::chrono::steady_clock::time_point start, deadline;
  CappedOutput output;
  std::optional<Verdict> killed_for;
  size_t job = 0;
};

// Starts `job`'s process. It is the init process of a new PID namespace
// when the caller may create one (root), so killing it kills everything it
// started; otherwise a process-group leader, and its group is killed.
// Inside the namespace the run itself is a second process whose PID is the
// child's PID outside, so PIDs that scripts put in file names (packetdrill's
// /tmp/sysctl_restore_${PPID}.sh) differ between runs at once. `realtime`:
// see SuiteJob::realtime. False and `error` when it cannot start.
bool StartRunProcess(size_t job, bool realtime, double timeout_seconds,
                     const ChildMain& child_main, RunProcess* process,
                     std::string* error);

// SIGKILL for the process and all it started; `why` becomes its verdict.
void KillRunProcess(RunProcess& process, Verdict why);

// Reads what output is there; closes the pipe at its end.
void DrainRunOutput(RunProcess& process);

// Once its pidfd is readable: waits for it, reads the rest of its output,
// closes its fds; its result, with a note for a timeout, crash or stop.
RunResult ReapRunProcess(RunProcess& process, double timeout_seconds);

}  // namespace synack::cli
