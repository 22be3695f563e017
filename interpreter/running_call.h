// A blocking system call (`+0...0.2 accept(...)`) running on its own
// thread, so it can wait while the script goes on. Calls without `...` run
// on the interpreter's thread under the watchdog (watchdog.h).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "interpreter/backend.h"

namespace synack::interpreter {

class RunningCall {
 public:
  // Starts `execute` on a new thread, pinned to processor `cpu` unless it
  // is -1 (call_cpu.h), and returns once the thread runs it. It reads
  // `clock` right after the call returns: that is the call's return time.
  RunningCall(Syscalls& syscalls, Clock& clock,
              std::function<SyscallResult(Syscalls&)> execute, int cpu = -1);
  // Joins the thread unless Abandon() was called; the call must have
  // returned.
  ~RunningCall();
  RunningCall(const RunningCall&) = delete;
  RunningCall& operator=(const RunningCall&) = delete;

  // Waits up to `timeout` of real time; true when the call has returned.
  bool WaitFor(std::chrono::nanoseconds timeout);
  bool done() const;
  // Whether the thread has begun the call (it has, once constructed, unless
  // the machine could not run it for a second).
  bool started() const;

  // Valid once done().
  SyscallResult result() const;
  Instant returned_at() const;

  // Gives up on a call that will not return: the thread is detached and
  // keeps only shared state alive.
  void Abandon();

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable changed;  // started or done
    bool started = false;
    bool done = false;
    SyscallResult result;
    Instant returned_at;
  };
  std::shared_ptr<State> state_;
  std::thread thread_;
};

}  // namespace synack::interpreter
