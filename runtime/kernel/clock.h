// RealClock: the kernel backend's clock, CLOCK_MONOTONIC.
#pragma once

#include <cstdint>
#include <future>
#include <optional>
#include <string>

#include "interpreter/clock.h"
#include "runtime/kernel/tick.h"

namespace synack::kernel {

// CLOCK_MONOTONIC now, in nanoseconds: RealClock's time.
int64_t MonotonicNanos();

class RealClock final : public interpreter::Clock {
 public:
  interpreter::Instant Now() override;
  // Sleeps to an absolute deadline, so wake-up lateness does not add up
  // from one wait to the next: to kSpinMargin before it, then spins the
  // rest (as packetdrill's wait_for_event() does), since a wake-up comes
  // late by the scheduler's latency.
  void WaitUntil(interpreter::Instant deadline) override;
  // Measured here (a 2-core VM, SCHED_FIFO as a script runs): a sleep's
  // wake-up came 56 us late at the median, 105 us at the 99th percentile.
  static constexpr int64_t kSpinMarginNanos = 120000;
  // CLOCK_REALTIME minus CLOCK_MONOTONIC, read when asked.
  interpreter::Duration RealtimeOffset() override;
  // `tick_phase` into the first tick after `earliest`, or after now when
  // the tick's measurement (StartMeasuringTick's, waited for) ended later;
  // without a tick, or with a negative tick_phase, that time itself. With
  // a tick, the calling thread moves to the timers' processor, if one was
  // found (TakePacketsOnTimersCpu).
  interpreter::Instant ScriptStart(interpreter::Instant earliest,
                                   double tick_phase) override;

  // Finds the tick in the background (FindTickGrid: /proc/timer_list
  // checked by one jiffy timer, or else a few jiffies of sleep; on another
  // thread), to be ready when the script
  // starts: call before the init command. Without it, ScriptStart finds
  // it then.
  void StartMeasuringTick();
  // The measured tick, or why it is unknown; waits for the measurement.
  const std::optional<TickGrid>& tick(std::string* why_unknown = nullptr);

 private:
  struct Measurement {
    std::optional<TickGrid> grid;
    std::optional<int> timers_cpu;
    std::string error;
  };
  // Pins the calling thread to the timers' processor: the packets it
  // injects are taken there, and the TCP timers they arm fire on the tick
  // they are due, not a tick late (jiffies_step.h). Else leaves it be.
  void TakePacketsOnTimersCpu();
  std::future<Measurement> pending_;
  std::optional<Measurement> measured_;
};

}  // namespace synack::kernel
