// One run's child process: started in a PID namespace of its own (or a
// process group), its output collected through a pipe, killed with
// everything it started, and its verdict.
#include "cli/run_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runtime/kernel/realtime.h"

namespace synack::cli {

namespace {

using Clock = std::chrono::steady_clock;

// A low real-time priority: any real-time priority preempts every normal
// process, and a low one stays below the kernel's own real-time threads.
constexpr int kRealtimePriority = 10;

// Exit status of a run whose process died of a signal or could not start.
constexpr int kCrashStatus = 3;

// clone3's arguments, version 1 (Linux 5.5, for set_tid): spelled out here
// because <linux/sched.h> clashes with glibc's <sched.h>.
struct CloneArgs {
  uint64_t flags = 0;
  uint64_t pidfd = 0;
  uint64_t child_tid = 0;
  uint64_t parent_tid = 0;
  uint64_t exit_signal = 0;
  uint64_t stack = 0;
  uint64_t stack_size = 0;
  uint64_t tls = 0;
  uint64_t set_tid = 0;
  uint64_t set_tid_size = 0;
};

void WriteAll(int fd, const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// This process's PID as the host sees it: /proc is the host's mount, so
// /proc/self names us by our PID there, not by our 1 in the new namespace.
pid_t HostPid() {
  char link[32] = {};
  if (readlink("/proc/self", link, sizeof link - 1) <= 0) return 0;
  return static_cast<pid_t>(std::atoi(link));
}

// fork(), with the child's PID chosen when `pid` > 0 and the caller may
// choose it (it may in a PID namespace of its own, as root).
pid_t ForkWithPid(pid_t pid) {
  if (pid > 1) {
    pid_t wanted = pid;
    CloneArgs args;
    args.exit_signal = SIGCHLD;
    args.set_tid = reinterpret_cast<uintptr_t>(&wanted);
    args.set_tid_size = 1;
    const long child = syscall(SYS_clone3, &args, sizeof args);
    if (child >= 0) return static_cast<pid_t>(child);
  }
  return fork();
}

// The run itself, in its own process.
[[noreturn]] void RunWorker(size_t job, const ChildMain& child_main,
                            bool realtime) {
  // Scripts write to connections the peer has closed and expect EPIPE, as
  // packetdrill (and a PID namespace's init, which signals without a
  // handler do not reach) has it. The kernel backend resets the commands it
  // starts to the default.
  signal(SIGPIPE, SIG_IGN);
  // The set-up at SCHED_IDLE, the script from its time 0 at SCHED_FIFO
  // (RealClock::ScriptStart). Without the privilege the run goes on at
  // normal priority throughout.
  if (realtime) kernel::DeferRealtime(kRealtimePriority);
  const int status = child_main(job);
  std::fflush(nullptr);
  _exit(status);
}

std::string DescribeSignal(int sig) {
  const char* name = strsignal(sig);
  return "signal " + std::to_string(sig) + " (" + (name ? name : "?") + ")";
}

// PID 1 of the run's namespace: starts the run, reaps whatever is
// re-parented to it, and exits with the run's status. Its exit kills every
// process left in the namespace. It also exits when synack has (`parent_fd`,
// synack's pidfd, readable): PR_SET_PDEATHSIG acts only from the prctl()
// on, and a namespace's init cannot tell from getppid() that its parent
// died before (it sees 0 there); the pidfd tells at any time.
[[noreturn]] void RunInit(size_t job, const ChildMain& child_main,
                          bool realtime, int parent_fd) {
  const pid_t worker = ForkWithPid(HostPid());
  if (worker < 0) {
    WriteAll(2, std::string("synack: cannot start the run: ") +
                    std::strerror(errno) + "\n");
    _exit(kCrashStatus);
  }
  if (worker == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (parent_fd >= 0) close(parent_fd);
    RunWorker(job, child_main, realtime);
  }
  // Children's ends through a signalfd, so one poll() waits for them and
  // for synack. A SIGCHLD before the block is lost, but not the child:
  // waitpid() looks before every wait.
  sigset_t child_ended;
  sigemptyset(&child_ended);
  sigaddset(&child_ended, SIGCHLD);
  sigprocmask(SIG_BLOCK, &child_ended, nullptr);
  const int signal_fd =
      parent_fd >= 0 ? signalfd(-1, &child_ended, SFD_CLOEXEC) : -1;
  while (true) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, signal_fd >= 0 ? WNOHANG : 0);
    if (pid < 0 && errno == EINTR) continue;
    if (pid < 0) _exit(kCrashStatus);
    if (pid == worker) {
      if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
      WriteAll(2, "synack: the run died of " +
                      DescribeSignal(WTERMSIG(status)) + "\n");
      _exit(kCrashStatus);
    }
    if (pid > 0) continue;  // an orphan of the run
    pollfd fds[2] = {{signal_fd, POLLIN, 0}, {parent_fd, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents != 0) _exit(kCrashStatus);  // synack is gone
    signalfd_siginfo info;
    if (read(signal_fd, &info, sizeof info) < 0) continue;
  }
}

// In a new child: its standard streams, signals and death with the parent.
void PrepareChild(int output_fd, pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  // The parent died before the line above took effect. (A namespace's init
  // sees its parent, outside, as 0.)
  const pid_t now_parent = getppid();
  if (now_parent != parent && now_parent != 0) _exit(kCrashStatus);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGINT, SIGTERM, SIGPIPE}) signal(sig, SIG_DFL);
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd >= 0) dup2(null_fd, 0);
  dup2(output_fd, 1);
  dup2(output_fd, 2);
}


}  // namespace

