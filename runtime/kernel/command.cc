// CommandRunner: fork/exec of /bin/sh, output capture, the guard process.
#include "runtime/kernel/command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "runtime/kernel/realtime.h"

extern char** environ;

namespace synack::kernel {
namespace {

using interpreter::CommandResult;
using interpreter::Duration;

std::string Errno(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// Between fork and exec only async-signal-safe calls: synack has threads.

void ResetSignals() {
  struct sigaction action{};
  action.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &action, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

void CloseFrom(int lowest) {
  if (syscall(SYS_close_range, lowest, ~0U, 0) == 0) return;
  for (int fd = lowest; fd < 1024; ++fd) close(fd);
}

// Puts `in` on 0, `out` on 1 and 2 and closes every other descriptor. The
// detour through high numbers copes with `in`/`out` already being 0..2.
void SetUpStdio(int in, int out) {
  int high_in = fcntl(in, F_DUPFD, 10);
  int high_out = fcntl(out, F_DUPFD, 10);
  dup2(high_in, 0);
  dup2(high_out, 1);
  dup2(high_out, 2);
  CloseFrom(3);
}

int OpenPidfd(pid_t pid) {
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
}

}  // namespace

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

std::string CommandRunner::StartGuard() {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return Errno("pipe2");
  UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
  UniqueFd devnull(open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!devnull.valid()) return Errno("open /dev/null");

  pid_t pid = fork();
  if (pid < 0) return Errno("fork");
  if (pid == 0) {
    setpgid(0, 0);
    int high = fcntl(read_end.get(), F_DUPFD, 10);
    int in = fcntl(devnull.get(), F_DUPFD, 11);
    dup2(in, 0);
    dup2(in, 1);
    dup2(in, 2);
    dup2(high, 3);
    CloseFrom(4);
    ResetSignals();
    // Stay for the end of synack, whatever its terminal does meanwhile.
    struct sigaction ignore{};
    ignore.sa_handler = SIG_IGN;
    for (int sig : {SIGHUP, SIGINT, SIGTERM, SIGPIPE}) {
      sigaction(sig, &ignore, nullptr);
    }
    char byte;
    for (;;) {
      ssize_t got = read(3, &byte, 1);
      if (got == 0 || (got < 0 && errno != EINTR)) break;
    }
    kill(0, SIGKILL);
    _exit(0);
  }
  // Also from this side, so the group exists before any command joins it.
  setpgid(pid, pid);
  guard_ = pid;
  guard_pipe_ = std::move(write_end);
  return "";
}

std::string RestoreFileOf(const std::map<std::string, std::string>& env) {
  auto pid = env.find("PACKETDRILL_PID");
  if (pid == env.end() || pid->second.empty()) return "";
  return "/tmp/sysctl_restore_" + pid->second + ".sh";
}

CommandRunner::~CommandRunner() {
  if (guard_ >= 0) {
    guard_pipe_.reset();
    int status;
    while (waitpid(guard_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  // Packetdrill leaves one per run in /tmp; a suite of the corpus, hundreds.
  for (const std::string& path : restore_files_) unlink(path.c_str());
}

CommandResult CommandRunner::Run(const std::string& command,
                                 const std::map<std::string, std::string>& env,
                                 std::optional<Duration> timeout) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto failed = [](const std::string& why) {
    return CommandResult{127, "synack: cannot run command: " + why + "\n"};
  };
  if (guard_ < 0) {
    std::string error = StartGuard();
    if (!error.empty()) return failed(error);
  }
  const std::string restore_file = RestoreFileOf(env);
  const bool restore_file_existed =
      restore_file.empty() || access(restore_file.c_str(), F_OK) == 0;
  CommandResult result = RunLocked(command, env, timeout);
  if (!restore_file_existed && access(restore_file.c_str(), F_OK) == 0 &&
      std::find(restore_files_.begin(), restore_files_.end(), restore_file) ==
          restore_files_.end()) {
    restore_files_.push_back(restore_file);
  }
  return result;
}

CommandResult CommandRunner::RunLocked(const std::string& command,
                                       const std::map<std::string, std::string>& env,
                                       std::optional<Duration> timeout) {
  auto failed = [](const std::string& why) {
    return CommandResult{127, "synack: cannot run command: " + why + "\n"};
  };

  // Everything the child needs is built before fork.
  std::vector<std::string> environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string text = *entry;
    if (!env.count(text.substr(0, text.find('=')))) environment.push_back(text);
  }
  for (const auto& [name, value] : env) environment.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (std::string& text : environment) envp.push_back(text.data());
  envp.push_back(nullptr);
  std::string shell = "/bin/sh", dash_c = "-c", text = command;
  char* argv[] = {shell.data(), dash_c.data(), text.data(), nullptr};

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return failed(Errno("pipe2"));
  UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
  UniqueFd devnull(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!devnull.valid()) return failed(Errno("open /dev/null"));
  pid_t parent = getpid();
  pid_t guard = guard_;
  const int priority = CommandRealtimePriority();

  pid_t pid = fork();
  if (pid < 0) return failed(Errno("fork"));
  if (pid == 0) {
    EnterCommandPriority(priority);
    if (setpgid(0, guard) != 0) _exit(127);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // synack died before prctl
    SetUpStdio(devnull.get(), write_end.get());
    ResetSignals();
    execve(argv[0], argv, envp.data());
    static const char kMessage[] = "synack: cannot exec /bin/sh\n";
    ssize_t ignored = write(2, kMessage, sizeof(kMessage) - 1);
    (void)ignored;
    _exit(127);
  }
  setpgid(pid, guard);
  write_end.reset();
  // Non-blocking on our side only: the read end is its own open file.
  fcntl(read_end.get(), F_SETFL, O_NONBLOCK);
  UniqueFd pidfd(OpenPidfd(pid));

  CommandResult result;
  bool timed_out = false;
  int status = 0;
  timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  auto elapsed = [&start]() -> Duration {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return std::chrono::seconds(now.tv_sec - start.tv_sec) +
           std::chrono::nanoseconds(now.tv_nsec - start.tv_nsec);
  };
  char buffer[4096];
  for (;;) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) {
      // ECHILD: somebody else reaped it (SIGCHLD ignored); status unknown.
      status = 0;
      break;
    }
    // Without a pidfd (Linux < 5.3), look at the child every 10 ms.
    std::optional<Duration> slice;
    if (!pidfd.valid()) slice = std::chrono::milliseconds(10);
    if (timeout && !timed_out) {
      Duration left = *timeout - elapsed();
      if (left <= Duration::zero()) {
        kill(pid, SIGKILL);
        timed_out = true;
        continue;
      }
      if (!slice || left < *slice) slice = left;
    }
    pollfd fds[2];
    nfds_t count = 0;
    if (pidfd.valid()) fds[count++] = {pidfd.get(), POLLIN, 0};
    if (read_end.valid()) fds[count++] = {read_end.get(), POLLIN, 0};
    timespec ts;
    if (slice) {
      auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*slice);
      ts = {static_cast<time_t>(seconds.count()),
            static_cast<long>((*slice - seconds).count())};
    }
    ppoll(fds, count, slice ? &ts : nullptr, nullptr);
    while (read_end.valid()) {
      ssize_t got = read(read_end.get(), buffer, sizeof(buffer));
      if (got > 0) {
        result.output.append(buffer, static_cast<size_t>(got));
        continue;
      }
      if (got == 0) read_end.reset();  // every writer is gone
      break;
    }
  }
  // What the shell wrote before it exited is still in the pipe; a
  // background process may hold it open forever, so take only what is there.
  if (read_end.valid()) {
    for (size_t taken = 0; taken < (1u << 20);) {
      ssize_t got = read(read_end.get(), buffer, sizeof(buffer));
      if (got <= 0) break;
      result.output.append(buffer, static_cast<size_t>(got));
      taken += static_cast<size_t>(got);
    }
  }
  result.exit_status = DecodeWaitStatus(status);
  if (timed_out) {
    result.output += "synack: command timed out after " +
                     std::to_string(interpreter::ToMicros(*timeout) / 1000) +
                     " ms and was killed\n";
  }
  return result;
}

}  // namespace synack::kernel
