// The kernel's tick: the grid from wake-up times and from the kernel's
// /proc/timer_list, and both on this kernel.
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

// /proc/timer_list as Linux 6.18 wrote it here (HZ=250, two processors,
// 12 620 s after boot), cut to the lines the grid is read from.
constexpr char kTimerList250[] = R"(Timer List Version: v0.10
HRTIMER_MAX_CLOCK_BASES: 8
now at 12620086256190 nsecs

cpu: 0
 clock 0:
  .resolution: 1 nsecs
active timers:
 #0: <000000008f00ecb7>, tick_nohz_handler, S:01
 # expires at 12620088000000-12620088000000 nsecs [in 1743810 to 1743810 nsecs]
 #1: <00000000286cc9c8>, hrtimer_wakeup, S:01
 # expires at 12620122086207-12620122136207 nsecs [in 35830017 to 35880017 nsecs]
  .last_tick      : 12620076000000 nsecs
  .tick_stopped   : 0
jiffies: 4298047255

cpu: 1
  .last_tick      : 12620072000000 nsecs
jiffies: 4298047255
)";

TEST(TickGridTest, FromTheKernelsTimerList) {
  std::string error;
  std::optional<TickGrid> grid = TickGridFromTimerList(kTimerList250, &error);
  ASSERT_TRUE(grid) << error;
  EXPECT_EQ(4 * kMs, grid->period_ns);
  EXPECT_EQ(0, (grid->origin_ns - 12620076000000) % (4 * kMs));
}

// The same kernel at HZ=1000 and at HZ=300 (3 333 333 ns jiffies), 100 s
// after boot: jiffies began at -300 * HZ.
TEST(TickGridTest, FromTimerListsAtOtherHz) {
  auto report = [](int64_t now, int64_t jiffies, int64_t last_tick) {
    return "now at " + std::to_string(now) + " nsecs\n  .last_tick      : " +
           std::to_string(last_tick) + " nsecs\njiffies: " + std::to_string(jiffies) + "\n";
  };
  std::string error;
  std::optional<TickGrid> grid = TickGridFromTimerList(
      report(100000400000, (int64_t{1} << 32) - 300000 + 99900, 99999000000), &error);
  ASSERT_TRUE(grid) << error;
  EXPECT_EQ(kMs, grid->period_ns);
  grid = TickGridFromTimerList(
      report(100000400000, (int64_t{1} << 32) - 90000 + 29970, int64_t{29970} * 3333333), &error);
  ASSERT_TRUE(grid) << error;
  EXPECT_EQ(3333333, grid->period_ns);
  EXPECT_EQ(int64_t{29970} * 3333333, grid->origin_ns);
}

TEST(TickGridTest, TimerListsThatDoNotSettleTheGridAreRefused) {
  std::string error;
  // Near 300 s after boot every HZ's jiffies count the same.
  EXPECT_FALSE(TickGridFromTimerList(
      "now at 300000000000 nsecs\n.last_tick : 300000000000 nsecs\njiffies: 4294967296\n",
      &error));
  EXPECT_NE(std::string::npos, error.find("more than one HZ")) << error;
  // Skewed ticks (skew_tick=1): processors a fraction of a jiffy apart.
  std::string skewed = kTimerList250;
  skewed.replace(skewed.find("12620072000000"), 14, "12620072500000");
  EXPECT_FALSE(TickGridFromTimerList(skewed, &error));
  EXPECT_NE(std::string::npos, error.find("not whole jiffies apart")) << error;
  EXPECT_FALSE(TickGridFromTimerList("", &error));
  EXPECT_FALSE(TickGridFromTimerList("now at 99999999999999999999999 nsecs\n", &error));
}

