// The keeper process: kernel, initramfs, boot, and the run multiplexer.
#include "runtime/vm/keeper.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "runtime/vm/channel.h"
#include "runtime/vm/initramfs.h"
#include "runtime/vm/kernel_modules.h"
#include "runtime/vm/pvh_kernel.h"
#include "runtime/vm/qemu.h"

namespace synack::vm {

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int MillisUntil(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - Clock::now())
                        .count();
  return left <= 0 ? 0 : static_cast<int>(std::min<int64_t>(left + 1, 60000));
}

Clock::time_point After(double seconds) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(seconds));
}

socklen_t AbstractAddress(const std::string& name, sockaddr_un* address) {
  std::memset(address, 0, sizeof *address);
  address->sun_family = AF_UNIX;
  const size_t length = std::min(name.size(), sizeof address->sun_path - 1);
  std::memcpy(address->sun_path + 1, name.data(), length);
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + length);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  return data.str();
}

// The guest console's last lines, for a boot that failed.
std::string ConsoleTail(const std::string& log) {
  const std::string text = ReadFile(log);
  size_t at = text.size();
  for (int lines = 0; lines < 12 && at > 0; ++lines) {
    at = text.rfind('\n', at - 1);
    if (at == std::string::npos) {
      at = 0;
      break;
    }
  }
  std::string tail = text.substr(at);
  while (!tail.empty() && (tail.front() == '\n')) tail.erase(0, 1);
  if (tail.empty()) return "";
  std::string indented = "  the guest's console (" + log + ") ends:\n";
  std::istringstream lines(tail);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    indented += "    " + line + "\n";
  }
  return indented;
}

// A process's user and system time so far, from /proc/PID/stat (fields 14
// and 15, in clock ticks, after the parenthesised command name).
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
    if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
  }
  return static_cast<double>(utime + stime) /
         static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A guest under way: qemu, the host's end of the serial port, what came.
struct Guest {
  QemuProcess qemu;
  int channel = -1;
  FrameReader reader;
  std::string console_log;
};

