// RealClock: CLOCK_MONOTONIC readings and absolute-deadline sleeps.
#include "runtime/kernel/clock.h"

#include <gtest/gtest.h>
#include <time.h>

namespace synack::kernel {
namespace {

using std::chrono::milliseconds;

interpreter::Instant Monotonic() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return interpreter::Instant{std::chrono::seconds(ts.tv_sec) +
                              std::chrono::nanoseconds(ts.tv_nsec)};
}

TEST(RealClockTest, NowIsClockMonotonic) {
  RealClock clock;
  interpreter::Instant before = Monotonic();
  interpreter::Instant now = clock.Now();
  interpreter::Instant after = Monotonic();
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
}

// The offset turns CLOCK_MONOTONIC readings into CLOCK_REALTIME ones.
TEST(RealClockTest, RealtimeOffsetGivesClockRealtime) {
  RealClock clock;
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  const interpreter::Duration before =
      std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
  const interpreter::Duration realtime =
      clock.Now().since_epoch + clock.RealtimeOffset();
  // The clocks are read one after the other: they agree to within the
  // time that takes (generous: shared machine).
  EXPECT_LT(std::chrono::abs(realtime - before), milliseconds(500));
}

TEST(RealClockTest, WaitUntilReturnsAtTheDeadlineNotBefore) {
  RealClock clock;
  interpreter::Instant deadline = clock.Now() + milliseconds(20);
  clock.WaitUntil(deadline);
  interpreter::Instant woke = clock.Now();
  EXPECT_GE(woke, deadline);
  EXPECT_LT(woke - deadline, milliseconds(500));  // generous: shared machine
}

TEST(RealClockTest, WaitUntilThePastReturnsAtOnce) {
  RealClock clock;
  interpreter::Instant start = clock.Now();
  clock.WaitUntil(start - milliseconds(100));
  EXPECT_LT(clock.Now() - start, milliseconds(50));
}

}  // namespace
}  // namespace synack::kernel
