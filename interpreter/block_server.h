// A python3 that runs `%{ }%` blocks for many runs: python3's start-up
// (0.1 s or more) is most of a stack run's time, so `synack run` starts one
// server and each run's blocks get a fork of it, with the driver already
// compiled and its modules loaded.
//
// Runs reach the server through a descriptor they inherit (they are forks
// of synack), which needs no file name and works from any namespace. Each
// request is one datagram on it: the run's directory and its driver
// arguments, a socket for the reply, a file for the output and the run's
// network namespace. The server forks a worker that enters the namespace
// and runs the driver there as `python3 -c` would, waits for it, and
// answers with its exit status.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "interpreter/process.h"

namespace synack::interpreter {

class BlockServer {
 public:
  // Starts `python` serving `driver` (a program that reads its arguments
  // from sys.argv). It dies with the thread that started it, and its
  // workers with it. Null when it cannot be started.
  static std::unique_ptr<BlockServer> Start(const std::string& python,
                                            const std::string& driver);
  ~BlockServer();  // kills the server
  BlockServer(const BlockServer&) = delete;
  BlockServer& operator=(const BlockServer&) = delete;

  // What runs use to reach the server (RunOnBlockServer); inherited by
  // forked children, closed on exec.
  int client_fd() const { return client_fd_; }
  pid_t pid() const { return pid_; }

 private:
  BlockServer(pid_t pid, int client_fd) : pid_(pid), client_fd_(client_fd) {}
  pid_t pid_;
  int client_fd_;
};

// Runs the server's driver with `args` in the current directory, as
// `python3 -c <driver> args...` would: its exit status and output. Nullopt
// when the server cannot be reached, died before it answered or could not
// enter the caller's network namespace; the caller then starts python3
// itself.
std::optional<ProcessResult> RunOnBlockServer(
    int server_fd, const std::vector<std::string>& args);

// The server's program, exposed for tests.
const char* BlockServerSource();

}  // namespace synack::interpreter
