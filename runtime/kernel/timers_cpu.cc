// ProcessorsToWatch, SeeTickOnEach and PickTimersCpu.
#include "runtime/kernel/timers_cpu.h"

#include <sched.h>

#include <algorithm>
#include <mutex>
#include <system_error>
#include <thread>

#include "runtime/kernel/clock.h"

namespace synack::kernel {

std::vector<int> ProcessorsToWatch() {
  constexpr size_t kMost = 4;
  std::vector<int> cpus;
  const int here = sched_getcpu();
  if (here >= 0) cpus.push_back(here);
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE && cpus.size() < kMost; ++cpu) {
    if (cpu != here && CPU_ISSET(cpu, &allowed)) cpus.push_back(cpu);
  }
  return cpus;
}

std::vector<SeenTick> SeeTickOnEach(const TickGrid& grid, const std::vector<int>& cpus,
                                    std::string* error) {
  // Far enough ahead for every thread to start and sleep before it.
  constexpr int64_t kAhead = 1000000;
  const int64_t tick = grid.NextAt(MonotonicNanos() + kAhead, 0);
  std::mutex mutex;
  std::vector<SeenTick> seen;
  auto watch = [&](int cpu) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    if (sched_setaffinity(0, sizeof(one), &one) != 0) return;
    std::string unseen;
    const std::optional<SeenTick> tick_seen = SeeTickAt(grid, tick, &unseen);
    const std::lock_guard<std::mutex> lock(mutex);
    if (tick_seen && tick_seen->cpu == cpu) {
      seen.push_back(*tick_seen);
    } else if (!tick_seen) {
      *error = unseen;
    }
  };
  // The first processor is watched by the calling thread itself (a thread
  // may be refused: no real-time budget, a thread limit), the others by a
  // thread each.
  std::vector<std::thread> watchers;
  for (size_t i = 1; i < cpus.size(); ++i) {
    try {
      watchers.emplace_back(watch, cpus[i]);
    } catch (const std::system_error&) {
      break;  // no thread to spare: the processors watched so far
    }
  }
  if (!cpus.empty()) {
    cpu_set_t allowed;
    const bool restore = sched_getaffinity(0, sizeof(allowed), &allowed) == 0;
    watch(cpus.front());
    if (restore) sched_setaffinity(0, sizeof(allowed), &allowed);
  }
  for (std::thread& watcher : watchers) watcher.join();
  return seen;
}

std::optional<int> PickTimersCpu(const std::vector<SeenTick>& ticks) {
  if (ticks.empty()) return std::nullopt;
  // A thread woken late saw a later tick: only the first tick's sightings
  // compare (ticks lie a millisecond or more apart, a sighting tens of
  // microseconds after its tick).
  int64_t first = ticks.front().at_ns;
  for (const SeenTick& t : ticks) first = std::min(first, t.at_ns);
  constexpr int64_t kSameTick = 500000;
  auto last_with = [&](JiffiesStep step) -> const SeenTick* {
    const SeenTick* last = nullptr;
    for (const SeenTick& t : ticks) {
      if (t.at_ns - first >= kSameTick || t.jiffies != step) continue;
      if (!last || t.entered_ns > last->entered_ns) last = &t;
    }
    return last;
  };
  if (const SeenTick* during = last_with(JiffiesStep::kDuringTick)) return during->cpu;
  if (const SeenTick* before = last_with(JiffiesStep::kBeforeTick)) return before->cpu;
  return std::nullopt;
}

}  // namespace synack::kernel
