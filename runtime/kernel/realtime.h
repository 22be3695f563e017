// Real-time scheduling for a run's process, from its script's time 0.
//
// A script on the kernel runs at SCHED_FIFO, so that under load its
// interpreter and the calls it makes run when the script's times say
// (packetdrill takes SCHED_RR for the same reason). The run's set-up before
// time 0 (its namespace, TUN device and init command) has no times to keep:
// it runs at SCHED_IDLE, so that it takes no processor from the scripts of
// the runs beside it nor from the commands those run mid-script. (A `tc` in
// cubic-rack-reo-timeout-retrans-failed-incoming-data.pkt took 15 to 35 ms
// instead of 4 while other runs set up at real-time priority, and the
// script failed.)
#pragma once

namespace synack::kernel {

// Called first in a run's own process, before its set-up. Checks the
// privilege (CAP_SYS_NICE) by taking SCHED_FIFO at `priority`, then waits
// at SCHED_IDLE, which the commands started from now on (the init command)
// inherit; threads started from now on take SCHED_FIFO at `priority`. False,
// and nothing changed, without the privilege.
bool DeferRealtime(int priority);

// At the script's time 0 (RealClock::ScriptStart): the calling thread takes
// the SCHED_FIFO of DeferRealtime, with SCHED_RESET_ON_FORK so that the
// processes it starts do not inherit it (a command takes
// CommandRealtimePriority instead). Does nothing without DeferRealtime, and
// once done.
void EnterDeferredRealtime();

// The SCHED_FIFO priority for a command the calling thread starts now: one
// below the thread's own, so that no normal process delays it (packetdrill's
// commands inherit its SCHED_RR: a mid-script `tc` took 3 to 6 ms there and
// 7 to 23 ms at normal priority here, under a load of 8, and
// cubic-rack-reo-timeout-retrans-failed-incoming-data failed on it) while
// the scripts of other runs, at the thread's priority, still preempt it.
// 0 when the thread is not real-time (the set-up's SCHED_IDLE is inherited
// as it is).
int CommandRealtimePriority();

// In a forked child before exec: takes SCHED_FIFO at `priority` (from
// CommandRealtimePriority, read before the fork); nothing for 0.
// Async-signal-safe.
void EnterCommandPriority(int priority);

}  // namespace synack::kernel
