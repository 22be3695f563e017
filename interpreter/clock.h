// Time as values: Instant and Duration, and the Clock a backend runs on.
#pragma once

#include <chrono>
#include <cstdint>

namespace synack::interpreter {

using Duration = std::chrono::nanoseconds;

// A point on a backend's clock. Its epoch is the backend's own (CLOCK_MONOTONIC
// for the kernel, 0 for the virtual clock); only differences mean anything.
struct Instant {
  Duration since_epoch{0};
  friend auto operator<=>(const Instant&, const Instant&) = default;
  friend Instant operator+(Instant a, Duration d) { return {a.since_epoch + d}; }
  friend Instant operator-(Instant a, Duration d) { return {a.since_epoch - d}; }
  friend Duration operator-(Instant a, Instant b) {
    return a.since_epoch - b.since_epoch;
  }
};

inline Duration Micros(int64_t us) { return std::chrono::microseconds(us); }
inline int64_t ToMicros(Duration d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant Now() = 0;
  // Returns at `deadline` (real clock: sleeps with an absolute deadline;
  // virtual clock: jumps there, letting timers fire on the way).
  virtual void WaitUntil(Instant deadline) = 0;
  // CLOCK_REALTIME minus this clock, for pcap times and SCM_TIMESTAMPING.
  // A virtual clock answers with a wall clock of its own, never the host's,
  // so that a run's capture is the same every time.
  virtual Duration RealtimeOffset() = 0;
  // Where a script's time 0 goes, at or after `earliest`. The kernel's
  // clock puts it `tick_phase` (a fraction, 0 to 1) into the kernel's timer
  // tick, the same in every run (runtime/kernel/tick.h); a virtual clock
  // has no tick. A negative tick_phase: `earliest`.
  virtual Instant ScriptStart(Instant earliest, double /*tick_phase*/) {
    return earliest;
  }
};

}  // namespace synack::interpreter