bool StartRunProcess(size_t job, bool realtime, double timeout_seconds,
                     const ChildMain& child_main, RunProcess* child,
                     std::string* error) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + std::strerror(errno);
    return false;
  }
  std::fflush(nullptr);
  const pid_t parent = getpid();
  const int parent_fd = static_cast<int>(syscall(SYS_pidfd_open, parent, 0));
  bool own_namespace = true;
  pid_t pid = static_cast<pid_t>(
      syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, nullptr, nullptr, nullptr, 0));
  if (pid < 0 && (errno == EPERM || errno == EINVAL || errno == ENOSPC)) {
    // No privilege for a PID namespace: a process group stands in for it.
    own_namespace = false;
    pid = fork();
  }
  if (pid < 0) {
    *error = std::string("cannot start a run: ") + std::strerror(errno);
    if (parent_fd >= 0) close(parent_fd);
    close(fds[0]);
    close(fds[1]);
    return false;
  }
  if (pid == 0) {
    if (!own_namespace) setpgid(0, 0);
    PrepareChild(fds[1], parent);
    if (own_namespace) RunInit(job, child_main, realtime, parent_fd);
    if (parent_fd >= 0) close(parent_fd);
    RunWorker(job, child_main, realtime);
  }
  if (!own_namespace) setpgid(pid, pid);
  if (parent_fd >= 0) close(parent_fd);
  close(fds[1]);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  child->job = job;
  child->pid = pid;
  child->output_fd = fds[0];
  child->own_namespace = own_namespace;
  child->pid_fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  child->start = Clock::now();
  child->deadline =
      child->start + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(timeout_seconds));
  if (child->pid_fd < 0) {
    *error = std::string("pidfd_open: ") + std::strerror(errno);
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    close(fds[0]);
    return false;
  }
  return true;
}

void KillRunProcess(RunProcess& child, Verdict why) {
  if (child.killed_for) return;
  child.killed_for = why;
  // A namespace's init takes every process in it along; a group is killed
  // as a whole.
  kill(child.own_namespace ? child.pid : -child.pid, SIGKILL);
}

void DrainRunOutput(RunProcess& child) {
  char buffer[65536];
  while (child.output_fd >= 0) {
    const ssize_t n = read(child.output_fd, buffer, sizeof buffer);
    if (n > 0) {
      child.output.Append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    close(child.output_fd);
    child.output_fd = -1;
  }
}

RunResult ReapRunProcess(RunProcess& child, double timeout_seconds) {
  int status = 0;
  while (waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
  }
  // Whatever is left in the group must not outlive the run (in a
  // namespace, the kernel has seen to that already).
  if (!child.own_namespace) kill(-child.pid, SIGKILL);
  DrainRunOutput(child);
  if (child.output_fd >= 0) close(child.output_fd);
  close(child.pid_fd);

  RunResult result;
  result.seconds =
      std::chrono::duration<double>(Clock::now() - child.start).count();
  std::string note;
  if (child.killed_for) {
    result.verdict = *child.killed_for;
    if (result.verdict == Verdict::kTimeout) {
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%g", timeout_seconds);
      note = std::string("synack: timed out after ") + seconds +
             " s (--timeout)\n";
    } else if (result.verdict == Verdict::kSkipped) {
      note = "synack: stopped: --fail-fast\n";
    } else if (result.verdict == Verdict::kInterrupted) {
      note = "synack: stopped: interrupted\n";
    }
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    result.verdict = Verdict::kPass;
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 1) {
    result.verdict = Verdict::kFail;
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == kTimingFailureStatus) {
    result.verdict = Verdict::kFail;
    result.timing_failure = true;
  } else {
    result.verdict = Verdict::kError;
    if (WIFSIGNALED(status)) {
      note = "synack: the run died of " + DescribeSignal(WTERMSIG(status)) +
             "\n";
    }
  }
  result.output = child.output.Text();
  if (!note.empty() && !result.output.empty() && result.output.back() != '\n') {
    result.output += '\n';
  }
  result.output += note;
  return result;
}

const char* VerdictWord(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "ok";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kError:
      return "ERROR";
    case Verdict::kTimeout:
      return "TIMEOUT";
    case Verdict::kInterrupted:
      return "INTERRUPTED";
    case Verdict::kSkipped:
      return "SKIP";
  }
  return "?";
}

void CappedOutput::Append(const char* data, size_t size) {
  const size_t half = limit_ / 2;
  while (size > 0) {
    size_t take;
    if (head_.size() < half) {
      take = std::min(size, half - head_.size());
      head_.append(data, take);
    } else if (tail_.size() < half) {
      take = std::min(size, half - tail_.size());
      tail_.append(data, take);
    } else {
      // The ring is full: overwrite its oldest bytes.
      take = std::min(size, half - tail_start_);
      std::memcpy(&tail_[tail_start_], data, take);
      tail_start_ = (tail_start_ + take) % half;
      dropped_ += take;
    }
    data += take;
    size -= take;
  }
}

std::string CappedOutput::Text() const {
  std::string text = head_;
  if (dropped_ > 0) {
    text += "\n[... " + std::to_string(dropped_) + " bytes left out ...]\n";
  }
  text.append(tail_, tail_start_, std::string::npos);
  text.append(tail_, 0, tail_start_);
  return text;
}

}  // namespace synack::cli
