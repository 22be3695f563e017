#include "runtime/kernel/jiffies_step.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <optional>
#include <string>
#include <vector>

#include "runtime/kernel/tick.h"

namespace synack::kernel {
namespace {

TEST(JiffiesStepTest, MoveAgainstTheTicksGap) {
  struct Case {
    Between move;
    JiffiesStep want;
  };
  const Between tick{1000, 31000};  // the readings either side of the gap
  const Case cases[] = {
      {{900, 950}, JiffiesStep::kBeforeTick},
      {{950, 1000}, JiffiesStep::kBeforeTick},    // seen by the reading before the gap
      {{1000, 31000}, JiffiesStep::kDuringTick},  // the gap's own readings
      {{31000, 31040}, JiffiesStep::kAfterTick},  // by the first reading after it
      {{38000, 38050}, JiffiesStep::kAfterTick},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.want, ClassifyJiffiesStep(tick, c.move))
        << c.move.after_ns << ".." << c.move.before_ns;
  }
}

struct Reading {
  int64_t monotonic_ns;
  int64_t coarse_ns;
  bool tick_seen = false;  // the tick's signal taken after this reading
};

// Readings every 40 ns from 0; the tick's interrupt from 10 000 to 40 000;
// the coarse clock moves from 0 to 4 000 000 at `move_ns`.
std::vector<Reading> Readings(int64_t move_ns, int64_t until_ns) {
  std::vector<Reading> readings;
  for (int64_t t = 0; t < until_ns; t += 40) {
    if (t > 10000 && t < 40000) continue;
    readings.push_back({t, t >= move_ns ? 4000000 : 0, t == 40000});
  }
  return readings;
}

JiffiesStep Watch(const std::vector<Reading>& readings, int64_t wait_ns,
                  bool* settled) {
  JiffiesStepWatch watch;
  *settled = false;
  for (const Reading& r : readings) {
    watch.Read(r.monotonic_ns, r.coarse_ns);
    if (r.tick_seen) watch.TickSeen();
    if (watch.Settled(wait_ns)) {
      *settled = true;
      break;
    }
  }
  return watch.result();
}

TEST(JiffiesStepTest, WatchFindsTheTicksGapAndTheMove) {
  bool settled;
  EXPECT_EQ(JiffiesStep::kBeforeTick, Watch(Readings(5000, 100000), 50000, &settled));
  EXPECT_TRUE(settled);
  EXPECT_EQ(JiffiesStep::kDuringTick, Watch(Readings(20000, 100000), 50000, &settled));
  EXPECT_TRUE(settled);
  EXPECT_EQ(JiffiesStep::kAfterTick, Watch(Readings(52000, 100000), 50000, &settled));
  EXPECT_TRUE(settled);
  // No move within the wait after the tick: settled, unseen.
  EXPECT_EQ(JiffiesStep::kUnseen, Watch(Readings(95000, 100000), 50000, &settled));
  EXPECT_TRUE(settled);
}

TEST(JiffiesStepTest, NoGapBeforeTheTickIsUnseen) {
  // The tick's signal taken with no gap read before it (the interrupt fell
  // between a reading's two clocks, say): settles, but says nothing.
  JiffiesStepWatch watch;
  for (int64_t t = 0; t < 2000; t += 40) watch.Read(t, t >= 1000 ? 1 : 0);
  watch.TickSeen();
  for (int64_t t = 2000; t < 60000; t += 40) watch.Read(t, 1);
  EXPECT_TRUE(watch.Settled(50000));
  EXPECT_EQ(JiffiesStep::kUnseen, watch.result());
}

TEST(JiffiesStepTest, NotSettledBeforeTheTick) {
  JiffiesStepWatch watch;
  for (int64_t t = 0; t < 100000; t += 40) watch.Read(t, t >= 500 ? 1 : 0);
  EXPECT_FALSE(watch.Settled(0));
}

// On this kernel, jiffies are seen to move against the tick a thread sees
// (the coarse clock moves with them): most ticks give a side, not kUnseen.
TEST(JiffiesStepTest, SeenTicksShowWhereJiffiesMoved) {
  std::string error;
  std::optional<TickGrid> grid = FindTickGrid(&error);
  ASSERT_TRUE(grid) << error;
  int seen_ticks = 0;
  int seen_sides = 0;
  for (int i = 0; i < 5; ++i) {
    const std::optional<SeenTick> seen = SeeTick(*grid, &error);
    if (!seen) continue;  // preempted at the tick: a loaded machine
    ++seen_ticks;
    EXPECT_GE(seen->cpu, 0);
    if (seen->jiffies != JiffiesStep::kUnseen) ++seen_sides;
  }
  ASSERT_GT(seen_ticks, 0) << error;
  EXPECT_GE(2 * seen_sides, seen_ticks);
}

}  // namespace
}  // namespace synack::kernel
