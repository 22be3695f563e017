// Tests for RunSuite with children that stand in for runs: verdicts, output
// capture, timeouts that leave nothing behind, -j, --fail-fast, stopping,
// and the priority of a run.
#include "cli/suite.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

namespace synack::cli {
namespace {

class Recorder : public SuiteObserver {
 public:
  void Starting(size_t job) override { started.push_back(job); }
  void Finished(size_t job, const RunResult&) override {
    finished.push_back(job);
  }
  std::vector<size_t> started, finished;
};

SuiteOutcome RunJobs(const std::vector<SuiteJob>& jobs, SuiteOptions options,
                     const ChildMain& main, Recorder* recorder = nullptr,
                     int stop_fd = -1) {
  Recorder local;
  return RunSuite(jobs, options, main, recorder ? *recorder : local, stop_fd);
}

// Whether a process whose command line holds `marker` exists.
bool ProcessWithMarker(const std::string& marker) {
  DIR* proc = opendir("/proc");
  bool found = false;
  while (dirent* entry = readdir(proc)) {
    std::ifstream file(std::string("/proc/") + entry->d_name + "/cmdline");
    std::stringstream text;
    text << file.rdbuf();
    if (text.str().find(marker) != std::string::npos) found = true;
  }
  closedir(proc);
  return found;
}

TEST(SuiteTest, VerdictsFromExitStatusAndOutputCaptured) {
  const std::vector<SuiteJob> jobs(4);
  SuiteOptions options;
  options.jobs = 2;
  const SuiteOutcome outcome = RunJobs(jobs, options, [](size_t job) {
    std::printf("out %zu\n", job);
    std::fflush(stdout);
    std::fprintf(stderr, "err %zu\n", job);
    if (job == 2) {
      // The default action, also where a sanitizer handles SIGSEGV itself.
      signal(SIGSEGV, SIG_DFL);
      raise(SIGSEGV);
    }
    return job == 3 ? 7 : static_cast<int>(job);
  });
  ASSERT_EQ(4u, outcome.results.size());
  EXPECT_EQ(Verdict::kPass, outcome.results[0].verdict);
  EXPECT_EQ("out 0\nerr 0\n", outcome.results[0].output);
  EXPECT_EQ(Verdict::kFail, outcome.results[1].verdict);
  EXPECT_EQ("out 1\nerr 1\n", outcome.results[1].output);
  EXPECT_EQ(Verdict::kError, outcome.results[2].verdict);
  EXPECT_EQ("out 2\nerr 2\nsynack: the run died of signal 11 (Segmentation "
            "fault)\n",
            outcome.results[2].output);
  EXPECT_EQ(Verdict::kError, outcome.results[3].verdict);
  EXPECT_FALSE(outcome.interrupted);
  EXPECT_EQ("", outcome.error);
}

TEST(SuiteTest, TimeoutKillsTheRunAndEverythingItStarted) {
  const std::string marker = "synack-suite-test-" + std::to_string(getpid());
  std::vector<SuiteJob> jobs(2);
  SuiteOptions options;
  options.jobs = 2;
  options.timeout_seconds = 0.5;
  const auto start = std::chrono::steady_clock::now();
  const SuiteOutcome outcome = RunJobs(jobs, options, [&marker](size_t job) {
    if (job == 1) return 0;
    // A command the run started, and one that command started.
    if (fork() == 0) {
      // `; true`: the shells stay (no exec of the last command), and with
      // them the marker in their command lines.
      execl("/bin/sh", "sh", "-c", "(sleep 100; true) & sleep 100; true",
            marker.c_str(), nullptr);
      _exit(127);
    }
    std::printf("partial\n");
    std::fflush(stdout);
    sleep(100);
    return 0;
  });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  EXPECT_LT(seconds, 3);
  EXPECT_EQ(Verdict::kTimeout, outcome.results[0].verdict);
  EXPECT_EQ("partial\nsynack: timed out after 0.5 s (--timeout)\n",
            outcome.results[0].output);
  EXPECT_GE(outcome.results[0].seconds, 0.5);
  EXPECT_EQ(Verdict::kPass, outcome.results[1].verdict);
  // SIGKILL is quick but not instant for a process group.
  for (int i = 0; i < 100 && ProcessWithMarker(marker); ++i) usleep(10000);
  EXPECT_FALSE(ProcessWithMarker(marker));
}

TEST(SuiteTest, RunsUpToJobsAtOnce) {
  const std::vector<SuiteJob> jobs(6);
  for (int parallel : {1, 3, 6}) {
    SuiteOptions options;
    options.jobs = parallel;
    const auto start = std::chrono::steady_clock::now();
    const SuiteOutcome outcome = RunJobs(jobs, options, [](size_t) {
      usleep(300 * 1000);
      return 0;
    });
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    EXPECT_EQ(parallel, outcome.max_running);
    EXPECT_GE(seconds, 0.3 * 6 / parallel - 0.05) << parallel;
    EXPECT_LT(seconds, 0.3 * 6 / parallel + 1.0) << parallel;
  }
}

TEST(SuiteTest, LongestEstimateStartsFirst) {
  std::vector<SuiteJob> jobs(5);
  jobs[0].estimated_usecs = 10;
  jobs[1].estimated_usecs = 3000;
  jobs[2].estimated_usecs = 10;
  jobs[3].estimated_usecs = 20000000;
  jobs[4].estimated_usecs = 0;
  EXPECT_EQ((std::vector<size_t>{3, 1, 0, 2, 4}), StartOrder(jobs));
  Recorder recorder;
  SuiteOptions options;
  RunJobs(jobs, options, [](size_t) { return 0; }, &recorder);
  EXPECT_EQ((std::vector<size_t>{3, 1, 0, 2, 4}), recorder.started);
}

TEST(SuiteTest, DecidedRunsAreReportedFirstAndNotRun) {
  std::vector<SuiteJob> jobs(3);
  jobs[1].decided = RunResult{Verdict::kError, 0, "bad script\n"};
  Recorder recorder;
  SuiteOptions options;
  const SuiteOutcome outcome =
      RunJobs(jobs, options, [](size_t job) { return job == 1 ? 0 : 1; }, &recorder);
  EXPECT_EQ(Verdict::kError, outcome.results[1].verdict);
  EXPECT_EQ("bad script\n", outcome.results[1].output);
  EXPECT_EQ(1u, recorder.finished.front());
  EXPECT_EQ((std::vector<size_t>{0, 2}), recorder.started);
}

TEST(SuiteTest, FailFastStopsStartingAndStopsTheOthers) {
  std::vector<SuiteJob> jobs(5);
  jobs[0].estimated_usecs = 9;  // the long one starts first
  SuiteOptions options;
  options.jobs = 2;
  options.fail_fast = true;
  const auto start = std::chrono::steady_clock::now();
  const SuiteOutcome outcome = RunJobs(jobs, options, [](size_t job) {
    if (job == 0) sleep(100);
    usleep(100 * 1000);
    return job == 1 ? 1 : 0;
  });
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                          start)
                .count(),
            3);
  EXPECT_EQ(Verdict::kSkipped, outcome.results[0].verdict);
  EXPECT_EQ("synack: stopped: --fail-fast\n", outcome.results[0].output);
  EXPECT_EQ(Verdict::kFail, outcome.results[1].verdict);
  for (size_t job : {2, 3, 4}) {
    EXPECT_EQ(Verdict::kSkipped, outcome.results[job].verdict);
    EXPECT_EQ("synack: not run: --fail-fast\n", outcome.results[job].output);
  }
}

