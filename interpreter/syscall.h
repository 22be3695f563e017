// One system call event made ready to run: arguments evaluated into buffers
// it owns, how to run it (maybe on a worker thread), and how to check what
// came back. One small prepare function per system call, found by name.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "grammar/ast.h"
#include "interpreter/backend.h"
#include "interpreter/config.h"
#include "interpreter/fd_table.h"
#include "interpreter/flows.h"
#include "interpreter/values.h"

namespace synack::interpreter {

// What a system call may touch on the interpreter thread.
struct CallEnv {
  const RunConfig& config;
  FdTable& fds;
  Flows& flows;
  Syscalls& syscalls;
  // CLOCK_REALTIME at script time 0: SCM_TIMESTAMPING values are wall-clock
  // times, scripts write them relative to time 0.
  std::chrono::nanoseconds wall_time_zero{0};
  // The tolerance of the event being checked.
  int64_t tolerance_us = 0;
  // Relative paths in open() are relative to the script's directory.
  std::string script_dir;
};

struct PreparedCall {
  // Runs the call. May run on a worker thread: it touches only what the
  // closure owns and the Syscalls it is given.
  std::function<SyscallResult(Syscalls&)> execute;

  // The call returns new descriptors: the script's expected number is
  // mapped to the live one instead of compared with it.
  enum class Returns { kValue, kNewSocket, kNewFd };
  Returns returns = Returns::kValue;

  // Optional, on the interpreter thread right before `execute`: facts the
  // packets need while the call runs (connect tells flows its port).
  std::function<void(CallEnv&)> before;

  // Optional, on the interpreter thread once the return value matched the
  // script: checks outputs (getsockopt values, poll revents, cmsgs) and
  // records side effects (fd table, flows). Returns a failure message,
  // empty when all is well.
  std::function<std::string(const SyscallResult&, CallEnv&)> after;

  // The live descriptor the call works on: shutting it down unblocks the
  // call if it is still stuck when the run ends.
  int live_fd = -1;
};

// Prepares a call from its script line. Returns false with the evaluator's
// error set when an argument cannot be evaluated.
using PrepareFn = bool (*)(const grammar::SyscallEvent& call, Evaluator& eval,
                           CallEnv& env, PreparedCall* out);

// The prepare function for a system call name; null when there is none.
PrepareFn FindSyscall(const std::string& name);

// Compares a call's return value and errno with the script's `= ...`, and
// maps new descriptors. Returns a failure message, empty when they match.
std::string CheckReturn(const grammar::SyscallEvent& call,
                        const SyscallResult& result,
                        PreparedCall::Returns returns, CallEnv& env);

// "ECONNREFUSED (Connection refused)".
std::string ErrnoText(int err);

// The ports of a connected socket (getsockname and getpeername); nullopt
// for one that is not connected.
std::optional<PortPair> ConnectionPorts(Syscalls& syscalls, int live_fd);

}  // namespace synack::interpreter
