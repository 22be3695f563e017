// RunSuite: the children, their pipes and pidfds, one poll() loop over them.
#include "cli/suite.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <map>

namespace synack::cli {

namespace {

using Clock = std::chrono::steady_clock;

// A run's set-up (namespace, TUN device, init command) is over well within
// this; a retry waits for it after the last run's start.
constexpr std::chrono::milliseconds kSettle{500};

int MillisUntil(Clock::time_point when) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(when - Clock::now())
          .count();
  // Round up: waking a millisecond early would only loop once more.
  return static_cast<int>(std::clamp<int64_t>(left + 1, 0, 60 * 60 * 1000));
}

}  // namespace

std::vector<size_t> StartOrder(const std::vector<SuiteJob>& jobs) {
  std::vector<size_t> order(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&jobs](size_t a, size_t b) {
    return jobs[a].estimated_usecs > jobs[b].estimated_usecs;
  });
  return order;
}

SuiteOutcome RunSuite(const std::vector<SuiteJob>& jobs,
                      const SuiteOptions& options, const ChildMain& child_main,
                      SuiteObserver& observer, int stop_fd) {
  const Clock::time_point suite_start = Clock::now();
  SuiteOutcome outcome;
  outcome.results.resize(jobs.size());
  bool stopping = false;

  // The decided ones first: a script with errors is reported at once.
  std::vector<size_t> order;
  for (size_t job : StartOrder(jobs)) {
    if (!jobs[job].decided) {
      order.push_back(job);
      continue;
    }
    outcome.results[job] = *jobs[job].decided;
    observer.Finished(job, outcome.results[job]);
    if (options.fail_fast && outcome.results[job].verdict != Verdict::kPass) {
      stopping = true;
    }
  }

  const int max_jobs = std::max(1, options.jobs);
  std::vector<RunProcess> running;
  size_t next = 0;
  // Runs that failed on timing, waiting to run again; by job, the runs
  // made so far and the latest result.
  std::deque<size_t> retries;
  std::vector<int> runs_made(jobs.size(), 0);
  std::map<size_t, RunResult> awaiting_retry;
  auto retrying = [&] {
    return std::any_of(running.begin(), running.end(),
                       [&](const RunProcess& child) {
                         return runs_made[child.job] > 1;
                       });
  };
  Clock::time_point last_start = Clock::now();
  // When a retry may start, while one waits for the last run's set-up.
  Clock::time_point retry_wake = Clock::time_point::max();
  auto start = [&](size_t job) {
    last_start = Clock::now();
    observer.Starting(job);
    RunProcess child;
    std::string error;
    ++runs_made[job];
    if (!StartRunProcess(job, jobs[job].realtime, options.timeout_seconds,
                         child_main, &child, &error)) {
      outcome.error = error;
      RunResult result;
      result.verdict = Verdict::kError;
      result.output = "synack: " + error + "\n";
      outcome.results[job] = result;
      awaiting_retry.erase(job);  // this is its verdict
      observer.Finished(job, result);
      stopping = true;
      return;
    }
    running.push_back(std::move(child));
    outcome.max_running =
        std::max(outcome.max_running, static_cast<int>(running.size()));
  };
  Clock::time_point next_tick =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(options.tick_seconds));
  while (true) {
    while (!stopping && next < order.size() &&
           static_cast<int>(running.size()) < max_jobs) {
      start(order[next++]);
    }
    // Retries: once every run has started and the last one's set-up is
    // over (the runs left are mid-script, mostly asleep), one at a time; a
    // run's second retry and later ones once nothing else runs at all.
    const bool settled = Clock::now() - last_start >= kSettle;
    if (!stopping && next == order.size() && !retries.empty() && !retrying() &&
        static_cast<int>(running.size()) < max_jobs) {
      const auto may_start = [&](size_t job) {
        return runs_made[job] < 2 || running.empty();
      };
      // None may: one waits for the runs still going to end.
      const auto ready = std::find_if(retries.begin(), retries.end(), may_start);
      if (ready != retries.end() && settled) {
        const size_t job = *ready;
        retries.erase(ready);
        start(job);
      } else if (ready != retries.end()) {
        retry_wake = last_start + kSettle;
      }
    }
    if (running.empty() && (retries.empty() || stopping)) break;

    // One poll over the stop signal, every pidfd and every pipe.
    std::vector<pollfd> fds;
    fds.push_back({stop_fd, POLLIN, 0});
    Clock::time_point wake = next_tick;
    wake = std::min(wake, retry_wake);
    retry_wake = Clock::time_point::max();
    for (const RunProcess& child : running) {
      fds.push_back({child.pid_fd, POLLIN, 0});
      fds.push_back({child.output_fd, POLLIN, 0});  // -1: ignored
      if (!child.killed_for) wake = std::min(wake, child.deadline);
    }
    const int ready = poll(fds.data(), fds.size(), MillisUntil(wake));
    if (ready < 0 && errno != EINTR) {
      outcome.error = std::string("poll: ") + std::strerror(errno);
      for (RunProcess& child : running) KillRunProcess(child, Verdict::kError);
    }

    if (stop_fd >= 0 && ready > 0 && (fds[0].revents & POLLIN)) {
      signalfd_siginfo info;
      [[maybe_unused]] ssize_t n = read(stop_fd, &info, sizeof info);
      outcome.interrupted = true;
      stopping = true;
      for (RunProcess& child : running) KillRunProcess(child, Verdict::kInterrupted);
    }
    const Clock::time_point now = Clock::now();
    std::vector<size_t> exited;
    for (size_t i = 0; i < running.size(); ++i) {
      RunProcess& child = running[i];
      const pollfd& pid_poll = fds[1 + 2 * i];
      const pollfd& output_poll = fds[2 + 2 * i];
      if (ready > 0 && (output_poll.revents & (POLLIN | POLLHUP))) {
        DrainRunOutput(child);
      }
      if (ready > 0 && (pid_poll.revents & POLLIN)) {
        exited.push_back(i);
      } else if (now >= child.deadline) {
        KillRunProcess(child, Verdict::kTimeout);
      }
    }
    // Reap in reverse so the indices stay valid while erasing.
    for (auto it = exited.rbegin(); it != exited.rend(); ++it) {
      RunProcess& child = running[*it];
      RunResult result = ReapRunProcess(child, options.timeout_seconds);
      const size_t job = child.job;
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(*it));
      if (runs_made[job] > 1) {
        result.first_output = awaiting_retry[job].first_output;
        awaiting_retry.erase(job);
      }
      if (result.verdict == Verdict::kFail && result.timing_failure &&
          runs_made[job] <= jobs[job].timing_retries && !stopping) {
        if (result.first_output.empty()) result.first_output = result.output;
        awaiting_retry[job] = result;
        retries.push_back(job);
        observer.Retrying(job, result);
        continue;
      }
      outcome.results[job] = result;
      observer.Finished(job, outcome.results[job]);
      if (options.fail_fast && result.verdict != Verdict::kPass &&
          result.verdict != Verdict::kSkipped && !stopping) {
        stopping = true;
        for (RunProcess& other : running) KillRunProcess(other, Verdict::kSkipped);
      }
    }
    if (Clock::now() >= next_tick) {
      observer.Tick();
      next_tick = Clock::now() +
                  std::chrono::duration_cast<Clock::duration>(
                      std::chrono::duration<double>(options.tick_seconds));
    }
  }
  // A retry that never started: the run's verdict is its last run's.
  for (auto& [job, result] : awaiting_retry) {
    if (runs_made[job] == 1) result.first_output.clear();
    outcome.results[job] = result;
    observer.Finished(job, result);
  }
  // What never started stays kSkipped; say so once, in its result.
  for (; next < order.size(); ++next) {
    RunResult& result = outcome.results[order[next]];
    result.verdict = Verdict::kSkipped;
    result.output = outcome.interrupted      ? "synack: not run: interrupted\n"
                    : !outcome.error.empty() ? "synack: not run: " + outcome.error + "\n"
                                             : "synack: not run: --fail-fast\n";
    observer.Finished(order[next], result);
  }
  outcome.wall_seconds =
      std::chrono::duration<double>(Clock::now() - suite_start).count();
  return outcome;
}

}  // namespace synack::cli
