// Measuring the kernel's tick from a socket's jiffy-based receive timeout.
#include "runtime/kernel/tick.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "runtime/kernel/clock.h"
#include "runtime/kernel/unique_fd.h"

namespace synack::kernel {
namespace {

// CONFIG_HZ's choices on x86 and arm64.
constexpr int kHzValues[] = {100, 250, 300, 1000};

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

int64_t TickGrid::NextAt(int64_t t_ns, int64_t phase_ns) const {
  const int64_t first = origin_ns + phase_ns;
  const int64_t ticks = -FloorDiv(first - t_ns, period_ns);  // rounds up
  return first + ticks * period_ns;
}

std::optional<TickGrid> TickGridFromWakeups(const int64_t* wakeups, int count,
                                            std::string* error) {
  if (count < 3) {
    *error = "too few wake-ups to measure the tick";
    return std::nullopt;
  }
  // One-jiffy sleeps end one to three jiffies apart (the timer wheel rounds
  // up by a jiffy, more when its clock lags). The jiffy is the HZ value
  // whose jiffy makes every gap a whole number of them.
  TickGrid grid;
  int64_t best_miss = 0;
  for (int hz : kHzValues) {
    const int64_t period = (1000000000 + hz / 2) / hz;  // as TICK_NSEC
    int64_t miss = 0;  // the largest distance of a gap from 1 to 3 jiffies
    for (int i = 1; i < count; ++i) {
      const int64_t gap = wakeups[i] - wakeups[i - 1];
      int64_t nearest = INT64_MAX;
      for (int64_t jiffies = 1; jiffies <= 3; ++jiffies) {
        nearest =
            std::min<int64_t>(nearest, std::llabs(gap - jiffies * period));
      }
      miss = std::max(miss, nearest);
    }
    // Within an eighth of a jiffy: a wake-up's latency is far less.
    if (miss * 8 <= period && (grid.period_ns == 0 || miss < best_miss)) {
      grid.period_ns = period;
      best_miss = miss;
    }
  }
  if (grid.period_ns == 0) {
    std::string gaps;
    for (int i = 1; i < count; ++i) {
      gaps += (i > 1 ? ", " : "") + std::to_string(wakeups[i] - wakeups[i - 1]);
    }
    *error = "one-jiffy sleeps " + gaps + " ns apart: no HZ fits";
    return std::nullopt;
  }
  // Each wake-up is a tick plus the wake-up's own latency: the earliest
  // phase among them is the nearest to the tick.
  int64_t earliest = 0;
  for (int i = 1; i < count; ++i) {
    int64_t phase = (wakeups[i] - wakeups[0]) % grid.period_ns;
    if (phase > grid.period_ns / 2) phase -= grid.period_ns;
    earliest = std::min(earliest, phase);
  }
  grid.origin_ns = wakeups[0] + earliest;
  return grid;
}

namespace {

std::optional<TickGrid> MeasureOnce(std::string* error) {
  const UniqueFd fd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    *error = std::string("socket: ") + std::strerror(errno);
    return std::nullopt;
  }
  // The kernel rounds a timeout up to whole jiffies: 1 µs is one jiffy.
  const timeval one_usec{0, 1};
  if (setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &one_usec,
                 sizeof one_usec) != 0) {
    *error = std::string("SO_RCVTIMEO: ") + std::strerror(errno);
    return std::nullopt;
  }
  // The first wait ends on some tick; the next ones from tick to tick.
  constexpr int kWakeups = 3;
  int64_t wakeups[kWakeups];
  for (int i = 0; i < kWakeups; ++i) {
    char byte;
    // Nothing is ever sent: only the timeout (EAGAIN) ends the wait on a
    // tick. A signal ends it anywhere.
    if (recv(fd.get(), &byte, 1, 0) >= 0 || errno != EAGAIN) {
      *error = std::string("recv: ") + std::strerror(errno);
      return std::nullopt;
    }
    wakeups[i] = MonotonicNanos();
  }
  return TickGridFromWakeups(wakeups, kWakeups, error);
}

}  // namespace

std::optional<TickGrid> MeasureTickGrid(std::string* error) {
  // A wake-up delayed by a busy machine spoils one measurement; seldom two.
  std::optional<TickGrid> grid = MeasureOnce(error);
  return grid ? grid : MeasureOnce(error);
}

}  // namespace synack::kernel
