// qemu-system-x86_64 for one guest: its command line, and starting it so
// that it dies with the process that started it.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace synack::vm {

struct QemuOptions {
  std::string accel = "tcg";  // "kvm" or "tcg"
  std::string image;          // -kernel
  std::string initrd;         // -initrd
  std::string work_dir;       // exported writable (kWorkTag)
  std::string console_log;    // the guest's ttyS0, for a failed boot's message
  int channel_fd = 3;         // a connected socket: the virtio serial port
  int cpus = 1;
  int memory_mb = 1024;
};

// The command line. The host's root goes to the guest read-only over 9p
// (multidevs=remap: it spans several host file systems), the channel is
// a virtio serial port on an already connected socket (fd=: no socket
// file to leave behind), no network card, no display, no reboot.
std::vector<std::string> QemuCommand(const QemuOptions& options);

// /dev/kvm opens for reading and writing. (A kernel may still fail to
// boot under it: on some hosts a guest hangs after the BIOS, so KVM is
// tried with a deadline; see VmKeeper.)
bool KvmAvailable();

struct QemuProcess {
  pid_t pid = -1;
  int pid_fd = -1;
};

// Starts qemu with `argv`, `keep_fd` open in it under the same number,
// stdin /dev/null, stdout and stderr into `log_path`. It gets SIGKILL when
// the calling thread ends (PR_SET_PDEATHSIG), checked against a death
// before the prctl. False with `error` when it cannot start.
bool StartQemu(const std::vector<std::string>& argv, int keep_fd,
               const std::string& log_path, QemuProcess* process,
               std::string* error);

}  // namespace synack::vm
