// PrepareForRealTime: the policy (inherited by later threads) and the locks.
#include "runtime/kernel/realtime.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mman.h>

#include <fstream>
#include <string>
#include <thread>

#include "runtime/kernel/test_helpers.h"

namespace synack::kernel {
namespace {

// /proc/self/status's VmLck in kB, or -1.
long LockedKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmLck:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

TEST(PrepareForRealTimeTest, RoundRobinInheritedAndMemoryLocked) {
  SYNACK_REQUIRE_ROOT();
  std::string failure = test::RunInChild([]() -> std::string {
    if (LockedKb() != 0) return "memory locked before";
    std::string error = PrepareForRealTime();
    if (!error.empty()) return error;
    std::string problems;
    sched_param param{};
    sched_getparam(0, &param);
    if (sched_getscheduler(0) != SCHED_RR || param.sched_priority != 1) {
      problems += "policy " + std::to_string(sched_getscheduler(0)) +
                  " priority " + std::to_string(param.sched_priority) + "\n";
    }
    int thread_policy = -1;
    std::thread([&] { thread_policy = sched_getscheduler(0); }).join();
    if (thread_policy != SCHED_RR) {
      problems += "a later thread has policy " + std::to_string(thread_policy) + "\n";
    }
    // The binary and its libraries are mapped, so several MB are locked.
    // (AddressSanitizer makes mlockall a no-op: its shadow memory is too
    // large to lock.)
#ifndef __SANITIZE_ADDRESS__
    if (long kb = LockedKb(); kb < 1024) {
      problems += "VmLck " + std::to_string(kb) + " kB\n";
    }
#endif
    munlockall();
    return problems;
  });
  EXPECT_EQ("", failure);
}

}  // namespace
}  // namespace synack::kernel
