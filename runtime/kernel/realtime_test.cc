// DeferRealtime and EnterDeferredRealtime: the policies of the thread, of
// the threads and processes it starts, before and after time 0.
#include "runtime/kernel/realtime.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "runtime/kernel/clock.h"
#include "runtime/kernel/command.h"
#include "runtime/kernel/test_helpers.h"

namespace synack::kernel {
namespace {

// "main P thread P child P": the policies of the calling thread, of a
// thread it starts and of a process it forks (SCHED_RESET_ON_FORK shown
// as "+reset").
std::string Policies() {
  auto name = [](int policy) {
    std::string text = std::to_string(policy & ~SCHED_RESET_ON_FORK);
    return (policy & SCHED_RESET_ON_FORK) ? text + "+reset" : text;
  };
  int thread_policy = -1;
  std::thread([&] { thread_policy = sched_getscheduler(0); }).join();
  int child_policy = -1;
  const pid_t child = fork();
  if (child == 0) _exit(sched_getscheduler(0) & ~SCHED_RESET_ON_FORK);
  int status = 0;
  if (child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status)) {
    child_policy = WEXITSTATUS(status);
  }
  return "main " + name(sched_getscheduler(0)) + " thread " +
         name(thread_policy) + " child " + name(child_policy);
}

// SCHED_OTHER 0, SCHED_FIFO 1, SCHED_IDLE 5.
TEST(DeferRealtimeTest, IdleUntilTimeZeroThenFifoWithNormalChildren) {
  SYNACK_REQUIRE_ROOT();
  std::string result = test::RunInChild([]() -> std::string {
    if (!DeferRealtime(10)) return "DeferRealtime failed as root";
    // The set-up: its commands idle too, its threads already real-time.
    std::string text = Policies() + "\n";
    EnterDeferredRealtime();
    sched_param param{};
    sched_getparam(0, &param);
    text += Policies() + " priority " + std::to_string(param.sched_priority);
    return text;
  });
  EXPECT_EQ(
      "main 5 thread 1 child 5\n"
      "main 1+reset thread 1 child 0 priority 10",
      result);
}

TEST(DeferRealtimeTest, TheScriptStartEntersIt) {
  SYNACK_REQUIRE_ROOT();
  std::string result = test::RunInChild([]() -> std::string {
    if (!DeferRealtime(10)) return "DeferRealtime failed as root";
    RealClock clock;
    clock.ScriptStart(clock.Now(), -1);
    return std::to_string(sched_getscheduler(0) & ~SCHED_RESET_ON_FORK);
  });
  EXPECT_EQ("1", result);
}

// A command started mid-script runs at SCHED_FIFO one below the script
// (packetdrill's commands inherit its SCHED_RR), one started in the set-up
// at its SCHED_IDLE: "policy rt_priority" from /proc/self/stat.
TEST(DeferRealtimeTest, CommandsRunJustBelowTheScript) {
  SYNACK_REQUIRE_ROOT();
  std::string result = test::RunInChild([]() -> std::string {
    if (!DeferRealtime(10)) return "DeferRealtime failed as root";
    std::string text = std::to_string(CommandRealtimePriority());
    CommandRunner setup;
    text += " " + setup.Run("cut -d' ' -f40,41 /proc/self/stat", {}).output;
    EnterDeferredRealtime();
    text += std::to_string(CommandRealtimePriority());
    CommandRunner script;
    text += " " + script.Run("cut -d' ' -f40,41 /proc/self/stat", {}).output;
    return text;
  });
  EXPECT_EQ("0 0 5\n9 9 1\n", result);
}

TEST(DeferRealtimeTest, WithoutItNothingChanges) {
  std::string result = test::RunInChild([]() -> std::string {
    EnterDeferredRealtime();
    return Policies();
  });
  EXPECT_EQ("main 0 thread 0 child 0", result);
  EXPECT_EQ(0, CommandRealtimePriority());
}

}  // namespace
}  // namespace synack::kernel
