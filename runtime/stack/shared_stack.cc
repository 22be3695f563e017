// SharedStack: the virtual clock, pending calls and their retries.
#include "runtime/stack/shared_stack.h"

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace synack::stack {

namespace {

// How far the driver's own blocked call runs the clock before waiting for
// the watchdog: the watchdog's real-time bound, in virtual time.
constexpr Duration kDriverBlockLimit = std::chrono::seconds(1);

// How long, in real time, to wait for a thread to make its call or read
// its return time before going on without it (a thread that is not a call,
// or one that died).
constexpr auto kSettleLimit = std::chrono::seconds(2);
constexpr auto kSettlePoll = std::chrono::microseconds(50);

// Iterations at one instant before the clock loop gives up: a timer that
// stays due after firing would otherwise spin forever.
constexpr int kMaxStalls = 10000;

}  // namespace

struct SharedStack::Pending {
  const Attempt* attempt = nullptr;
  std::optional<Instant> deadline;
  pid_t tid = 0;
  bool done = false;
  Result result;
};

SharedStack::SharedStack(const StackConfig& config)
    : stack_(config), driver_(CurrentTid()) {}

SharedStack::~SharedStack() {
  std::unique_lock<std::mutex> lock(mutex_);
  closing_ = true;
  for (Pending* pending : pending_) {
    if (!pending->done) Complete(pending, {-1, EBADF});
  }
  changed_.wait_for(lock, std::chrono::seconds(1), [this] {
    return pending_.empty() && returning_.empty();
  });
}

Instant SharedStack::Now() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!returning_.empty()) {
    const pid_t tid = CurrentTid();
    if (returning_.erase(tid) != 0) {
      exiting_.insert(tid);
      changed_.notify_all();
    }
  }
  return now_;
}

void SharedStack::TakeDriver() {
  driver_ = CurrentTid();
  threads_counted_ = false;
  if (!watch_.has_baseline()) watch_.Baseline();
}

bool SharedStack::IsCallThread(pid_t tid) const {
  return tid != driver_ && watch_.has_baseline() && !watch_.InBaseline(tid);
}

void SharedStack::Settle(std::unique_lock<std::mutex>& lock) {
  // Settled before and as many threads as then: no call has started since.
  // A new call's thread would add one, and within a run the threads that
  // end are those of calls that returned (returning_, exiting_). Only the
  // driver starts calls, between its entries here, so one count per entry
  // does. Listing /proc/self/task before and after every event cost more
  // than the stack's own work with thousands of connections.
  if (settled_threads_ && returning_.empty() && exiting_.empty()) {
    if (threads_counted_) return;
    if (watch_.Count() == settled_threads_) {
      threads_counted_ = true;
      return;
    }
  }
  settled_threads_.reset();
  const auto give_up = std::chrono::steady_clock::now() + kSettleLimit;
  for (;;) {
    const std::set<pid_t> live = watch_.Live();
    const std::set<pid_t> unseen = watch_.Unseen(live);
    std::erase_if(exiting_, [&live](pid_t tid) { return live.count(tid) == 0; });
    if (unseen.empty() && returning_.empty() && exiting_.empty()) {
      settled_threads_ = live.size();
      threads_counted_ = true;
      return;
    }
    if (std::chrono::steady_clock::now() > give_up) {
      for (pid_t tid : unseen) watch_.Ignore(tid);
      returning_.clear();
      exiting_.clear();
      return;
    }
    changed_.wait_for(lock, kSettlePoll);
  }
}

std::optional<Instant> SharedStack::NextEvent() const {
  std::optional<Instant> next = stack_.NextDeadline();
  for (const Pending* pending : pending_) {
    if (pending->done || !pending->deadline) continue;
    if (!next || *pending->deadline < *next) next = pending->deadline;
  }
  return next;
}

void SharedStack::Complete(Pending* pending, const Result& result) {
  pending->done = true;
  pending->result = result;
  if (IsCallThread(pending->tid)) returning_.insert(pending->tid);
  completed_.notify_all();
}

