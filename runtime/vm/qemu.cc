// qemu's command line and process.
#include "runtime/vm/qemu.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/vm/initramfs.h"

namespace synack::vm {

std::vector<std::string> QemuCommand(const QemuOptions& o) {
  // ttyS0 for the kernel's messages; quiet, as printing over an emulated
  // UART costs a TCG guest boot time. panic=-1 with -no-reboot: a panic
  // ends qemu.
  const std::string append =
      "console=ttyS0 quiet panic=-1 rdinit=/init";
  return {
      "qemu-system-x86_64",
      "-accel", o.accel,
      "-cpu", o.accel == "kvm" ? "host" : "max",
      "-smp", std::to_string(o.cpus),
      "-m", std::to_string(o.memory_mb),
      "-nodefaults", "-nographic", "-no-reboot", "-no-user-config",
      "-kernel", o.image,
      "-initrd", o.initrd,
      "-append", append,
      "-serial", "file:" + o.console_log,
      "-fsdev", std::string("local,id=root,path=/,security_model=none,") +
                    "readonly=on,multidevs=remap",
      "-device", std::string("virtio-9p-pci,fsdev=root,mount_tag=") + kRootTag,
      "-fsdev", "local,id=work,path=" + o.work_dir +
                    ",security_model=none,multidevs=remap",
      "-device", std::string("virtio-9p-pci,fsdev=work,mount_tag=") + kWorkTag,
      "-device", "virtio-serial-pci",
      "-chardev", "socket,id=channel,fd=" + std::to_string(o.channel_fd),
      "-device", std::string("virtserialport,chardev=channel,name=") + kPortName,
  };
}

bool KvmAvailable() {
  const int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  close(fd);
  return true;
}

bool StartQemu(const std::vector<std::string>& argv, int keep_fd,
               const std::string& log_path, QemuProcess* process,
               std::string* error) {
  const int log_fd =
      open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    *error = log_path + ": " + std::strerror(errno);
    return false;
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    // Out of synack's process group: a ^C is synack's to handle (it stops
    // its runs, then the keeper), not qemu's.
    setsid();
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, 0);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    // The channel stays open across exec, under its own number.
    fcntl(keep_fd, F_SETFD, 0);
    execvp(args[0], args.data());
    const std::string message =
        std::string("cannot run qemu-system-x86_64: ") + std::strerror(errno) +
        " (install Debian's qemu-system-x86)\n";
    [[maybe_unused]] ssize_t n = write(2, message.data(), message.size());
    _exit(127);
  }
  close(log_fd);
  if (pid < 0) {
    *error = std::string("fork: ") + std::strerror(errno);
    return false;
  }
  process->pid = pid;
  process->pid_fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (process->pid_fd < 0) {
    *error = std::string("pidfd_open: ") + std::strerror(errno);
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return false;
  }
  return true;
}

}  // namespace synack::vm
