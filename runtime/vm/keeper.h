// A VM's keeper: a process of synack's that prepares the kernel and the
// initramfs, boots the guest (KVM when it boots within a short deadline,
// else TCG), hands it the suite's command line, and then carries runs
// between synack's run processes and the guest's agent, one frame at a
// time over the virtio serial port. qemu dies with it, and it with synack.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "runtime/vm/kernel_image.h"

namespace synack::vm {

struct VmSpec {
  KernelSource kernel;
  std::string work_dir;   // the VM's, empty, removed by the caller
  std::string synack;     // the binary the guest runs (the host's)
  std::string busybox = "/bin/busybox";
  std::string accel = "auto";  // "auto", "kvm" or "tcg"
  // The guest agent's plan: the directory it runs in, then the command
  // line it plans the runs from (`run ...`).
  std::vector<std::string> plan;
  std::string socket_name;  // abstract AF_UNIX name run processes connect to
  double boot_timeout_seconds = 300;
  double kvm_probe_seconds = 10;
  int cpus = 1;
  int memory_mb = 1024;
};

struct VmBoot {
  bool ok = false;
  std::string accel;        // "KVM" or "TCG", with why when it fell back
  double prepare_seconds = 0;  // unpacking the kernel, the initramfs
  double boot_seconds = 0;  // qemu's start to the agent's hello
  // The processor time qemu used for that boot (its user and system
  // time): what the boot costs on an idle machine, whatever the load.
  double boot_cpu_seconds = 0;
  double plan_seconds = 0;  // the hello to the guest's plan
  std::string error;        // when not ok: what failed, the console's tail
};

class VmKeeper {
 public:
  // Forks the keeper. It reports its boot through a pipe (WaitForBoot).
  static bool Start(const VmSpec& spec, VmKeeper* keeper, std::string* error);
  // Blocks until the guest is ready or the boot failed.
  VmBoot WaitForBoot();
  // Ends the keeper (and its qemu) and waits for it.
  void Stop();

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int pid_fd_ = -1;
  int status_fd_ = -1;
};

// The keeper's run protocol, from a run process's side: connects to the
// keeper at `socket_name`, asks for the guest's run `guest_job` (its pcap
// written to `pcap_path` when not empty, a path in the VM's work
// directory), and waits for its end: false with `error` when the keeper
// cannot be reached or the VM ended first.
struct GuestRun {
  int exit_status = 2;  // as a run's child exits (kTimingFailureStatus...)
  std::string output;
  std::string record;  // SerializeRecord's text
};
bool RunInGuest(const std::string& socket_name, size_t guest_job,
                const std::string& pcap_path, GuestRun* run,
                std::string* error);

// The guest agent's answer to "done", and back.
std::string EncodeGuestRun(const GuestRun& run);
bool DecodeGuestRun(const std::string& payload, GuestRun* run);

}  // namespace synack::vm