TEST(SuiteTest, StopFdInterruptsEverything) {
  int fds[2];
  ASSERT_EQ(0, pipe(fds));
  std::vector<SuiteJob> jobs(3);
  SuiteOptions options;
  options.jobs = 2;
  std::thread stopper([&] {
    usleep(200 * 1000);
    ASSERT_EQ(1, write(fds[1], "x", 1));
  });
  const SuiteOutcome outcome = RunJobs(
      jobs, options,
      [](size_t) {
        sleep(100);
        return 0;
      },
      nullptr, fds[0]);
  stopper.join();
  EXPECT_TRUE(outcome.interrupted);
  EXPECT_EQ(Verdict::kInterrupted, outcome.results[0].verdict);
  EXPECT_EQ(Verdict::kInterrupted, outcome.results[1].verdict);
  EXPECT_EQ(Verdict::kSkipped, outcome.results[2].verdict);
  EXPECT_EQ("synack: not run: interrupted\n", outcome.results[2].output);
  close(fds[0]);
  close(fds[1]);
}

TEST(SuiteTest, LongOutputKeepsHeadAndTail) {
  const std::vector<SuiteJob> jobs(1);
  SuiteOptions options;
  const SuiteOutcome outcome = RunJobs(jobs, options, [](size_t) {
    std::printf("first line\n");
    for (int i = 0; i < 200000; ++i) std::printf("%063d\n", i);
    std::printf("last line\n");
    return 1;
  });
  const std::string& output = outcome.results[0].output;
  EXPECT_EQ(Verdict::kFail, outcome.results[0].verdict);
  EXPECT_EQ(0u, output.find("first line\n"));
  EXPECT_NE(std::string::npos, output.find("bytes left out ...]\n"));
  EXPECT_EQ(output.size() - 10, output.rfind("last line\n"));
  EXPECT_LT(output.size(), (4u << 20) + 100);
}

