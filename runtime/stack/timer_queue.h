// TimerQueue: every pending timer of the stack in one binary min-heap, so
// the next deadline is the heap's top and arming a timer costs O(log N)
// whatever the number of connections.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "runtime/stack/endpoint.h"
#include "runtime/stack/tcp_time.h"

namespace synack::stack {

// Which timer an entry stands for. Among timers due at the same instant
// the owner with the lower id fires first, and within one owner the kind
// that comes first here (then a request's age, then a TIME_WAIT's tuple):
// the order the stack has always fired ties in. A new kind goes where its
// ties should fire.
enum class TimerKind : uint8_t {
  kWrite,      // Sock::write_timer: retransmission, zero-window probe, TLP
  kDelack,     // Sock::ack.timer
  kKeepalive,  // Sock::keepalive_timer (the orphaned FIN_WAIT_2 timer)
  kRequest,    // RequestSock::expires in a listener's SYN queue
  kTimeWait,   // TimeWaitSock::expires
};

// One arming of a timer. `owner` is the socket's id (the listener's for a
// request, kTimeWaitOwner for a TIME_WAIT, which sorts them after every
// socket); `seq` tells apart the requests of one listener (their order of
// arrival); `tuple` names a request or a TIME_WAIT connection.
struct TimerEntry {
  Instant at;
  uint64_t owner = 0;
  TimerKind kind = TimerKind::kWrite;
  uint64_t seq = 0;
  FourTuple tuple;
};
inline constexpr uint64_t kTimeWaitOwner = UINT64_MAX;

// The firing order: earliest first, ties as TimerKind says.
bool FiresBefore(const TimerEntry& a, const TimerEntry& b);

// The timers themselves stay where they are (Sock::write_timer,
// RequestSock::expires, ...); the queue holds one entry per arming. A
// timer cancelled or armed again leaves its old entry behind (lazy
// deletion): an entry is live only while `armed_at(entry)`, which the
// owner of the timers answers, is exactly the entry's time. Stale entries
// are dropped when they reach the top, and all at once when they come to
// outnumber the live ones, so the heap stays within twice the timers
// armed (plus a constant).
//
// Adding a timer kind: a TimerKind, a field that holds its deadline, a
// Push() wherever the field is armed, and a case in the owner's
// `armed_at` and in its firing switch (Stack::TimerArmedAt, FireTimer).
class TimerQueue {
 public:
  using ArmedAt = std::function<std::optional<Instant>(const TimerEntry&)>;

  explicit TimerQueue(ArmedAt armed_at) : armed_at_(std::move(armed_at)) {}

  // Arms the timer `entry` names at entry.at (an earlier arming of the
  // same timer is stale from now on, being armed elsewhere).
  void Push(const TimerEntry& entry);
  // The earliest live entry, or null when no timer is armed.
  const TimerEntry* Top();
  // Removes Top().
  void Pop();
  // Entries held, live or stale.
  size_t size() const { return heap_.size(); }

 private:
  bool Live(const TimerEntry& entry) const;
  void Compact();

  ArmedAt armed_at_;
  std::vector<TimerEntry> heap_;  // a min-heap under FiresBefore
  size_t compact_at_ = kMinCompact;
  static constexpr size_t kMinCompact = 1024;
};

}  // namespace synack::stack
