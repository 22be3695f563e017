// The guest's init and the archive it comes in.
#include "runtime/vm/initramfs.h"

#include <cstdio>

#include "runtime/vm/cpio.h"
#include "runtime/vm/subprocess.h"

namespace synack::vm {

const std::vector<std::string>& RequiredGuestModules() {
  static const std::vector<std::string> kModules = {
      "virtio_pci", "virtio_console", "9pnet_virtio", "9p", "tun"};
  return kModules;
}

const std::vector<std::string>& OptionalGuestModules() {
  static const std::vector<std::string> kModules = {
      "overlay",  "inet_diag", "tcp_diag",     "udp_diag",
      "sch_netem", "sch_fq",   "sch_fq_codel", "sch_prio",
      "tcp_bbr",  "tcp_dctcp"};
  return kModules;
}

std::string GuestInitScript(const GuestInit& init) {
  const std::string work = ShellQuote(init.work_dir);
  std::string s;
  s += "#!/bin/busybox sh\n";
  s += "# synack's guest: the host's root read-only, writes to tmpfs, the\n";
  s += "# agent on the virtio serial port; power off when it ends.\n";
  s += "/bin/busybox --install -s /bin\n";
  s += "export PATH=/bin\n";
  s += "fail() { echo \"synack-init: $*\" >&2; poweroff -f; }\n";
  // Each stage's time since boot, on the console: where a slow boot goes.
  s += "stage() { read up idle < /proc/uptime; echo \"synack-init: $up s: $*\"; }\n";
  s += "mkdir -p /proc /sys /dev /host /rw\n";
  s += "mount -t proc proc /proc\n";
  s += "mount -t sysfs sys /sys\n";
  s += "mount -t devtmpfs dev /dev\n";
  s += "stage init\n";
  s += "for m in /modules/*.ko; do insmod \"$m\" || echo \"synack-init: "
       "insmod $m failed\" >&2; done\n";
  s += "stage modules loaded\n";
  // cache=loose: the root does not change under a run, and lookups over
  // 9p are what a TCG guest spends its time on.
  s += std::string("mount -t 9p -o trans=virtio,version=9p2000.L,ro,") +
       "msize=262144,cache=loose " + kRootTag + " /host || fail 'no 9p root'\n";
  s += "mount -t tmpfs -o mode=0755 tmpfs /rw\n";
  // The host's /tmp and /var/tmp stay visible (scripts may live there)
  // under a tmpfs that takes the writes; a plain tmpfs without overlayfs.
  s += "for d in tmp var/tmp; do\n";
  s += "  [ -d /host/$d ] || continue\n";
  s += "  mkdir -p /rw/$d/u /rw/$d/w\n";
  s += "  mount -t overlay overlay -o lowerdir=/host/$d,upperdir=/rw/$d/u,"
       "workdir=/rw/$d/w /host/$d 2>/dev/null ||\n";
  s += "    mount -t tmpfs -o mode=1777 tmpfs /host/$d\n";
  s += "done\n";
  s += "chmod 1777 /rw/tmp/u /rw/var/tmp/u 2>/dev/null\n";
  s += "for d in run dev/shm; do [ -d /host/$d ] && mount -t tmpfs tmpfs "
       "/host/$d; done\n";
  s += "mount -t proc proc /host/proc\n";
  s += "mount -t sysfs sys /host/sys\n";
  s += "mount -t devtmpfs dev /host/dev\n";
  s += "mkdir -p /host/dev/pts /host/dev/shm\n";
  s += "mount -t devpts devpts /host/dev/pts\n";
  s += "mkdir -p /host" + work + " 2>/dev/null\n";
  s += std::string("mount -t 9p -o trans=virtio,version=9p2000.L,") +
       "msize=262144 " + kWorkTag + " /host" + work +
       " || fail 'no 9p work directory'\n";
  s += "port=\n";
  s += "for p in /sys/class/virtio-ports/*; do\n";
  s += std::string("  [ \"$(cat $p/name)\" = ") + kPortName +
       " ] && port=/dev/${p##*/}\n";
  s += "done\n";
  s += "[ -n \"$port\" ] || fail 'no virtio serial port'\n";
  s += "stage mounted, starting the agent\n";
  s += "chroot /host /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:"
       "/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TMPDIR=/tmp " +
       ShellQuote(init.synack) + " vm-agent \"$port\"\n";
  s += "poweroff -f\n";
  return s;
}

std::string BuildInitramfs(const std::string& busybox_bytes,
                           const std::vector<ModuleTree::Module>& modules,
                           const std::string& init_script) {
  CpioArchive archive;
  archive.AddDirectory("bin");
  archive.AddFile("bin/busybox", busybox_bytes, 0755);
  archive.AddFile("init", init_script, 0755);
  archive.AddDirectory("modules");
  int number = 0;
  for (const ModuleTree::Module& module : modules) {
    // The number keeps the glob in /init in load order.
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%02d-", number++);
    archive.AddFile("modules/" + std::string(prefix) + module.name + ".ko",
                    module.bytes);
  }
  return archive.Finish();
}

}  // namespace synack::vm
