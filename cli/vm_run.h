// A run in a VM, from its run process on the host: the run goes to the
// VM's keeper, which hands it to the guest's agent; what the guest's run
// printed, recorded and exited with becomes this process's.
#pragma once

#include "cli/run_plan.h"

namespace synack::cli {

// Exits as RunChild does; its pcap file, written by the guest into the
// VM's work directory, is moved to the run's --pcap/--pcap-dir path.
[[noreturn]] void RunInVm(const PlannedJob& job, int record_fd);

}  // namespace synack::cli
