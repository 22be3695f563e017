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

// tcp_jiffies32 as the chronograph (tcpi_busy_time, tcpi_rwnd_limited,
// tcpi_sndbuf_limited) counts it, half a jiffy ahead of the stack's time:
// the kernel backend starts a script 0.4 of a tick after a tick and a
// %{ }% block reads TCP_INFO some 0.5 ms after its time, so the kernel's
// counts are those of a clock ticking at t = 2 ms (mod 4). Measured with
// tcp-info-sndbuf-limited.pkt's write at 0.10 s: busy 12000, 20000, 32000,
// 52000 and 72000 us read at 0.11, 0.12, 0.13, 0.15 and 0.17 s.
inline int64_t ChronoJiffies(Instant t) { return (t.since_epoch + kJiffy / 2) / kJiffy; }

inline int64_t Millis(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace synack::stack
