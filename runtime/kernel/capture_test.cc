// The realtime-to-monotonic conversion of packet stamps.
#include "runtime/kernel/capture.h"

#include <gtest/gtest.h>
#include <time.h>

#include <chrono>

namespace synack::kernel {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

interpreter::Instant Monotonic() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return interpreter::Instant{std::chrono::seconds(ts.tv_sec) +
                              std::chrono::nanoseconds(ts.tv_nsec)};
}

timespec RealtimeMinus(std::chrono::nanoseconds ago) {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  auto total = std::chrono::seconds(ts.tv_sec) +
               std::chrono::nanoseconds(ts.tv_nsec) - ago;
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(total);
  return {static_cast<time_t>(seconds.count()),
          static_cast<long>((total - seconds).count())};
}

TEST(RealtimeToMonotonicTest, NowMapsToNow) {
  interpreter::Instant before = Monotonic();
  interpreter::Instant converted = RealtimeToMonotonic(RealtimeMinus({}));
  interpreter::Instant after = Monotonic();
  EXPECT_GE(converted, before - microseconds(50));
  EXPECT_LE(converted, after);
}

TEST(RealtimeToMonotonicTest, KeepsTheAgeOfAStamp) {
  interpreter::Instant now = Monotonic();
  interpreter::Instant converted =
      RealtimeToMonotonic(RealtimeMinus(milliseconds(250)));
  auto age = now - converted;
  EXPECT_GT(age, milliseconds(250) - microseconds(100));
  EXPECT_LT(age, milliseconds(250) + microseconds(500));
}

TEST(RealtimeToMonotonicTest, AStampFromTheFutureIsNow) {
  interpreter::Instant converted =
      RealtimeToMonotonic(RealtimeMinus(-std::chrono::seconds(5)));
  EXPECT_LE(converted, Monotonic());
}

}  // namespace
}  // namespace synack::kernel