TEST(SuiteTest, RunsAtOnceHaveDistinctPids) {
  const std::vector<SuiteJob> jobs(3);
  SuiteOptions options;
  options.jobs = 3;
  const SuiteOutcome outcome = RunJobs(jobs, options, [](size_t) {
    std::printf("%d\n", static_cast<int>(getpid()));
    std::fflush(stdout);
    usleep(200 * 1000);
    return 0;
  });
  std::set<std::string> pids;
  for (const RunResult& result : outcome.results) {
    pids.insert(result.output);
    EXPECT_NE("1\n", result.output);
  }
  EXPECT_EQ(3u, pids.size());
}

TEST(SuiteTest, RealtimeRunsSetUpIdleAndItsThreadsRealtime) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (SCHED_FIFO)";
  std::vector<SuiteJob> jobs(2);
  jobs[0].realtime = true;
  SuiteOptions options;
  const SuiteOutcome outcome = RunJobs(jobs, options, [](size_t) {
    int thread_policy = -1;
    std::thread([&] { thread_policy = sched_getscheduler(0); }).join();
    int child_policy = -1;
    int fds[2];
    if (pipe(fds) != 0) return 2;
    if (fork() == 0) {
      const char policy = static_cast<char>(sched_getscheduler(0));
      _exit(write(fds[1], &policy, 1) == 1 ? 0 : 1);
    }
    char policy = -1;
    if (read(fds[0], &policy, 1) != 1) return 2;
    child_policy = policy;
    const int main_policy = sched_getscheduler(0);
    std::printf("main %d%s thread %d child %d\n",
                main_policy & ~SCHED_RESET_ON_FORK,
                main_policy & SCHED_RESET_ON_FORK ? " reset-on-fork" : "",
                thread_policy, child_policy);
    return 0;
  });
  // Its set-up (before the script's time 0, which a real run's clock
  // enters) at SCHED_IDLE (5), its threads at SCHED_FIFO (1).
  EXPECT_EQ("main 5 thread 1 child 5\n", outcome.results[0].output);
  EXPECT_EQ("main 0 thread 0 child 0\n", outcome.results[1].output);
}

TEST(SuiteTest, AWriteToAClosedPipeIsEpipeNotDeath) {
  const std::vector<SuiteJob> jobs(1);
  SuiteOptions options;
  const SuiteOutcome outcome = RunJobs(jobs, options, [](size_t) {
    int fds[2];
    if (pipe(fds) != 0) return 2;
    close(fds[0]);
    const bool epipe = write(fds[1], "x", 1) < 0 && errno == EPIPE;
    return epipe ? 0 : 1;
  });
  EXPECT_EQ(Verdict::kPass, outcome.results[0].verdict);
}

TEST(SuiteTest, RealtimeWithoutThePrivilegeRunsAtNormalPriority) {
  // As root, the suite runs in a child that has become `nobody` (no
  // CAP_SYS_NICE, no RLIMIT_RTPRIO), so the test runs in CI too.
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(3);
    std::vector<SuiteJob> jobs(1);
    jobs[0].realtime = true;
    SuiteOptions options;
    const SuiteOutcome outcome = RunJobs(jobs, options, [](size_t) {
      int thread_policy = -1;
      std::thread([&] { thread_policy = sched_getscheduler(0); }).join();
      std::printf("main %d thread %d\n", sched_getscheduler(0), thread_policy);
      return 0;
    });
    _exit(outcome.results[0].output == "main 0 thread 0\n" ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(pid, waitpid(pid, &status, 0));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(0, WEXITSTATUS(status)) << "1: not at normal priority; 3: setuid";
}

TEST(CappedOutputTest, KeepsAllUpToTheLimit) {
  CappedOutput output(10);
  output.Append("abc", 3);
  output.Append("defghij", 7);
  EXPECT_EQ("abcdefghij", output.Text());
}

TEST(CappedOutputTest, KeepsHeadAndTailBeyondIt) {
  CappedOutput output(10);
  const std::string text = "0123456789ABCDEFGHIJKLMNOP";
  for (char c : text) output.Append(&c, 1);
  EXPECT_EQ("01234\n[... 16 bytes left out ...]\nLMNOP", output.Text());
  CappedOutput whole(10);
  whole.Append(text.data(), text.size());
  EXPECT_EQ(output.Text(), whole.Text());
}


// Timing retries: a child that counts its runs in a file per job.
class RetryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/synack-retry-XXXXXX";
    ASSERT_NE(nullptr, mkdtemp(templ));
    dir_ = templ;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // The how-manieth run of `job` this is, from 1.
  int CountRun(size_t job) const {
    const std::string path = dir_ + "/" + std::to_string(job);
    int runs = 0;
    std::ifstream(path) >> runs;
    std::ofstream(path) << ++runs;
    return runs;
  }
  std::string dir_;
};

