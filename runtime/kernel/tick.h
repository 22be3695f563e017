// The kernel's timer tick, seen from CLOCK_MONOTONIC.
//
// TCP's timers (delayed ACK, RTO, TLP, RACK's reordering timer, TIME_WAIT)
// run on jiffies: they fire on a tick, rounded up, so how late one fires
// after the packet that set it depends on where between two ticks that
// packet came. With HZ=250 that is up to 4 ms, all of packetdrill's default
// tolerance: a script that sets a timer can pass or fail by the tick's phase
// alone. A run that starts its script at the same phase of the tick every
// time takes that chance away.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/kernel/jiffies_step.h"

namespace synack::kernel {

struct TickGrid {
  int64_t period_ns = 0;  // one jiffy
  int64_t origin_ns = 0;  // a tick, on CLOCK_MONOTONIC

  // The first time at or after `t_ns` that lies `phase_ns` after a tick.
  int64_t NextAt(int64_t t_ns, int64_t phase_ns) const;
};

// Reads the tick from the kernel's own report, /proc/timer_list, in well
// under a millisecond: the ticks' times (each processor's last tick and its
// tick timer's expiry) give the grid, the jiffies counter against the
// report's CLOCK_MONOTONIC time gives HZ (jiffies start at INITIAL_JIFFIES,
// -300 * HZ as 32 bits, when CLOCK_MONOTONIC starts). Returns nullopt, with
// `error` set, when the report is unreadable or does not settle the grid
// (skewed ticks, an uptime near 300 s where every HZ fits): measure then.
std::optional<TickGrid> ReadTickGrid(std::string* error);

// The grid from the text of a /proc/timer_list. Exposed for tests.
std::optional<TickGrid> TickGridFromTimerList(std::string_view report,
                                              std::string* error);

// Measures the tick: sleeps on a socket's receive timeout of one jiffy (a
// jiffy timer, unlike nanosleep's), which wakes on a tick; the wake-ups give
// the ticks' times, and their spacing (one to three jiffies: the timer
// wheel rounds up) the jiffy, one of the HZ values Linux offers.
// Takes up to about seven jiffies of sleep, twice that when the first
// wake-ups do not look like ticks (a loaded machine). Returns nullopt, with
// `error` set, when the second ones do not either.
std::optional<TickGrid> MeasureTickGrid(std::string* error);

// From wake-up times (CLOCK_MONOTONIC, ns) of consecutive one-jiffy socket
// timeouts: the grid, or nullopt with `error`. Exposed for tests.
std::optional<TickGrid> TickGridFromWakeups(const int64_t* wakeups, int count,
                                            std::string* error);

// Whether a tick seen at `seen_ns` (a timer it ran, seen firing) lies just
// after a tick of `grid`: within an eighth of a jiffy, a wake-up's latency
// being far less. Exposed for tests.
bool SeenTickFitsGrid(const TickGrid& grid, int64_t seen_ns);

// A tick as one thread saw it.
struct SeenTick {
  int64_t at_ns = 0;  // when it saw it (CLOCK_MONOTONIC)
  int cpu = -1;       // on which processor
  JiffiesStep jiffies = JiffiesStep::kUnseen;  // when jiffies moved, against it
  int64_t entered_ns = 0;  // the last reading before the tick's interrupt
};

// The grid's next tick (0 to 1 jiffy from now) as this thread sees it:
// when a one-nanosecond timer on its CPU time fires, which the tick of the
// processor it runs on does (run_posix_cpu_timers, beside the timer
// wheel's timers), and where jiffies moved against that tick (read from
// CLOCK_MONOTONIC_COARSE meanwhile: jiffies_step.h). Sleeps to 0.3 ms
// before the tick, then runs until the timer fires and jiffies move, or a
// quarter jiffy after the tick after it (a tick that finds the thread
// preempted does not fire it); nullopt, with `error`, when it did not fire
// by then.
std::optional<SeenTick> SeeTick(const TickGrid& grid, std::string* error);
// The same for the grid's tick at `tick_ns` (later than 0.3 ms from now).
std::optional<SeenTick> SeeTickAt(const TickGrid& grid, int64_t tick_ns,
                                  std::string* error);

// The tick as a run uses it: read from /proc/timer_list and kept when the
// next tick is seen there (SeeTick); measured otherwise (MeasureTickGrid).
// Returns nullopt, with `error` set, when neither gives it. With
// `timers_cpu`, also the processor to take packets on (timers_cpu.h), from
// the same tick seen on each processor.
std::optional<TickGrid> FindTickGrid(std::string* error,
                                     std::optional<int>* timers_cpu = nullptr);

}  // namespace synack::kernel
