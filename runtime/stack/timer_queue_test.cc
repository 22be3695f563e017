// TimerQueue: firing order (time, then owner, kind, request age, tuple),
// lazy deletion of cancelled and re-armed timers, and compaction.
#include "runtime/stack/timer_queue.h"

#include <gtest/gtest.h>

#include <map>
#include <tuple>
#include <vector>

namespace synack::stack {
namespace {

using Key = std::tuple<uint64_t, TimerKind, uint64_t, uint16_t>;

Key KeyOf(const TimerEntry& e) {
  return {e.owner, e.kind, e.seq, e.tuple.remote.port};
}

Instant At(int ms) { return Instant{} + std::chrono::milliseconds(ms); }

// The timers' owner: which timer is armed at what time.
struct FakeTimers {
  std::map<Key, Instant> armed;
  TimerQueue queue{[this](const TimerEntry& e) -> std::optional<Instant> {
    auto it = armed.find(KeyOf(e));
    if (it == armed.end()) return std::nullopt;
    return it->second;
  }};

  void Arm(TimerEntry e) {
    armed[KeyOf(e)] = e.at;
    queue.Push(e);
  }
  void Cancel(const TimerEntry& e) { armed.erase(KeyOf(e)); }
  // Fires everything in order: the keys as they fire, each disarmed.
  std::vector<std::pair<int, Key>> Drain() {
    std::vector<std::pair<int, Key>> fired;
    while (const TimerEntry* top = queue.Top()) {
      const TimerEntry e = *top;
      queue.Pop();
      armed.erase(KeyOf(e));
      fired.emplace_back(static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                              e.at.since_epoch).count()),
                         KeyOf(e));
    }
    return fired;
  }
};

TimerEntry Timer(int ms, uint64_t owner, TimerKind kind, uint64_t seq = 0,
                 uint16_t port = 0) {
  TimerEntry e;
  e.at = At(ms);
  e.owner = owner;
  e.kind = kind;
  e.seq = seq;
  e.tuple.remote.port = port;
  return e;
}

TEST(TimerQueueTest, EmptyHasNoTop) {
  FakeTimers t;
  EXPECT_EQ(t.queue.Top(), nullptr);
}

TEST(TimerQueueTest, FiresEarliestFirst) {
  FakeTimers t;
  t.Arm(Timer(300, 1, TimerKind::kWrite));
  t.Arm(Timer(100, 2, TimerKind::kWrite));
  t.Arm(Timer(200, 3, TimerKind::kDelack));
  const auto fired = t.Drain();
  ASSERT_EQ(fired.size(), 3u);
  EXPECT_EQ(fired[0].first, 100);
  EXPECT_EQ(fired[1].first, 200);
  EXPECT_EQ(fired[2].first, 300);
}

// Ties fire as the stack always fired them: the older socket first; in one
// socket write, delayed ACK, keepalive, then its requests oldest first;
// TIME_WAIT connections after every socket, by tuple.
TEST(TimerQueueTest, TiesFireByOwnerKindAgeAndTuple) {
  FakeTimers t;
  t.Arm(Timer(50, kTimeWaitOwner, TimerKind::kTimeWait, 0, 9));
  t.Arm(Timer(50, kTimeWaitOwner, TimerKind::kTimeWait, 0, 4));
  t.Arm(Timer(50, 2, TimerKind::kRequest, 7, 1));
  t.Arm(Timer(50, 2, TimerKind::kRequest, 3, 2));
  t.Arm(Timer(50, 2, TimerKind::kKeepalive));
  t.Arm(Timer(50, 2, TimerKind::kWrite));
  t.Arm(Timer(50, 2, TimerKind::kDelack));
  t.Arm(Timer(50, 1, TimerKind::kKeepalive));
  const auto fired = t.Drain();
  const std::vector<Key> expected = {
      {1, TimerKind::kKeepalive, 0, 0},
      {2, TimerKind::kWrite, 0, 0},
      {2, TimerKind::kDelack, 0, 0},
      {2, TimerKind::kKeepalive, 0, 0},
      {2, TimerKind::kRequest, 3, 2},
      {2, TimerKind::kRequest, 7, 1},
      {kTimeWaitOwner, TimerKind::kTimeWait, 0, 4},
      {kTimeWaitOwner, TimerKind::kTimeWait, 0, 9},
  };
  ASSERT_EQ(fired.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(fired[i].second, expected[i]) << "at " << i;
  }
}

TEST(TimerQueueTest, CancelledTimerNeverFires) {
  FakeTimers t;
  const TimerEntry rto = Timer(100, 1, TimerKind::kWrite);
  t.Arm(rto);
  t.Arm(Timer(200, 2, TimerKind::kWrite));
  t.Cancel(rto);
  ASSERT_NE(t.queue.Top(), nullptr);
  EXPECT_EQ(t.queue.Top()->at, At(200));
  EXPECT_EQ(t.Drain().size(), 1u);
}

TEST(TimerQueueTest, RearmedTimerFiresOnceAtItsNewTime) {
  FakeTimers t;
  t.Arm(Timer(100, 1, TimerKind::kWrite));
  t.Arm(Timer(400, 1, TimerKind::kWrite));  // pushed back
  t.Arm(Timer(300, 1, TimerKind::kDelack));
  t.Arm(Timer(250, 1, TimerKind::kDelack));  // brought forward
  const auto fired = t.Drain();
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_EQ(fired[0], std::make_pair(250, Key{1, TimerKind::kDelack, 0, 0}));
  EXPECT_EQ(fired[1], std::make_pair(400, Key{1, TimerKind::kWrite, 0, 0}));
}

TEST(TimerQueueTest, ArmedTwiceAtOneTimeFiresOnce) {
  FakeTimers t;
  t.Arm(Timer(100, 1, TimerKind::kWrite));
  t.Arm(Timer(100, 1, TimerKind::kWrite));
  EXPECT_EQ(t.Drain().size(), 1u);
}

// One timer re-armed many times leaves stale entries; compaction keeps the
// heap near the number of timers armed, and the live one still fires.
TEST(TimerQueueTest, StaleEntriesAreCompacted) {
  FakeTimers t;
  t.Arm(Timer(5, 2, TimerKind::kWrite));
  for (int i = 0; i < 100000; ++i) t.Arm(Timer(10 + i, 1, TimerKind::kWrite));
  EXPECT_LT(t.queue.size(), 4096u);
  const auto fired = t.Drain();
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_EQ(fired[0].first, 5);
  EXPECT_EQ(fired[1].first, 10 + 99999);
}

}  // namespace
}  // namespace synack::stack
