// RealClock on CLOCK_MONOTONIC.
#include "runtime/kernel/clock.h"

#include <time.h>

#include <cerrno>
#include <chrono>

namespace synack::kernel {

interpreter::Instant RealClock::Now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return interpreter::Instant{std::chrono::seconds(ts.tv_sec) +
                              std::chrono::nanoseconds(ts.tv_nsec)};
}

void RealClock::WaitUntil(interpreter::Instant deadline) {
  auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(deadline.since_epoch);
  if (deadline.since_epoch.count() < 0) return;
  timespec ts;
  ts.tv_sec = seconds.count();
  ts.tv_nsec = (deadline.since_epoch - seconds).count();
  // clock_nanosleep returns the error number rather than setting errno.
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

interpreter::Duration RealClock::RealtimeOffset() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec) -
         Now().since_epoch;
}

}  // namespace synack::kernel
