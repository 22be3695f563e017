// Linux's TCP time constants and the clocks derived from the stack's time.
#pragma once

#include <chrono>
#include <cstdint>

#include "interpreter/clock.h"

namespace synack::stack {

using interpreter::Duration;
using interpreter::Instant;
using namespace std::chrono_literals;

// CONFIG_HZ=250 on the measured kernel: timer expiries and RTOs are whole
// jiffies of 4 ms.
inline constexpr Duration kJiffy = 4ms;
inline constexpr Duration kTimeoutInit = 1s;      // TCP_TIMEOUT_INIT
inline constexpr Duration kTimeoutFallback = 3s;  // TCP_TIMEOUT_FALLBACK
inline constexpr Duration kAtoMin = 40ms;         // TCP_ATO_MIN = HZ/25
inline constexpr Duration kDelackMin = 40ms;      // TCP_DELACK_MIN
inline constexpr Duration kDelackMax = 200ms;     // TCP_DELACK_MAX = HZ/5
inline constexpr Duration kTimewaitLen = 60s;     // TCP_TIMEWAIT_LEN
inline constexpr Duration kResourceProbeInterval = 500ms;
inline constexpr int kMaxQuickAcks = 16;          // TCP_MAX_QUICKACKS

// usecs_to_jiffies(): rounds up to a whole jiffy.
inline Duration RoundUpToJiffy(Duration d) {
  const auto j = (d.count() + kJiffy.count() - 1) / kJiffy.count();
  return Duration(j * kJiffy.count());
}

inline int64_t Micros(Duration d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}
// tcp_jiffies32: the stack's time in whole jiffies.
inline int64_t Jiffies(Instant t) { return t.since_epoch / kJiffy; }

inline int64_t Millis(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace synack::stack