void KillGuest(Guest& guest) {
  if (guest.qemu.pid > 0) {
    kill(guest.qemu.pid, SIGKILL);
    while (waitpid(guest.qemu.pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    guest.qemu.pid = -1;
  }
  if (guest.qemu.pid_fd >= 0) close(guest.qemu.pid_fd);
  if (guest.channel >= 0) close(guest.channel);
  guest.qemu.pid_fd = guest.channel = -1;
}

// Reads the channel until a frame comes, qemu ends or the deadline passes.
// "": a frame in *frame; else why none came.
std::string AwaitFrame(Guest& guest, Clock::time_point deadline,
                       Frame* frame) {
  while (true) {
    if (auto next = guest.reader.Next()) {
      *frame = std::move(*next);
      return "";
    }
    if (guest.reader.bad()) return "the guest spoke no frames";
    pollfd fds[2] = {{guest.channel, POLLIN, 0},
                     {guest.qemu.pid_fd, POLLIN, 0}};
    const int ready = poll(fds, 2, MillisUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0 && Clock::now() >= deadline) return "timeout";
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      char buffer[65536];
      const ssize_t n = read(guest.channel, buffer, sizeof buffer);
      if (n > 0) {
        guest.reader.Feed(std::string_view(buffer, static_cast<size_t>(n)));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
    }
    if (fds[1].revents & POLLIN) return "qemu ended";
    if (fds[0].revents & (POLLHUP | POLLERR)) return "the channel closed";
  }
}

// Boots with `accel` and waits for the agent's hello.
std::string Boot(const VmSpec& spec, const std::string& accel,
                 const std::string& image, const std::string& initrd,
                 double seconds, Guest* guest) {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    return std::string("socketpair: ") + std::strerror(errno);
  }
  QemuOptions options;
  options.accel = accel;
  options.image = image;
  options.initrd = initrd;
  options.work_dir = spec.work_dir;
  options.console_log = guest->console_log;
  options.channel_fd = pair[1];
  options.cpus = spec.cpus;
  options.memory_mb = spec.memory_mb;
  std::string error;
  const bool started = StartQemu(QemuCommand(options), pair[1],
                                 guest->console_log, &guest->qemu, &error);
  close(pair[1]);
  guest->channel = pair[0];
  if (!started) return error;
  Frame hello;
  const std::string why = AwaitFrame(*guest, After(seconds), &hello);
  if (!why.empty()) return why;
  if (hello.kind != "hello") return "the guest said '" + hello.kind + "' first";
  return "";
}

void Report(int status_fd, const Frame& frame) {
  WriteAll(status_fd, EncodeFrame(frame));
}

// A run process's connection.
struct Client {
  uint64_t tag = 0;
  FrameReader reader;
  bool asked = false;
};

[[noreturn]] void Serve(const VmSpec& spec, Guest& guest, int listen_fd) {
  std::map<int, Client> clients;          // by fd
  std::map<uint64_t, int> client_of_tag;  // tag -> fd
  uint64_t next_tag = 1;
  fcntl(guest.channel, F_SETFL, O_NONBLOCK);
  auto drop = [&](int fd) {
    client_of_tag.erase(clients[fd].tag);
    clients.erase(fd);
    close(fd);
  };
  while (true) {
    std::vector<pollfd> fds = {{listen_fd, POLLIN, 0},
                               {guest.channel, POLLIN, 0},
                               {guest.qemu.pid_fd, POLLIN, 0}};
    for (const auto& [fd, client] : clients) fds.push_back({fd, POLLIN, 0});
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      _exit(1);
    }
    if (fds[2].revents & POLLIN) {
      // The guest is gone: every run waiting on it ends with the news.
      GuestRun gone;
      gone.output = "synack: the VM of " + spec.kernel.release +
                    " ended during the run\n" + ConsoleTail(guest.console_log);
      for (const auto& [fd, client] : clients) {
        WriteAll(fd, EncodeFrame({"done", client.tag, EncodeGuestRun(gone)}));
      }
      _exit(1);
    }
    if (fds[0].revents & POLLIN) {
      const int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) clients[fd].tag = next_tag++;
    }
    if (fds[1].revents & (POLLIN | POLLHUP)) {
      char buffer[65536];
      const ssize_t n = read(guest.channel, buffer, sizeof buffer);
      if (n > 0) guest.reader.Feed(std::string_view(buffer, static_cast<size_t>(n)));
      while (auto frame = guest.reader.Next()) {
        if (frame->kind != "done") continue;
        const auto found = client_of_tag.find(frame->tag);
        if (found == client_of_tag.end()) continue;  // killed meanwhile
        const int fd = found->second;
        WriteAll(fd, EncodeFrame(*frame));
        drop(fd);
      }
    }
    for (size_t i = 3; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      const int fd = fds[i].fd;
      Client& client = clients[fd];
      char buffer[4096];
      const ssize_t n = read(fd, buffer, sizeof buffer);
      if (n <= 0) {
        // The run process is gone (killed for its timeout, --fail-fast,
        // ^C): its run in the guest goes too.
        if (client.asked) {
          WriteAll(guest.channel, EncodeFrame({"kill", client.tag, ""}));
        }
        drop(fd);
        continue;
      }
      client.reader.Feed(std::string_view(buffer, static_cast<size_t>(n)));
      if (auto request = client.reader.Next(); request && !client.asked) {
        client.asked = true;
        client_of_tag[client.tag] = fd;
        WriteAll(guest.channel,
                 EncodeFrame({"run", client.tag, request->payload}));
      }
    }
  }
}