class RetryRecorder : public Recorder {
 public:
  void Retrying(size_t job, const RunResult& failed) override {
    retried.push_back(job);
    EXPECT_TRUE(failed.timing_failure);
  }
  std::vector<size_t> retried;
};

TEST_F(RetryTest, TimingFailureRunsAgainAndTheRetryDecides) {
  std::vector<SuiteJob> jobs(3);
  for (SuiteJob& job : jobs) job.timing_retries = 1;
  SuiteOptions options;
  options.jobs = 3;
  RetryRecorder recorder;
  const SuiteOutcome outcome = RunJobs(
      jobs, options,
      [this](size_t job) {
        const int run = CountRun(job);
        std::printf("job %zu run %d\n", job, run);
        std::fflush(stdout);
        // Job 0 passes when run again; job 1 fails again.
        if (job == 0) return run == 1 ? kTimingFailureStatus : 0;
        if (job == 1) return kTimingFailureStatus;
        return 1;  // a failure not on timing: no retry
      },
      &recorder);
  EXPECT_EQ(Verdict::kPass, outcome.results[0].verdict);
  EXPECT_EQ("job 0 run 2\n", outcome.results[0].output);
  EXPECT_EQ("job 0 run 1\n", outcome.results[0].first_output);
  EXPECT_EQ(Verdict::kFail, outcome.results[1].verdict);
  EXPECT_TRUE(outcome.results[1].timing_failure);
  EXPECT_EQ("job 1 run 2\n", outcome.results[1].output);
  EXPECT_EQ("job 1 run 1\n", outcome.results[1].first_output);
  EXPECT_EQ(Verdict::kFail, outcome.results[2].verdict);
  EXPECT_FALSE(outcome.results[2].timing_failure);
  EXPECT_EQ("", outcome.results[2].first_output);
  EXPECT_EQ((std::set<size_t>{0, 1}),
            std::set<size_t>(recorder.retried.begin(), recorder.retried.end()));
  // Each job finishes once, with its final verdict.
  EXPECT_EQ(3u, recorder.finished.size());
  EXPECT_EQ(5u, recorder.started.size());
}

TEST_F(RetryTest, RetriesWaitForEveryFirstRunAndGoOneAtATime) {
  // Jobs 0 and 1 fail on timing at once; 2 and 3 take a while. With -j 2,
  // the retries start only once 3 has started, and never together.
  std::vector<SuiteJob> jobs(4);
  for (SuiteJob& job : jobs) job.timing_retries = 1;
  jobs[0].estimated_usecs = jobs[1].estimated_usecs = 2;  // started first
  SuiteOptions options;
  options.jobs = 2;
  class Overlap : public RetryRecorder {
   public:
    void Starting(size_t job) override {
      times.push_back(std::chrono::steady_clock::now());
      if (++starts[job] == 2) {
        if (retry_running) overlapped = true;
        retry_running = true;
      }
      Recorder::Starting(job);
    }
    void Finished(size_t job, const RunResult& result) override {
      if (starts[job] == 2) retry_running = false;
      Recorder::Finished(job, result);
    }
    std::map<size_t, int> starts;
    std::vector<std::chrono::steady_clock::time_point> times;
    bool retry_running = false, overlapped = false;
  } recorder;
  const SuiteOutcome outcome = RunJobs(
      jobs, options,
      [this](size_t job) {
        const int run = CountRun(job);
        if (job >= 2) {
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
          return 0;
        }
        return run == 1 ? kTimingFailureStatus : 0;
      },
      &recorder);
  for (const RunResult& result : outcome.results) {
    EXPECT_EQ(Verdict::kPass, result.verdict);
  }
  ASSERT_EQ(6u, recorder.started.size());
  // First runs in order 0, 1, then 2 and 3; the retries after them.
  EXPECT_EQ(3u, recorder.started[3]);
  EXPECT_EQ((std::set<size_t>{0, 1}),
            std::set<size_t>(recorder.started.begin() + 4,
                             recorder.started.end()));
  EXPECT_FALSE(recorder.overlapped);
  // The first retry waited for the last first run's set-up (half a second).
  EXPECT_GE(recorder.times[4] - recorder.times[3],
            std::chrono::milliseconds(450));
}

