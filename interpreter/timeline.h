// Script time arithmetic: resolving relative times, packetdrill's tolerance
// rule, and the timing verdicts with their messages. Pure: no clock here.
#pragma once

#include <cstdint>
#include <string>

#include "grammar/ast.h"

namespace synack::interpreter {

// When an event is expected, in microseconds since time 0 (the end of the
// init command). A point time has start == end.
struct ExpectedTime {
  bool any = false;  // `*`: any time is right
  int64_t start_us = 0;
  int64_t end_us = 0;
  bool is_range() const { return !any && end_us != start_us; }
};

// The allowed error of an event's time: the larger of the fixed tolerance
// and a percentage of the time since the previous event.
int64_t ToleranceUsecs(int64_t tolerance_usecs, double tolerance_percent,
                       int64_t event_us, int64_t previous_event_us);

// "0.100000": script times are shown in seconds with microseconds.
std::string FormatSeconds(int64_t usecs);

// Tracks the base of relative times: a relative time `+t` counts from when
// the previous event actually happened. That is what the stack's own
// timers count from: a SYN retransmitted 15 ms after its nominal 1 s (Linux
// timer wheels batch long timers) is answered by a `+.01 < S.` at 1.025,
// not at 1.01. Lateness therefore never carries over from one event to
// the next; each event is judged against its predecessor.
class Timeline {
 public:
  ExpectedTime Resolve(const grammar::EventTime& time) const;

  // A blocking call's `...end`: on the same base as the call's start.
  int64_t ResolveEnd(const grammar::EventTime& time, int64_t end_usecs) const;

  // The tolerance for an event expected at `expected`.
  int64_t Tolerance(const ExpectedTime& expected, int64_t tolerance_usecs,
                    double tolerance_percent) const;

  // Records when the event just run happened: for an inbound packet, when
  // it went in; for an outbound one, when it went out or, if it left
  // before the run reached its line (sent by the calls before it), when
  // the run reached the line, as packetdrill counts from when it moved on;
  // for a call that returned at once or a command, when it finished; for
  // a blocking call, when it started.
  void Advance(int64_t actual_us) { base_us_ = actual_us; }

  int64_t base_us() const { return base_us_; }

 private:
  int64_t base_us_ = 0;
};

// Whether `actual_us` is within `tolerance_us` of `expected`; if not, the
// message, e.g. "timing error: expected outbound packet at 0.100000 sec
// (+/- 0.004000), actual 0.150201 sec (late by 0.046201 sec)". `what` names
// the event ("outbound packet", "system call return", ...). Returns "" when
// the time is right.
std::string CheckTiming(const std::string& what, const ExpectedTime& expected,
                        int64_t tolerance_us, int64_t actual_us);

}  // namespace synack::interpreter