[[noreturn]] void KeeperMain(const VmSpec& spec, int status_fd, int listen_fd) {
  auto fail = [status_fd](const std::string& message) {
    Report(status_fd, {"error", 0, message});
    _exit(1);
  };
  const Clock::time_point prepare_start = Clock::now();
  std::string error;
  PreparedKernel kernel;
  if (!PrepareKernel(spec.kernel, spec.work_dir, &kernel, &error)) fail(error);
  std::vector<ModuleTree::Module> modules;
  if (!ModuleTree(kernel.modules_dir)
           .LoadOrder(RequiredGuestModules(), OptionalGuestModules(), &modules,
                      &error)) {
    fail(kernel.modules_dir + ": " + error);
  }
  // Uncompressed ahead, through its PVH entry, where it has one.
  if (const std::string vmlinux = spec.work_dir + "/vmlinux";
      ExtractPvhKernel(kernel.image, vmlinux)) {
    kernel.image = vmlinux;
  }
  const std::string busybox = ReadFile(spec.busybox);
  if (busybox.empty()) {
    fail(spec.busybox + ": missing (install Debian's busybox-static)");
  }
  const std::string initrd = spec.work_dir + "/initramfs.cpio";
  {
    std::ofstream out(initrd, std::ios::binary);
    out << BuildInitramfs(busybox, modules,
                          GuestInitScript({spec.synack, spec.work_dir}));
    if (!out) fail(initrd + ": cannot write");
  }
  std::error_code ec;
  std::filesystem::create_directories(spec.work_dir + "/out", ec);

  const double prepare_seconds = SecondsSince(prepare_start);
  Guest guest;
  guest.console_log = spec.work_dir + "/console.log";
  std::string accel_text;
  Clock::time_point boot_start = Clock::now();
  std::string why = "not tried";
  if ((spec.accel == "auto" && KvmAvailable()) || spec.accel == "kvm") {
    why = Boot(spec, "kvm", kernel.image, initrd,
               spec.accel == "kvm" ? spec.boot_timeout_seconds
                                   : spec.kvm_probe_seconds,
               &guest);
    if (why.empty()) accel_text = "KVM";
    if (!why.empty() && spec.accel == "kvm") {
      KillGuest(guest);
      fail("the guest did not boot under KVM: " + why + "\n" +
           ConsoleTail(guest.console_log));
    }
    if (!why.empty()) {
      KillGuest(guest);
      guest.reader = FrameReader();
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%g", spec.kvm_probe_seconds);
      accel_text = std::string("TCG (under KVM the guest did not start within ") +
                   seconds + " s)";
    }
  } else {
    accel_text = spec.accel == "tcg" ? "TCG" : "TCG (no usable /dev/kvm)";
  }
  if (!why.empty()) {
    boot_start = Clock::now();
    why = Boot(spec, "tcg", kernel.image, initrd, spec.boot_timeout_seconds,
               &guest);
    if (!why.empty()) {
      KillGuest(guest);
      fail("the guest did not boot: " + why + "\n" +
           ConsoleTail(guest.console_log));
    }
  }
  const double boot_seconds = SecondsSince(boot_start);
  const double boot_cpu_seconds = CpuSeconds(guest.qemu.pid);

  // The guest plans the suite from the same command line: the runs and
  // their configurations are its own (its release, its defaults).
  const Clock::time_point plan_start = Clock::now();
  WriteAll(guest.channel, EncodeFrame({"plan", 0, JoinFields(spec.plan)}));
  Frame planned;
  why = AwaitFrame(guest, After(spec.boot_timeout_seconds), &planned);
  if (!why.empty() || planned.kind != "planned") {
    KillGuest(guest);
    fail("the guest did not plan the runs: " +
         (why.empty() ? planned.payload : why) + "\n" +
         ConsoleTail(guest.console_log));
  }
  auto seconds = [](double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", value);
    return std::string(text);
  };
  Report(status_fd,
         {"ready", 0,
          JoinFields({accel_text, seconds(prepare_seconds),
                      seconds(boot_seconds), seconds(SecondsSince(plan_start)),
                      seconds(boot_cpu_seconds)})});
  close(status_fd);
  Serve(spec, guest, listen_fd);
}

}  // namespace

