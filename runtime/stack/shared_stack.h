// SharedStack: the one Stack that the interpreter's threads share, on a
// virtual clock. A call that would block waits as a pending call that the
// stack completes as it makes progress; nothing ever sleeps in real time
// waiting for the clock.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "interpreter/backend.h"
#include "runtime/stack/stack.h"
#include "runtime/stack/thread_watch.h"

namespace synack::stack {

// Threads. The interpreter's thread (the "driver": whichever thread created
// this or last called WaitUntil, NextOutbound or Inject) moves the clock;
// blocking calls (`+0...0.2 accept(...)`) come from threads of their own;
// the interpreter's watchdog calls Shutdown from another. One mutex
// serializes every use of the Stack.
//
// The clock moves only when the driver asks, and only once the other
// threads are quiet: every thread started since the run began has made its
// call (ThreadWatch), and every call that has returned has read its return
// time with Now() and its thread has ended (the interpreter's thread then
// finds the call done). The driver's actions wait for the same before they
// return. So a run is the same every time, however the threads are
// scheduled.
class SharedStack {
 public:
  using Result = interpreter::SyscallResult;
  // One try at a system call: its result, or nullopt when it would block.
  // It is tried again whenever the stack moves (a packet in, a timer, any
  // other call), on whichever thread moved it, until it completes.
  using Attempt = std::function<std::optional<Result>(Stack& stack, Instant now)>;

  explicit SharedStack(const StackConfig& config);
  // Completes calls still pending with EBADF and waits (a bounded time) for
  // their threads to leave.
  ~SharedStack();
  SharedStack(const SharedStack&) = delete;
  SharedStack& operator=(const SharedStack&) = delete;

  // --- The virtual clock --------------------------------------------------

  Instant Now();
  // Moves the clock to `deadline` (never back), firing the stack's timers
  // on the way, each at its own time, and completing the calls that they
  // unblock as they do.
  void WaitUntil(Instant deadline);

  // --- The wire (the driver) ------------------------------------------------

  // The oldest packet sent and not yet taken; if there is none, the clock
  // moves on towards `deadline` until one is sent.
  std::optional<SentPacket> NextOutbound(Instant deadline);
  // Hands the stack a datagram at the current time. Returns an error
  // message for one that does not parse, empty otherwise. `gso_size` as
  // for Stack::Input.
  std::string Inject(std::span<const uint8_t> packet, uint32_t gso_size = 0);

  // --- System calls (any thread) ------------------------------------------

  // Makes a call. One that would block waits until a retry completes it,
  // or until `timeout` has passed on the virtual clock (then it returns 0,
  // as poll() does). A call the driver makes itself has nobody to move the
  // clock for it: it moves the clock through the stack's timers for up to
  // a second of virtual time (the interpreter's watchdog ends a call that
  // blocks for a second of real time) and then waits for the watchdog.
  Result Call(const Attempt& attempt,
              std::optional<Duration> timeout = std::nullopt);

  // Runs `f(stack)` under the lock: counters, sysctls, the socket list.
  template <typename F>
  auto With(F&& f) {
    std::lock_guard<std::mutex> lock(mutex_);
    return f(stack_);
  }

 private:
  struct Pending;

  void TakeDriver();
  // Waits (in real time) until threads started since the run began have
  // made their calls and every returned call has read its return time.
  void Settle(std::unique_lock<std::mutex>& lock);
  std::optional<Instant> NextEvent() const;
  // The clock to `t`, the stack polled there, pending calls retried.
  void Advance(Instant t);
  void RunUntil(std::unique_lock<std::mutex>& lock, Instant t);
  void DriveBlocked(std::unique_lock<std::mutex>& lock, const Pending& pending);
  void RetryPending();
  void Complete(Pending* pending, const Result& result);
  // A thread of a blocking call: one the interpreter started after the run
  // began, which reads Now() once its call returns.
  bool IsCallThread(pid_t tid) const;

  std::mutex mutex_;
  std::condition_variable changed_;    // a thread arrived or read its time
  std::condition_variable completed_;  // a pending call completed
  Stack stack_;
  Instant now_{};
  pid_t driver_;
  ThreadWatch watch_;
  std::vector<Pending*> pending_;  // in the order the calls began
  std::set<pid_t> returning_;      // returned, return time not yet read
  std::set<pid_t> exiting_;        // return time read, thread not yet ended
  // The process's thread count when Settle() last found every thread
  // accounted for; nullopt while it did not.
  std::optional<size_t> settled_threads_;
  // Settle() has counted them since the driver last came in.
  bool threads_counted_ = false;
  bool closing_ = false;
};

}  // namespace synack::stack