TEST(TickGridTest, TicksSeenJustAfterAGridPointFitIt) {
  const TickGrid grid{4 * kMs, 1000 * kMs};
  EXPECT_TRUE(SeenTickFitsGrid(grid, 1000 * kMs));
  EXPECT_TRUE(SeenTickFitsGrid(grid, 1012 * kMs + 60000));
  EXPECT_TRUE(SeenTickFitsGrid(grid, 996 * kMs + 499999));
  // Before the origin too.
  EXPECT_TRUE(SeenTickFitsGrid(grid, 900 * kMs + 100000));
  // Half a millisecond late or more, or before a tick: not this grid's.
  EXPECT_FALSE(SeenTickFitsGrid(grid, 1004 * kMs + 500000));
  EXPECT_FALSE(SeenTickFitsGrid(grid, 1008 * kMs - 10000));
  EXPECT_FALSE(SeenTickFitsGrid(grid, 900 * kMs + 2 * kMs));
}

// How far `t_ns` lies from the grid's nearest point, either side. The
// origin may lie after `t_ns` (a tick timer's expiry read from the
// kernel's report is in the future; an idle processor's, far in it).
int64_t OffGrid(const TickGrid& grid, int64_t t_ns) {
  int64_t off = (t_ns - grid.origin_ns) % grid.period_ns;
  if (off < 0) off += grid.period_ns;
  return off > grid.period_ns / 2 ? off - grid.period_ns : off;
}

TEST(TickGridTest, OffGridIsSignedEitherSideOfTheOrigin) {
  const TickGrid grid{4 * kMs, 1000 * kMs};
  EXPECT_EQ(60000, OffGrid(grid, 1012 * kMs + 60000));
  EXPECT_EQ(60000, OffGrid(grid, 900 * kMs + 60000));
  EXPECT_EQ(-40000, OffGrid(grid, 1012 * kMs - 40000));
  EXPECT_EQ(-40000, OffGrid(grid, 900 * kMs - 40000));
}

// On this kernel: the grid, read from the kernel's report and measured,
// predicts when the next jiffy timer fires (a socket timeout's wake-up
// comes just after a grid point).
void ExpectGridPredictsJiffyTimers(const TickGrid& grid) {
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
    const int64_t off = OffGrid(grid, woke);
    // A wake-up's latency is tens of microseconds; a loaded machine may
    // delay one now and then.
    if (std::llabs(off) < grid.period_ns / 8) ++near;
  }
  close(fd);
  EXPECT_GE(near, kTries - 1);
}

TEST(TickGridTest, MeasuredGridPredictsJiffyTimers) {
  std::string error;
  std::optional<TickGrid> grid = MeasureTickGrid(&error);
  ASSERT_TRUE(grid) << error;
  ExpectGridPredictsJiffyTimers(*grid);
}

// A CPU-time timer fires on the tick that fires jiffy timers: the tick
// SeeTick sees lies on the grid measured from jiffy timers' wake-ups (both
// being ticks plus a latency, either may be the later).
TEST(TickGridTest, SeenTicksAreJiffyTimersTicks) {
  std::string error;
  std::optional<TickGrid> grid = MeasureTickGrid(&error);
  ASSERT_TRUE(grid) << error;
  int near = 0;
  constexpr int kTries = 5;
  for (int i = 0; i < kTries; ++i) {
    const int64_t before = MonotonicNanos();
    const std::optional<SeenTick> seen = SeeTick(*grid, &error);
    // A loaded machine may preempt or delay one now and then.
    if (!seen) continue;
    EXPECT_GT(seen->at_ns, before);
    if (std::llabs(OffGrid(*grid, seen->at_ns)) < grid->period_ns / 8) ++near;
  }
  EXPECT_GE(near, kTries - 2) << error;
}

// The grid a run uses: from the kernel's report when a tick is seen on it,
// measured when not (as on a CI machine where the report's ticks and this
// process's wake-ups lay apart).
TEST(TickGridTest, FoundGridPredictsJiffyTimers) {
  std::string error;
  std::optional<TickGrid> grid = FindTickGrid(&error);
  ASSERT_TRUE(grid) << error;
  ExpectGridPredictsJiffyTimers(*grid);
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
