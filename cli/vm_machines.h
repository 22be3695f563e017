// The VMs of `synack run --kernel=IMAGE`: one per kernel other than the
// host's, booted side by side before the first run starts and stopped
// after the last ends (a resource of the run pipeline, beside
// run_resources.h). Their work directories (the unpacked kernel, the
// initramfs, the console's log, pcap files on their way) live in a
// directory that a reaper removes however synack ends; qemu dies with its
// keeper, and the keeper with synack.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "cli/command_line.h"
#include "cli/run_plan.h"
#include "cli/suite_cleanup.h"
#include "runtime/vm/keeper.h"

namespace synack::cli {

// The command line a guest plans from: the host's arguments without
// --kernel and --vm-accel (the guest runs on its own kernel), with the
// shard resolved from the environment (which the guest does not share).
std::vector<std::string> GuestArgs(const std::vector<std::string>& args,
                                   int shard_index, int shard_count);

class VmMachines {
 public:
  // Boots a VM for each of the plan's kernels that is not the host's and
  // points their runs at it (PlannedJob::vm_socket). Each boot is said on
  // `out` ("6.1.0-57-amd64: booted under TCG in 2.8 s"); a VM that does
  // not boot decides its runs as errors with why. Null without VMs.
  static std::unique_ptr<VmMachines> Start(SuitePlan& plan,
                                           const CommandLine& cl,
                                           std::ostream& out);
  ~VmMachines();  // stops every keeper (and qemu), then the reaper

 private:
  std::unique_ptr<SuiteCleanup> cleanup_;
  std::vector<vm::VmKeeper> keepers_;
};

}  // namespace synack::cli
