// The kernel's tick: the grid from wake-up times, and measured on this
// kernel.
#include "runtime/kernel/tick.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "runtime/kernel/clock.h"

namespace synack::kernel {
namespace {

constexpr int64_t kMs = 1000000;

TEST(TickGridTest, NextAtIsTheFirstPhasePointAtOrAfter) {
  const TickGrid grid{4 * kMs, 1000 * kMs + 300};
  EXPECT_EQ(1000 * kMs + 300 + kMs, grid.NextAt(1000 * kMs + 300, kMs));
  EXPECT_EQ(1000 * kMs + 300 + kMs, grid.NextAt(1000 * kMs + 300 + kMs, kMs));
  EXPECT_EQ(1004 * kMs + 300 + kMs,
            grid.NextAt(1000 * kMs + 300 + kMs + 1, kMs));
  // Before the origin, too.
  EXPECT_EQ(992 * kMs + 300 + kMs, grid.NextAt(990 * kMs, kMs));
}

// HZ=250: wake-ups one to three jiffies apart, each a tick plus its latency.
TEST(TickGridTest, FromWakeupsWholeJiffiesApart) {
  const int64_t tick = 7000 * kMs;  // a tick
  const int64_t wakeups[] = {tick + 90000, tick + 12 * kMs + 40000,
                             tick + 16 * kMs + 130000};
  std::string error;
  std::optional<TickGrid> grid = TickGridFromWakeups(wakeups, 3, &error);
  ASSERT_TRUE(grid) << error;
  EXPECT_EQ(4 * kMs, grid->period_ns);
  // The least late wake-up marks the tick.
  EXPECT_EQ(tick + 40000, grid->origin_ns);
}

TEST(TickGridTest, FromWakeupsAtHz1000AndHz300) {
  std::string error;
  const int64_t at1000[] = {50000, 2 * kMs + 60000, 4 * kMs + 50000};
  std::optional<TickGrid> grid = TickGridFromWakeups(at1000, 3, &error);
  ASSERT_TRUE(grid) << error;
  EXPECT_EQ(kMs, grid->period_ns);
  const int64_t at300[] = {0, 6666666, 13333332};
  grid = TickGridFromWakeups(at300, 3, &error);
  ASSERT_TRUE(grid) << error;
  EXPECT_EQ(3333333, grid->period_ns);
}

TEST(TickGridTest, WakeupsThatAreNoTicksAreRefused) {
  std::string error;
  // 4 and 8.7 ms: no jiffy makes both a whole number of jiffies.
  const int64_t uneven[] = {0, 4 * kMs, 12 * kMs + 700000};
  EXPECT_FALSE(TickGridFromWakeups(uneven, 3, &error));
  EXPECT_NE(std::string::npos, error.find("no HZ fits")) << error;
  const int64_t no_hz[] = {0, 5 * kMs + 200000, 10 * kMs + 400000};
  EXPECT_FALSE(TickGridFromWakeups(no_hz, 3, &error));
  EXPECT_NE(std::string::npos, error.find("no HZ fits")) << error;
  EXPECT_FALSE(TickGridFromWakeups(no_hz, 2, &error));
}

// On this kernel: the measured grid predicts when the next jiffy timer
// fires (a socket timeout's wake-up comes just after a grid point).
TEST(TickGridTest, MeasuredGridPredictsJiffyTimers) {
  std::string error;
  std::optional<TickGrid> grid = MeasureTickGrid(&error);
  ASSERT_TRUE(grid) << error;
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  const timeval one_usec{0, 1};
  ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &one_usec,
                          sizeof one_usec));
  int near = 0;
  constexpr int kTries = 5;
  for (int i = 0; i < kTries; ++i) {
    char byte;
    EXPECT_LT(recv(fd, &byte, 1, 0), 0);
    const int64_t woke = MonotonicNanos();
    // How far from the nearest grid point, either side: the grid's origin
    // is itself a wake-up, a little after its tick.
    int64_t off = (woke - grid->origin_ns) % grid->period_ns;
    if (off > grid->period_ns / 2) off -= grid->period_ns;
    // A wake-up's latency is tens of microseconds; a loaded machine may
    // delay one now and then.
    if (std::llabs(off) < grid->period_ns / 8) ++near;
  }
  close(fd);
  EXPECT_GE(near, kTries - 1);
}

// RealClock starts scripts at the phase asked for, within a tick of the
// later of `earliest` and the measurement's end.
TEST(TickGridTest, RealClockStartsScriptsAtThePhaseAskedFor) {
  RealClock clock;
  clock.StartMeasuringTick();
  const interpreter::Instant earliest = clock.Now();
  const interpreter::Instant start = clock.ScriptStart(earliest, 0.3);
  const interpreter::Instant returned = clock.Now();
  std::string why;
  const std::optional<TickGrid>& grid = clock.tick(&why);
  ASSERT_TRUE(grid) << why;
  EXPECT_GE(start, earliest);
  EXPECT_LE(start - returned, interpreter::Duration(grid->period_ns));
  const int64_t phase =
      ((start.since_epoch.count() - grid->origin_ns) % grid->period_ns +
       grid->period_ns) %
      grid->period_ns;
  EXPECT_NEAR(0.3 * grid->period_ns, phase, 1000);
  // Unaligned: time 0 where asked.
  const interpreter::Instant now = clock.Now();
  EXPECT_EQ(now, clock.ScriptStart(now, -1));
}

}  // namespace
}  // namespace synack::kernel
