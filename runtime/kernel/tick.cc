// The kernel's tick: read from /proc/timer_list, seen by a CPU-time timer,
// measured from a socket's jiffy-based receive timeout.
#include "runtime/kernel/tick.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "runtime/kernel/clock.h"
#include "runtime/kernel/jiffies_step.h"
#include "runtime/kernel/timers_cpu.h"
#include "runtime/kernel/unique_fd.h"

namespace synack::kernel {
namespace {

// CONFIG_HZ's choices on x86 and arm64.
constexpr int kHzValues[] = {100, 250, 300, 1000};

// CLOCK_MONOTONIC_COARSE: moves when jiffies do.
int64_t CoarseNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

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

// The number after `key` on each line that has it (`now at 123 nsecs`,
// `jiffies: 4298047255`, `.last_tick      : 12620076000000 nsecs`), and
// for `tick_nohz_handler` / `tick_sched_timer` entries the expiry on the
// line after them (`# expires at 12620088000000-12620088000000 nsecs`).
struct TimerListValues {
  std::vector<int64_t> now, jiffies, ticks;
};

bool NumberAfter(std::string_view line, std::string_view key, int64_t* value) {
  const size_t at = line.find(key);
  if (at == std::string_view::npos) return false;
  size_t i = at + key.size();
  while (i < line.size() && (line[i] == ' ' || line[i] == ':')) ++i;
  if (i == line.size() || line[i] < '0' || line[i] > '9') return false;
  int64_t v = 0;
  for (; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
    if (v > (INT64_MAX - 9) / 10) return false;
    v = v * 10 + (line[i] - '0');
  }
  *value = v;
  return true;
}

TimerListValues ParseTimerList(std::string_view report) {
  TimerListValues values;
  bool tick_timer_entry = false;
  while (!report.empty()) {
    const size_t end = report.find('\n');
    const std::string_view line = report.substr(0, end);
    report = end == std::string_view::npos ? std::string_view() : report.substr(end + 1);
    int64_t v;
    if (tick_timer_entry && NumberAfter(line, "# expires at", &v)) values.ticks.push_back(v);
    tick_timer_entry = line.find("tick_nohz_handler") != std::string_view::npos ||
                       line.find("tick_sched_timer") != std::string_view::npos;
    if (line.rfind("now at", 0) == 0 && NumberAfter(line, "now at", &v)) values.now.push_back(v);
    if (line.rfind("jiffies:", 0) == 0 && NumberAfter(line, "jiffies", &v)) {
      values.jiffies.push_back(v);
    }
    // A processor that never ticked reports 0.
    if (NumberAfter(line, ".last_tick", &v) && v > 0) values.ticks.push_back(v);
  }
  return values;
}

}  // namespace

std::optional<TickGrid> TickGridFromTimerList(std::string_view report,
                                              std::string* error) {
  const TimerListValues values = ParseTimerList(report);
  if (values.now.empty() || values.jiffies.empty() || values.ticks.empty()) {
    *error = "no tick times, jiffies or clock in the timer list";
    return std::nullopt;
  }
  // HZ: the one value for which jiffies - INITIAL_JIFFIES jiffies come to
  // CLOCK_MONOTONIC's time, less the early boot before the first tick
  // (0.24 s measured here; allowed up to kBootSlack).
  constexpr int64_t kBootSlack = 2000000000;
  const int64_t now = values.now.front();
  const int64_t jiffies = values.jiffies.front();
  int64_t period = 0;
  for (int hz : kHzValues) {
    const int64_t initial = (int64_t{1} << 32) - int64_t{300} * hz;
    const int64_t hz_period = (1000000000 + hz / 2) / hz;  // TICK_NSEC
    const int64_t counted = (jiffies - initial) * hz_period;
    if (jiffies < initial || counted > now + hz_period || counted < now - kBootSlack) {
      continue;
    }
    if (period != 0) {
      *error = "jiffies fit more than one HZ";
      return std::nullopt;
    }
    period = hz_period;
  }
  if (period == 0) {
    *error = "jiffies " + std::to_string(jiffies) + " at " + std::to_string(now) +
             " ns fit no HZ";
    return std::nullopt;
  }
  // Every tick lies on one grid (not so with skew_tick=1).
  const int64_t origin = values.ticks.front();
  for (int64_t tick : values.ticks) {
    if ((tick - origin) % period != 0) {
      *error = "ticks " + std::to_string(origin) + " and " + std::to_string(tick) +
               " ns are not whole jiffies apart";
      return std::nullopt;
    }
  }
  return TickGrid{period, origin};
}

std::optional<TickGrid> ReadTickGrid(std::string* error) {
  std::ifstream in("/proc/timer_list");
  if (!in.is_open()) {
    *error = std::string("/proc/timer_list: ") + std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return TickGridFromTimerList(text.str(), error);
}

namespace {

// The wake-up times of `count` consecutive one-jiffy sleeps on a socket's
// receive timeout: the first ends on some tick, the next ones tick to tick.
bool JiffyWakeups(int64_t* wakeups, int count, std::string* error) {
  const UniqueFd fd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    *error = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  // The kernel rounds a timeout up to whole jiffies: 1 µs is one jiffy.
  const timeval one_usec{0, 1};
  if (setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &one_usec,
                 sizeof one_usec) != 0) {
    *error = std::string("SO_RCVTIMEO: ") + std::strerror(errno);
    return false;
  }
  for (int i = 0; i < count; ++i) {
    char byte;
    // Nothing is ever sent: only the timeout (EAGAIN) ends the wait on a
    // tick. A signal ends it anywhere.
    if (recv(fd.get(), &byte, 1, 0) >= 0 || errno != EAGAIN) {
      *error = std::string("recv: ") + std::strerror(errno);
      return false;
    }
    wakeups[i] = MonotonicNanos();
  }
  return true;
}

std::optional<TickGrid> MeasureOnce(std::string* error) {
  constexpr int kWakeups = 3;
  int64_t wakeups[kWakeups];
  if (!JiffyWakeups(wakeups, kWakeups, error)) return std::nullopt;
  return TickGridFromWakeups(wakeups, kWakeups, error);
}

}  // namespace

std::optional<TickGrid> MeasureTickGrid(std::string* error) {
  // A wake-up delayed by a busy machine spoils one measurement; seldom two.
  std::optional<TickGrid> grid = MeasureOnce(error);
  return grid ? grid : MeasureOnce(error);
}

namespace {

// How long after the grid's latest point at or before `t_ns` it comes.
int64_t AfterGridPoint(const TickGrid& grid, int64_t t_ns) {
  return t_ns - grid.NextAt(t_ns - grid.period_ns + 1, 0);
}

}  // namespace

bool SeenTickFitsGrid(const TickGrid& grid, int64_t seen_ns) {
  // A tick is seen its latency after it (tens of microseconds here): within
  // an eighth of a jiffy after a grid point.
  return AfterGridPoint(grid, seen_ns) * 8 < grid.period_ns;
}

std::optional<SeenTick> SeeTick(const TickGrid& grid, std::string* error) {
  constexpr int64_t kLead = 300000;
  return SeeTickAt(grid, grid.NextAt(MonotonicNanos() + kLead, 0), error);
}

std::optional<SeenTick> SeeTickAt(const TickGrid& grid, int64_t tick_ns,
                                  std::string* error) {
  // The signal is blocked in this thread, which alone it is sent to, and
  // taken with sigtimedwait: never delivered.
  const int signal = SIGRTMIN + 3;
  sigset_t tick_signal;
  sigemptyset(&tick_signal);
  sigaddset(&tick_signal, signal);
  sigset_t old_mask;
  pthread_sigmask(SIG_BLOCK, &tick_signal, &old_mask);
  sigevent event{};
  event.sigev_notify = SIGEV_THREAD_ID;
  event.sigev_signo = signal;
  event._sigev_un._tid = gettid();
  timer_t timer;
  if (timer_create(CLOCK_THREAD_CPUTIME_ID, &event, &timer) != 0) {
    *error = std::string("timer_create: ") + std::strerror(errno);
    pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    return std::nullopt;
  }
  // Asleep until shortly before the tick, then running (a CPU-time timer
  // advances only while its thread runs).
  constexpr int64_t kLead = 300000;
  const int64_t wake = tick_ns - kLead;
  const timespec wake_at{wake / 1000000000, wake % 1000000000};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake_at, nullptr) == EINTR) {
  }
  // Woken late, the tick watched for is a later one; preempted at it, the
  // next one (a CPU-time timer fires on a tick that finds its thread
  // running).
  const int64_t give_up = grid.NextAt(MonotonicNanos(), 0) + grid.period_ns * 5 / 4;
  const itimerspec one_nanosecond{{0, 0}, {0, 1}};
  timer_settime(timer, 0, &one_nanosecond, nullptr);
  const timespec no_wait{0, 0};
  // Jiffies move within tens of microseconds of the tick, on whichever
  // processor; a tenth of a jiffy after it, they did not move in sight.
  const int64_t move_wait = grid.period_ns / 10;
  std::optional<SeenTick> seen;
  JiffiesStepWatch watch;
  for (;;) {
    const int64_t now = MonotonicNanos();
    watch.Read(now, CoarseNanos());  // CLOCK_MONOTONIC first: see jiffies_step.h
    if (!seen && sigtimedwait(&tick_signal, nullptr, &no_wait) == signal) {
      watch.TickSeen();
      seen = SeenTick{now, sched_getcpu(), JiffiesStep::kUnseen, watch.tick().after_ns};
    }
    if (seen ? watch.Settled(move_wait) : now >= give_up) break;
  }
  timer_delete(timer);
  sigtimedwait(&tick_signal, nullptr, &no_wait);  // fired after all
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  if (!seen) {
    *error = "a one-nanosecond CPU-time timer fired on neither of two ticks";
    return std::nullopt;
  }
  seen->jiffies = watch.result();
  return seen;
}

