#include "runtime/kernel/timers_cpu.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace synack::kernel {
namespace {

using S = JiffiesStep;

SeenTick Seen(int cpu, S step, int64_t entered_us, int64_t at_us = 0) {
  return SeenTick{(at_us ? at_us : entered_us + 30) * 1000, cpu, step, entered_us * 1000};
}

TEST(TimersCpuTest, PicksTheTimekeeperOrTheLastToReadJiffies) {
  struct Case {
    const char* what;
    std::vector<SeenTick> ticks;
    std::optional<int> want;
  };
  const Case cases[] = {
      {"the one that moved them, the other's tick came first",
       {Seen(0, S::kAfterTick, 100), Seen(1, S::kDuringTick, 109)}, 1},
      {"the one that moved them, the other's tick came after the move",
       {Seen(0, S::kBeforeTick, 130), Seen(1, S::kDuringTick, 100)}, 1},
      {"both during their ticks: the later interrupt read jiffies after the move",
       {Seen(0, S::kDuringTick, 100), Seen(1, S::kDuringTick, 109)}, 1},
      {"both during, the other way round",
       {Seen(0, S::kDuringTick, 112), Seen(1, S::kDuringTick, 103)}, 0},
      {"the timekeeper not watched: the last that saw the move before its tick",
       {Seen(2, S::kBeforeTick, 120), Seen(3, S::kBeforeTick, 140), Seen(1, S::kAfterTick, 90)}, 3},
      {"only late ones", {Seen(0, S::kAfterTick, 100), Seen(1, S::kAfterTick, 104)}, std::nullopt},
      {"nothing seen", {Seen(0, S::kUnseen, 100)}, std::nullopt},
      {"none", {}, std::nullopt},
      {"a thread woken late saw the next tick: left out",
       {Seen(0, S::kDuringTick, 100), Seen(1, S::kDuringTick, 4100)}, 0},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, PickTimersCpu(c.ticks)) << c.what;
  }
}

TEST(TimersCpuTest, ProcessorsToWatchStartHereAndAreAllowed) {
  cpu_set_t allowed;
  ASSERT_EQ(0, sched_getaffinity(0, sizeof(allowed), &allowed));
  std::vector<int> cpus = ProcessorsToWatch();
  ASSERT_FALSE(cpus.empty());
  EXPECT_LE(cpus.size(), 4u);
  for (const int cpu : cpus) EXPECT_TRUE(CPU_ISSET(cpu, &allowed)) << cpu;
  // Held on one processor (else it may move between the two questions),
  // the thread's own comes first.
  const int here = sched_getcpu();
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(here, &one);
  ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
  cpus = ProcessorsToWatch();
  ASSERT_EQ(0, sched_setaffinity(0, sizeof(allowed), &allowed));
  ASSERT_FALSE(cpus.empty());
  EXPECT_EQ(here, cpus.front());
}

// On this kernel: one tick watched on every processor at once is seen on
// each (on the processor asked for), and the calling thread's own affinity
// is left alone. (Whether a sighting fits the grid is not asked: the grid
// may be the measured one, whose points lie a wake-up's latency after the
// ticks, and these threads are not real-time.)
TEST(TimersCpuTest, OneTickSeenOnEachProcessor) {
  std::string error;
  std::optional<TickGrid> grid = FindTickGrid(&error);
  ASSERT_TRUE(grid) << error;
  cpu_set_t before;
  ASSERT_EQ(0, sched_getaffinity(0, sizeof(before), &before));
  const std::vector<int> cpus = ProcessorsToWatch();
  int complete = 0;
  for (int i = 0; i < 3; ++i) {
    const std::vector<SeenTick> seen = SeeTickOnEach(*grid, cpus, &error);
    for (const SeenTick& s : seen) {
      EXPECT_NE(std::find(cpus.begin(), cpus.end(), s.cpu), cpus.end()) << s.cpu;
    }
    // A loaded machine may preempt a watcher at the tick now and then.
    if (seen.size() == cpus.size()) ++complete;
  }
  EXPECT_GE(complete, 1) << error;
  cpu_set_t after;
  ASSERT_EQ(0, sched_getaffinity(0, sizeof(after), &after));
  EXPECT_TRUE(CPU_EQUAL(&before, &after));
}

}  // namespace
}  // namespace synack::kernel
