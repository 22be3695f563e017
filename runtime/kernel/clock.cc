// RealClock on CLOCK_MONOTONIC.
#include "runtime/kernel/clock.h"

#include <sched.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <system_error>

#include "runtime/kernel/realtime.h"

namespace synack::kernel {

int64_t MonotonicNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

interpreter::Instant RealClock::Now() {
  return interpreter::Instant{interpreter::Duration(MonotonicNanos())};
}

void RealClock::WaitUntil(interpreter::Instant deadline) {
  const int64_t end = deadline.since_epoch.count();
  const int64_t wake = end - kSpinMarginNanos;
  if (wake > MonotonicNanos()) {
    timespec ts;
    ts.tv_sec = wake / 1000000000;
    ts.tv_nsec = wake % 1000000000;
    // clock_nanosleep returns the error number rather than setting errno.
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
    }
  }
  while (MonotonicNanos() < end) {
  }
}

interpreter::Duration RealClock::RealtimeOffset() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec) -
         Now().since_epoch;
}

void RealClock::StartMeasuringTick() {
  if (pending_.valid() || measured_) return;
  auto measure = [] {
    Measurement measurement;
    measurement.grid = FindTickGrid(&measurement.error, &measurement.timers_cpu);
    return measurement;
  };
  try {
    pending_ = std::async(std::launch::async, measure);
  } catch (const std::system_error&) {
    // No thread to spare: measured when asked for, on the caller's.
    pending_ = std::async(std::launch::deferred, measure);
  }
}

const std::optional<TickGrid>& RealClock::tick(std::string* why_unknown) {
  if (!measured_) {
    StartMeasuringTick();
    measured_ = pending_.get();
  }
  if (why_unknown) *why_unknown = measured_->error;
  return measured_->grid;
}

void RealClock::TakePacketsOnTimersCpu() {
  if (!measured_ || !measured_->timers_cpu) return;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(*measured_->timers_cpu, &one);
  // Threads started from now on (blocking calls) inherit it.
  sched_setaffinity(0, sizeof(one), &one);
}

interpreter::Instant RealClock::ScriptStart(interpreter::Instant earliest,
                                            double tick_phase) {
  // The script's time starts: from now on, its real-time priority.
  EnterDeferredRealtime();
  if (tick_phase < 0) return earliest;
  const std::optional<TickGrid>& grid = tick();
  TakePacketsOnTimersCpu();
  // The measurement may have outlasted the init command.
  earliest = std::max(earliest, Now());
  if (!grid) return earliest;
  const auto phase = static_cast<int64_t>(tick_phase * grid->period_ns);
  const int64_t start = grid->NextAt(earliest.since_epoch.count(), phase);
  return interpreter::Instant{interpreter::Duration(start)};
}

}  // namespace synack::kernel
