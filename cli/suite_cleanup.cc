// SuiteCleanup: the reaper process and the suite's temporary directory.
#include "cli/suite_cleanup.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace synack::cli {

namespace {

void WriteAll(int fd, const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

std::string ReadAll(int fd) {
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) {
      text.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      return text;
    }
  }
}

// A new directory for the suite: mkdtemp, so no one else can have put a
// file or a link in it. Absolute, as runs work in their scripts' folders.
// Its path, or "synack: ..." when it cannot be made.
std::string MakeDirectory() {
  std::error_code error;
  const std::filesystem::path base =
      std::filesystem::absolute(std::filesystem::temp_directory_path(error));
  if (error) return "cannot find a temporary directory: " + error.message();
  std::string dir = (base / "synack-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) {
    return "cannot make " + dir + ": " + std::strerror(errno);
  }
  return dir;
}

// Removes `dir` and all in it. A process killed just as the pipe ended may
// still be finishing a system call that creates a file in it, so the
// reaper tries again for a second.
void RemoveTree(const std::string& dir) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    std::error_code error;
    std::filesystem::remove_all(dir, error);
    if (!std::filesystem::exists(std::filesystem::symlink_status(dir, error))) {
      return;
    }
    usleep(20 * 1000);
  }
}

// The reaper, in a fork of synack: reports the directory it made on
// `report_fd`, waits for the end of `life_fd` (or synack's word that it is
// ending), removes the directory.
[[noreturn]] void Reap(int life_fd, int report_fd) {
  setsid();
  prctl(PR_SET_NAME, "synack-reaper");
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  for (int sig : {SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGQUIT, SIGTSTP}) {
    sigaction(sig, &ignore, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  // Nothing of synack's but the two pipes: a pipeline that reads synack's
  // output ends when synack does, not when the reaper does.
  const int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  const int life = fcntl(life_fd, F_DUPFD_CLOEXEC, 10);
  const int report = fcntl(report_fd, F_DUPFD_CLOEXEC, 10);
  if (null_fd < 0 || life < 0 || report < 0) _exit(1);
  for (int fd = 0; fd < 3; ++fd) dup2(null_fd, fd);
  dup2(life, 3);
  dup2(report, 4);
  if (syscall(SYS_close_range, 5, ~0U, 0) != 0) {
    for (int fd = 5; fd < 1024; ++fd) close(fd);
  }
  // Nor synack's working directory, whose file system it would keep busy.
  if (chdir("/") != 0) _exit(1);

  const std::string dir = MakeDirectory();
  WriteAll(4, dir);
  close(4);
  if (dir.empty() || dir[0] != '/') _exit(1);
  char byte;
  while (read(3, &byte, 1) < 0 && errno == EINTR) {
  }
  RemoveTree(dir);
  _exit(0);
}

// A tmpfs mounted nowhere, its mount's descriptor (close-on-exec: forks of
// synack hold it, commands do not), or -1 without the privilege. 64 MB at
// most, as a bound on what scripts' commands can put in memory; nothing in
// it may be run or be a device.
int UnmountedTmpfs() {
  const int fs = static_cast<int>(syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC));
  if (fs < 0) return -1;
  int mount = -1;
  if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0700", 0) == 0 &&
      syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", "64m", 0) == 0 &&
      syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) == 0) {
    mount = static_cast<int>(
        syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
                MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
  }
  close(fs);
  return mount;
}

// This process's number as /proc names it (in a PID namespace of its own
// getpid() would say 1), or "" when /proc is not there.
std::string ProcSelf() {
  std::error_code error;
  const std::filesystem::path self =
      std::filesystem::read_symlink("/proc/self", error);
  return error ? "" : self.string();
}

}  // namespace

std::unique_ptr<SuiteCleanup> SuiteCleanup::Start(std::string* error,
                                                  Kind kind) {
  if (kind == Kind::kUnmountedTmpfs) {
    const std::string self = ProcSelf();
    const int mount = self.empty() ? -1 : UnmountedTmpfs();
    if (mount >= 0) {
      return std::unique_ptr<SuiteCleanup>(new SuiteCleanup(
          -1, mount, "/proc/" + self + "/fd/" + std::to_string(mount)));
    }
  }
  int life[2], report[2];
  if (pipe2(life, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + std::strerror(errno);
    return nullptr;
  }
  if (pipe2(report, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + std::strerror(errno);
    close(life[0]);
    close(life[1]);
    return nullptr;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    close(life[1]);
    close(report[0]);
    Reap(life[0], report[1]);
  }
  const int fork_errno = errno;
  close(life[0]);
  close(report[1]);
  if (pid < 0) {
    close(life[1]);
    close(report[0]);
    *error = std::string("cannot start the reaper: ") + std::strerror(fork_errno);
    return nullptr;
  }
  const std::string dir = ReadAll(report[0]);
  close(report[0]);
  if (dir.empty() || dir[0] != '/') {
    close(life[1]);
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    *error = dir.empty() ? "the reaper ended before it made its directory" : dir;
    return nullptr;
  }
  return std::unique_ptr<SuiteCleanup>(new SuiteCleanup(pid, life[1], dir));
}

SuiteCleanup::~SuiteCleanup() {
  if (reaper_ < 0) {
    close(fd_);
    return;
  }
  // Forks of synack that are still running would hold the pipe open: the
  // byte says that synack is ending on its own terms.
  WriteAll(fd_, "x");
  close(fd_);
  while (waitpid(reaper_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace synack::cli
