// The watchdog for calls that should not block.
#include "interpreter/watchdog.h"

#include <sys/socket.h>

namespace synack::interpreter {

namespace {

int64_t SteadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// How often the watchdog looks; a blocked call is noticed within
// bound + this.
constexpr std::chrono::milliseconds kPeriod{50};

}  // namespace

Watchdog::Watchdog(Syscalls& syscalls, std::chrono::nanoseconds bound)
    : syscalls_(syscalls), bound_(bound), thread_([this] { Watch(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  thread_.join();
}

void Watchdog::Arm(int live_fd) {
  fd_.store(live_fd);
  armed_since_.store(live_fd < 0 ? 0 : SteadyNanos());
}

bool Watchdog::Disarm() { return armed_since_.exchange(0) == -1; }

void Watchdog::Watch() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_.wait_for(lock, kPeriod, [this] { return stopping_; })) {
    int64_t since = armed_since_.load();
    if (since <= 0 || SteadyNanos() - since < bound_.count()) continue;
    // Claim the call; if it returned meanwhile, Disarm won and nothing is
    // shut down.
    if (!armed_since_.compare_exchange_strong(since, -1)) continue;
    syscalls_.Shutdown(fd_.load(), SHUT_RDWR);
  }
}

}  // namespace synack::interpreter