bool VmKeeper::Start(const VmSpec& spec, VmKeeper* keeper, std::string* error) {
  const int listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address;
  const socklen_t length = AbstractAddress(spec.socket_name, &address);
  if (listen_fd < 0 ||
      bind(listen_fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      listen(listen_fd, 64) != 0) {
    *error = "the VM's socket: " + std::string(std::strerror(errno));
    if (listen_fd >= 0) close(listen_fd);
    return false;
  }
  int status[2];
  if (pipe2(status, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + std::strerror(errno);
    close(listen_fd);
    return false;
  }
  std::fflush(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    close(status[0]);
    KeeperMain(spec, status[1], listen_fd);
  }
  close(status[1]);
  close(listen_fd);
  if (pid < 0) {
    close(status[0]);
    *error = std::string("fork: ") + std::strerror(errno);
    return false;
  }
  keeper->pid_ = pid;
  keeper->pid_fd_ = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  keeper->status_fd_ = status[0];
  return true;
}

VmBoot VmKeeper::WaitForBoot() {
  VmBoot boot;
  FrameReader reader;
  char buffer[4096];
  while (true) {
    if (auto frame = reader.Next()) {
      if (frame->kind == "ready") {
        const std::vector<std::string> fields = SplitFields(frame->payload);
        boot.ok = fields.size() == 5;
        if (boot.ok) {
          boot.accel = fields[0];
          boot.prepare_seconds = std::atof(fields[1].c_str());
          boot.boot_seconds = std::atof(fields[2].c_str());
          boot.plan_seconds = std::atof(fields[3].c_str());
          boot.boot_cpu_seconds = std::atof(fields[4].c_str());
        }
      } else {
        boot.error = frame->payload;
      }
      break;
    }
    const ssize_t n = read(status_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      boot.error = "the VM's keeper ended";
      break;
    }
    reader.Feed(std::string_view(buffer, static_cast<size_t>(n)));
  }
  close(status_fd_);
  status_fd_ = -1;
  return boot;
}

void VmKeeper::Stop() {
  if (pid_ <= 0) return;
  // Its qemu gets SIGKILL with it (PR_SET_PDEATHSIG).
  kill(pid_, SIGKILL);
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  if (pid_fd_ >= 0) close(pid_fd_);
  if (status_fd_ >= 0) close(status_fd_);
  pid_fd_ = status_fd_ = -1;
}

std::string EncodeGuestRun(const GuestRun& run) {
  return JoinFields({std::to_string(run.exit_status), run.record, run.output});
}

bool DecodeGuestRun(const std::string& payload, GuestRun* run) {
  std::vector<std::string> fields = SplitFields(payload);
  if (fields.size() < 3) return false;
  run->exit_status = std::atoi(fields[0].c_str());
  run->record = fields[1];
  // The output is last: NULs in it are its own.
  run->output = fields[2];
  for (size_t i = 3; i < fields.size(); ++i) run->output += '\0' + fields[i];
  return true;
}

bool RunInGuest(const std::string& socket_name, size_t guest_job,
                const std::string& pcap_path, GuestRun* run,
                std::string* error) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address;
  const socklen_t length = AbstractAddress(socket_name, &address);
  if (fd < 0 ||
      connect(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) {
    *error = "cannot reach the VM: " + std::string(std::strerror(errno));
    if (fd >= 0) close(fd);
    return false;
  }
  WriteAll(fd, EncodeFrame({"run", 0,
                            JoinFields({std::to_string(guest_job), pcap_path})}));
  FrameReader reader;
  char buffer[65536];
  while (true) {
    if (auto frame = reader.Next()) {
      close(fd);
      if (!DecodeGuestRun(frame->payload, run)) {
        *error = "the VM's answer is malformed";
        return false;
      }
      return true;
    }
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close(fd);
      *error = "the VM's keeper ended before the run did";
      return false;
    }
    reader.Feed(std::string_view(buffer, static_cast<size_t>(n)));
  }
}

}  // namespace synack::vm
