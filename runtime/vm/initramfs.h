// The guest's initramfs: busybox (Debian's busybox-static), the modules
// the guest needs before it can see the host, and an init that mounts the
// host's root read-only over 9p, gives it a tmpfs for what it writes, and
// starts synack's guest agent (`synack vm-agent`) from the host's own
// build inside it.
#pragma once

#include <string>
#include <vector>

#include "runtime/vm/kernel_modules.h"

namespace synack::vm {

// What a guest loads from its initramfs: virtio's PCI transport and
// console (the channel), 9p over virtio (the host's root), tun (the
// kernel backend's device).
const std::vector<std::string>& RequiredGuestModules();
// Loaded when the kernel has them: overlayfs (the host's /tmp under a
// tmpfs), sock_diag's TCP and UDP parts (`ss` lists nothing without them:
// Debian builds them as modules, and scripts/close/fin-wait-2-timeout.pkt
// failed in 6.1 and 6.12 guests on `ss -Htn state fin-wait-2`), and
// qdiscs and congestion controls that scripts' commands ask for, which
// the guest cannot load later (its /sbin/modprobe is the initramfs's,
// without the tree).
const std::vector<std::string>& OptionalGuestModules();

// The 9p tags qemu exports: the host's root (read-only) and the VM's work
// directory (writable: pcap files the guest writes for the host).
inline constexpr const char* kRootTag = "hostroot";
inline constexpr const char* kWorkTag = "synackwork";
// The virtio serial port's name, in /sys/class/virtio-ports/*/name.
inline constexpr const char* kPortName = "synack";

struct GuestInit {
  std::string synack;    // the host's synack binary, run in the guest
  std::string work_dir;  // the VM's work directory on the host
};

// The /init script (busybox sh).
std::string GuestInitScript(const GuestInit& init);

// The initramfs: /init, /bin/busybox, /modules/NN-NAME.ko in load order.
std::string BuildInitramfs(const std::string& busybox_bytes,
                           const std::vector<ModuleTree::Module>& modules,
                           const std::string& init_script);

}  // namespace synack::vm
