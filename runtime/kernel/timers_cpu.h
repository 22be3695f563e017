// The processor a kernel run takes its packets on.
//
// The TCP timers a packet arms (the delayed ACK of a FIN, say) run on the
// processor that took the packet: the one the injecting thread runs on.
// They fire on the tick they are due only where that tick finds jiffies
// already moved (jiffies_step.h). The timekeeper, the processor that moves
// them, always does; another does when its tick's interrupt comes after the
// timekeeper's, which varies from tick to tick by microseconds. So a run
// watches one tick on each processor at once and keeps to the timekeeper
// when it can tell which one that is.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/kernel/tick.h"

namespace synack::kernel {

// The processors to watch: the calling thread's first, then the others it
// may run on, four at most (a thread spins on each for a fraction of a
// millisecond).
std::vector<int> ProcessorsToWatch();

// The grid's next tick seen on each of `cpus` at once (SeeTickAt: the
// calling thread on the first, a thread pinned to each other; the calling
// thread's affinity is put back); the ticks seen, in no order. `error` says
// why one was not.
std::vector<SeenTick> SeeTickOnEach(const TickGrid& grid, const std::vector<int>& cpus,
                                    std::string* error);

// From one tick seen on several processors: the timekeeper, the one that saw
// jiffies move during its tick while the others saw it before or after
// theirs. When several saw it during theirs, the one whose interrupt came
// last (it read jiffies after the move, whoever made it); with none, the
// last of those that saw it before theirs. Never one that saw it after.
// Sightings of a later tick (a thread woken late) are left out. nullopt when
// no processor qualifies.
std::optional<int> PickTimersCpu(const std::vector<SeenTick>& ticks);

}  // namespace synack::kernel
