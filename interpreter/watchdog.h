// Ends a system call the script says returns at once but that blocks.
// Such calls run on the interpreter's own thread, since handing every call
// to another thread costs a scheduler wake-up each time, which on a loaded
// machine makes a run late; the watchdog only guards against the rare call
// that blocks.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "interpreter/backend.h"

namespace synack::interpreter {

class Watchdog {
 public:
  // A call armed for longer than `bound` (real time) gets its socket shut
  // down, which makes Linux, and synack's own stack, return from accept,
  // connect, read, write, poll and friends blocked on it.
  Watchdog(Syscalls& syscalls, std::chrono::nanoseconds bound);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Before a call on `live_fd` (-1: a call that cannot block).
  void Arm(int live_fd);
  // After it returned: true when the watchdog had to end it.
  bool Disarm();

 private:
  void Watch();

  Syscalls& syscalls_;
  const std::chrono::nanoseconds bound_;
  // Steady-clock nanoseconds when the call was armed; 0 when none is, -1
  // once the watchdog fired. Arm and Disarm only touch atomics, so the
  // interpreter never waits for this thread.
  std::atomic<int64_t> armed_since_{0};
  std::atomic<int> fd_{-1};
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace synack::interpreter
