// When jiffies move, against this processor's own tick.
//
// One processor moves jiffies, on its tick (the timekeeper,
// tick_sched_do_timer -> tick_do_update_jiffies64); every processor's tick
// then runs its own timer wheel (run_local_timers) against the jiffies it
// finds. The ticks of all processors fire at the same moment, so a
// processor whose tick reads jiffies before the timekeeper has moved them
// runs its due timers a tick late. A TCP timer runs on the processor that
// armed it, the one that took the segment: an injected packet is taken by
// the processor of the thread that writes it to the TUN device.
//
// Measured here (2 cores, HZ=250, traced with timer_start and
// timer_expire_entry): the delayed ACK that acknowledges a bare FIN
// (close-remote-fin-then-close), armed with a timeout of 0 jiffies, fired on
// the next tick on one processor every time and on the tick after it, 4.7 ms
// after the FIN, on the other in 4 of 5 runs; the script allows 4 ms.
//
// CLOCK_MONOTONIC_COARSE moves when jiffies do (tick_do_update_jiffies64
// calls update_wall_time), so a thread that reads it back to back with
// CLOCK_MONOTONIC across a tick sees where the move fell against the gap
// its own tick's interrupt left in its readings: before it, inside it (this
// processor moved them, or another did at the same time), or after it (this
// processor's tick came first: its timers run a tick late).
#pragma once

#include <cstdint>

namespace synack::kernel {

enum class JiffiesStep {
  kUnseen,       // no tick, or no move of the coarse clock, was seen
  kBeforeTick,   // moved before this processor's tick
  kDuringTick,   // moved while this processor was in its tick
  kAfterTick,    // moved after it: this processor's timers run a tick late
};

// A time known to lie between two readings.
struct Between {
  int64_t after_ns = 0;
  int64_t before_ns = 0;
};

// Where the coarse clock's move (`move`: the readings before and after it)
// fell against the tick's interrupt (`tick`: the readings on either side of
// the gap it left).
JiffiesStep ClassifyJiffiesStep(Between tick, Between move);

// Fed readings taken back to back across a tick: finds the tick's gap (the
// last gap before TickSeen) and the coarse clock's move.
class JiffiesStepWatch {
 public:
  // Two readings further apart than this: the thread was interrupted. A
  // tight loop of clock_gettime reads every 20 to 60 ns; a tick's interrupt
  // took 20 to 50 us here.
  static constexpr int64_t kGapNs = 3000;

  void Read(int64_t monotonic_ns, int64_t coarse_ns);
  // Call on the first reading after the tick was seen (its CPU-time timer's
  // signal taken): the last gap is the tick's.
  void TickSeen();
  // Whether the readings so far settle it: the move came, or `wait_ns` of
  // readings passed since the tick was seen without one.
  bool Settled(int64_t wait_ns) const;
  JiffiesStep result() const;
  // The readings either side of the tick's gap, once TickSeen found one.
  Between tick() const { return tick_; }

 private:
  bool started_ = false;
  int64_t last_monotonic_ = 0;
  int64_t last_coarse_ = 0;
  bool gap_seen_ = false;
  Between last_gap_;
  bool tick_seen_ = false;
  bool tick_gap_seen_ = false;
  Between tick_;
  int64_t tick_seen_at_ = 0;
  bool moved_ = false;
  Between move_;
};

}  // namespace synack::kernel