TEST_F(RetryTest, ASecondRetryWaitsUntilNoOtherRunIsLeft) {
  // Job 0 fails on timing twice, then passes; job 1 runs long. The first
  // retry goes beside job 1, the second only once job 1 has ended.
  std::vector<SuiteJob> jobs(2);
  jobs[0].timing_retries = 2;
  jobs[0].estimated_usecs = 2;  // started first
  SuiteOptions options;
  options.jobs = 2;
  class Times : public RetryRecorder {
   public:
    void Starting(size_t job) override {
      if (job == 0) zero_starts.push_back(std::chrono::steady_clock::now());
      Recorder::Starting(job);
    }
    void Finished(size_t job, const RunResult& result) override {
      if (job == 1) one_ended = std::chrono::steady_clock::now();
      Recorder::Finished(job, result);
    }
    std::vector<std::chrono::steady_clock::time_point> zero_starts;
    std::chrono::steady_clock::time_point one_ended;
  } recorder;
  const SuiteOutcome outcome = RunJobs(
      jobs, options,
      [this](size_t job) {
        const int run = CountRun(job);
        std::printf("run %d\n", run);
        std::fflush(stdout);
        if (job == 1) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1500));
          return 0;
        }
        return run < 3 ? kTimingFailureStatus : 0;
      },
      &recorder);
  EXPECT_EQ(Verdict::kPass, outcome.results[0].verdict);
  EXPECT_EQ("run 3\n", outcome.results[0].output);
  EXPECT_EQ("run 1\n", outcome.results[0].first_output);
  EXPECT_EQ((std::vector<size_t>{0, 0}), recorder.retried);
  ASSERT_EQ(3u, recorder.zero_starts.size());
  EXPECT_LT(recorder.zero_starts[1], recorder.one_ended);
  EXPECT_GE(recorder.zero_starts[2], recorder.one_ended);
}

TEST_F(RetryTest, NoRetryWithoutTimingRetries) {
  std::vector<SuiteJob> jobs(1);
  SuiteOptions options;
  RetryRecorder recorder;
  const SuiteOutcome outcome = RunJobs(
      jobs, options, [this](size_t job) {
        CountRun(job);
        return kTimingFailureStatus;
      },
      &recorder);
  EXPECT_EQ(Verdict::kFail, outcome.results[0].verdict);
  EXPECT_TRUE(outcome.results[0].timing_failure);
  EXPECT_TRUE(recorder.retried.empty());
  EXPECT_EQ(1u, recorder.started.size());
}

TEST_F(RetryTest, FailFastReportsAQueuedRetryAsItsFirstRun) {
  // One at a time: job 0 fails on timing and waits for its retry until
  // every first run has started; job 1 then fails outright and stops the
  // suite, so job 0's verdict is its first run's.
  std::vector<SuiteJob> jobs(2);
  for (SuiteJob& job : jobs) job.timing_retries = 1;
  jobs[0].estimated_usecs = 2;
  SuiteOptions options;
  options.jobs = 1;
  options.fail_fast = true;
  Recorder recorder;
  const SuiteOutcome outcome = RunJobs(
      jobs, options,
      [this](size_t job) {
        CountRun(job);
        std::printf("job %zu\n", job);
        return job == 0 ? kTimingFailureStatus : 1;
      },
      &recorder);
  EXPECT_EQ(Verdict::kFail, outcome.results[0].verdict);
  EXPECT_EQ("job 0\n", outcome.results[0].output);
  EXPECT_EQ("", outcome.results[0].first_output);
  EXPECT_EQ(Verdict::kFail, outcome.results[1].verdict);
  EXPECT_EQ((std::vector<size_t>{0, 1}), recorder.started);
  EXPECT_EQ(2u, recorder.finished.size());
}

}  // namespace
}  // namespace synack::cli