void SharedStack::RetryPending() {
  // A completed call may unblock one that began before it (a read that
  // frees buffer space), so go round until nothing changes.
  bool progress = true;
  while (progress) {
    progress = false;
    for (Pending* pending : pending_) {
      if (pending->done) continue;
      std::optional<Result> result = (*pending->attempt)(stack_, now_);
      if (!result && pending->deadline && now_ >= *pending->deadline) {
        result = Result{0, 0};
      }
      if (result) {
        Complete(pending, *result);
        progress = true;
      }
    }
  }
}

void SharedStack::Advance(Instant t) {
  now_ = std::max(now_, t);
  stack_.Poll(now_);
  RetryPending();
}

void SharedStack::RunUntil(std::unique_lock<std::mutex>& lock, Instant t) {
  int stalls = 0;
  for (;;) {
    Settle(lock);
    const std::optional<Instant> next = NextEvent();
    if (!next || *next > t) break;
    const Instant before = now_;
    Advance(*next);
    stalls = now_ == before ? stalls + 1 : 0;
    if (stalls > kMaxStalls) break;
  }
  if (t > now_) Advance(t);
}

void SharedStack::DriveBlocked(std::unique_lock<std::mutex>& lock,
                               const Pending& pending) {
  const Instant limit = now_ + kDriverBlockLimit;
  int stalls = 0;
  while (!pending.done) {
    Settle(lock);
    if (pending.done) break;
    const std::optional<Instant> next = NextEvent();
    if (!next || *next > limit) break;
    const Instant before = now_;
    Advance(*next);
    stalls = now_ == before ? stalls + 1 : 0;
    if (stalls > kMaxStalls) break;
  }
}

void SharedStack::WaitUntil(Instant deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  TakeDriver();
  RunUntil(lock, deadline);
  Settle(lock);
}

std::optional<SentPacket> SharedStack::NextOutbound(Instant deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  TakeDriver();
  int stalls = 0;
  for (;;) {
    Settle(lock);
    // A packet already sent is returned even when the deadline has passed:
    // its time tells the interpreter how late it is.
    if (std::optional<SentPacket> packet = stack_.TakeOutput()) {
      Settle(lock);
      return packet;
    }
    const std::optional<Instant> next = NextEvent();
    const Instant before = now_;
    if (next && *next <= deadline) {
      Advance(*next);
    } else if (now_ < deadline) {
      Advance(deadline);
    } else {
      Settle(lock);
      return std::nullopt;
    }
    stalls = now_ == before ? stalls + 1 : 0;
    if (stalls > kMaxStalls) return stack_.TakeOutput();
  }
}

std::string SharedStack::Inject(std::span<const uint8_t> packet,
                                uint32_t gso_size) {
  std::unique_lock<std::mutex> lock(mutex_);
  TakeDriver();
  Settle(lock);
  std::string error = stack_.Input(packet, now_, gso_size);
  RetryPending();
  Settle(lock);
  return error;
}

SharedStack::Result SharedStack::Call(const Attempt& attempt,
                                      std::optional<Duration> timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  const pid_t tid = CurrentTid();
  const bool driver = tid == driver_;
  if (driver) {
    if (!watch_.has_baseline()) watch_.Baseline();
    threads_counted_ = false;
    // Calls started before this one go first.
    Settle(lock);
  } else {
    watch_.Seen(tid);
    changed_.notify_all();
  }
  if (closing_) return {-1, EBADF};

  if (std::optional<Result> result = attempt(stack_, now_)) {
    RetryPending();
    if (IsCallThread(tid)) returning_.insert(tid);
    if (driver) Settle(lock);
    return *result;
  }
  Pending pending;
  pending.attempt = &attempt;
  if (timeout) pending.deadline = now_ + *timeout;
  pending.tid = tid;
  pending_.push_back(&pending);
  RetryPending();
  if (driver && !pending.done) DriveBlocked(lock, pending);
  completed_.wait(lock, [&pending] { return pending.done; });
  pending_.erase(std::find(pending_.begin(), pending_.end(), &pending));
  changed_.notify_all();
  if (driver) Settle(lock);
  return pending.result;
}

}  // namespace synack::stack