std::optional<TickGrid> FindTickGrid(std::string* error, std::optional<int>* timers_cpu) {
  std::string unread;
  std::optional<TickGrid> grid = ReadTickGrid(&unread);
  if (grid) {
    // The report's ticks are the kernel's; whether this process sees them
    // there is another matter (skewed processors, a time namespace's
    // offset, a hypervisor that delivers the tick late): one tick says,
    // seen on each processor this process may use (a few at most).
    const std::vector<SeenTick> seen = SeeTickOnEach(*grid, ProcessorsToWatch(), &unread);
    // A sighting read late (its thread preempted after the tick) fits no
    // grid and says nothing of it; one that fits says the grid is right.
    std::vector<SeenTick> fitting;
    for (const SeenTick& s : seen) {
      if (SeenTickFitsGrid(*grid, s.at_ns)) fitting.push_back(s);
    }
    if (!fitting.empty()) {
      if (timers_cpu) *timers_cpu = PickTimersCpu(fitting);
      return grid;
    }
    if (!seen.empty()) {
      unread = "a tick came " + std::to_string(AfterGridPoint(*grid, seen.front().at_ns) / 1000) +
               " us after a tick of /proc/timer_list";
    }
  }
  grid = MeasureTickGrid(error);
  if (!grid) {
    *error = unread + "; " + *error;
    return grid;
  }
  if (timers_cpu) {
    std::string unseen;
    *timers_cpu = PickTimersCpu(SeeTickOnEach(*grid, ProcessorsToWatch(), &unseen));
  }
  return grid;
}

}  // namespace synack::kernel
