#include "interpreter/running_call.h"

#include <gtest/gtest.h>

#include <future>

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
    RunningCall call(backend.calls, backend.fake_clock,
                     [open](Syscalls&) {
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

}  // namespace
}  // namespace synack::interpreter
