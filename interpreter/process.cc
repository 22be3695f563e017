// Running a helper program and collecting its output.
#include "interpreter/process.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace synack::interpreter {

ProcessResult RunProcess(const std::vector<std::string>& argv) {
  ProcessResult result;
  int pipe_fds[2], exec_fds[2];
  // O_CLOEXEC: children other threads spawn must not hold our write end.
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    result.start_error = std::string("pipe: ") + strerror(errno);
    return result;
  }
  // The child's exec error, if any: the pipe ends empty at a successful exec.
  if (pipe2(exec_fds, O_CLOEXEC) != 0) {
    result.start_error = std::string("pipe: ") + strerror(errno);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return result;
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  // Only async-signal-safe calls in the child: the caller may have threads.
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // It dies with the thread that waits for it, SIGKILL included: where
    // the run has no PID namespace to take it along (the own stack without
    // root), nothing else would end it. If that thread went before the
    // prctl(), there is no one to report to.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, 0);
    dup2(pipe_fds[1], 1);
    dup2(pipe_fds[1], 2);
    execvp(args[0], args.data());
    const int error = errno;
    if (write(exec_fds[1], &error, sizeof error) < 0) _exit(127);
    _exit(127);
  }
  const int fork_error = errno;
  close(pipe_fds[1]);
  close(exec_fds[1]);
  int exec_error = 0;
  if (pid < 0) {
    exec_error = fork_error;
  } else {
    while (read(exec_fds[0], &exec_error, sizeof exec_error) < 0 &&
           errno == EINTR) {
    }
  }
  close(exec_fds[0]);
  if (exec_error != 0) {
    close(pipe_fds[0]);
    if (pid > 0) {
      while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
    result.start_error = argv[0] + ": " + strerror(exec_error);
    return result;
  }
  char buffer[4096];
  for (;;) {
    ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n > 0) {
      result.output.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status)
                                         : 128 + WTERMSIG(status);
  return result;
}

}  // namespace synack::interpreter
