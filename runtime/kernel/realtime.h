// PrepareForRealTime: real-time scheduling and locked memory for the process
// that runs a script, as packetdrill takes them, so that under load the
// interpreter and the calls it makes run when the script's times say.
#pragma once

#include <string>

namespace synack::kernel {

// Puts the calling thread in SCHED_RR at the lowest real-time priority
// (above every normal task, below the kernel's own real-time threads), which
// threads and commands it starts later inherit; and locks the process's
// memory: what is mapped now, faulted in at once, and what gets mapped
// later, as it is first touched (MCL_ONFAULT: a thread's 8 MB stack is not
// faulted in whole when the thread starts). Needs root (CAP_SYS_NICE and
// CAP_IPC_LOCK). Tries both; returns what failed, empty on success.
// Call it once in a run's own process, e.g. right after
// KernelBackend::Create; the kernel's throttling of real-time tasks (95% of
// each second by default) keeps a runaway one from taking a core whole.
std::string PrepareForRealTime();

}  // namespace synack::kernel
