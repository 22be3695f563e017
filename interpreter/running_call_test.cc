#include "interpreter/running_call.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <future>

#include "interpreter/call_cpu.h"
#include "interpreter/testing/fake_backend.h"

namespace synack::interpreter {
namespace {

TEST(RunningCallTest, TheCallHasBegunWhenTheConstructorReturns) {
  testing::FakeBackend backend;
  // Many times: a thread that has not run yet when the constructor returns
  // (the usual case without the wait, thread start-up takes tens of
  // microseconds) shows at once.
  for (int round = 0; round < 50; ++round) {
    std::promise<void> gate;
    std::shared_future<void> open = gate.get_future().share();
    RunningCall call(backend.calls, backend.fake_clock, [open](Syscalls&) {
      open.wait();
      return SyscallResult{};
    });
    const bool started = call.started();
    const bool done = call.done();
    gate.set_value();  // before any return: the destructor joins the thread
    ASSERT_TRUE(call.WaitFor(std::chrono::seconds(5)));
    ASSERT_TRUE(started) << "round " << round;
    EXPECT_FALSE(done);
  }
}

TEST(RunningCallTest, TheCallRunsOnTheScriptThreadsProcessor) {
  testing::FakeBackend backend;
  cpu_set_t all;
  ASSERT_EQ(0, sched_getaffinity(0, sizeof all, &all));
  CallCpu pin;
  const int cpu = pin.PinHere();
  ASSERT_GE(cpu, 0);
  EXPECT_EQ(cpu, pin.PinHere());  // pinned already: the same
  cpu_set_t mine;
  ASSERT_EQ(0, sched_getaffinity(0, sizeof mine, &mine));
  EXPECT_EQ(1, CPU_COUNT(&mine));
  EXPECT_TRUE(CPU_ISSET(cpu, &mine));
  int call_cpus = 0;
  bool on_cpu = false;
  RunningCall call(
      backend.calls, backend.fake_clock,
      [&](Syscalls&) {
        cpu_set_t set;
        sched_getaffinity(0, sizeof set, &set);
        call_cpus = CPU_COUNT(&set);
        on_cpu = CPU_ISSET(cpu, &set);
        return SyscallResult{};
      },
      cpu);
  ASSERT_TRUE(call.WaitFor(std::chrono::seconds(5)));
  EXPECT_EQ(1, call_cpus);
  EXPECT_TRUE(on_cpu);
  pin.Release();
  ASSERT_EQ(0, sched_getaffinity(0, sizeof mine, &mine));
  EXPECT_TRUE(CPU_EQUAL(&all, &mine));
}

}  // namespace
}  // namespace synack::interpreter
