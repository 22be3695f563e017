// A system call on its own thread.
#include "interpreter/running_call.h"

#include "interpreter/call_cpu.h"

namespace synack::interpreter {

namespace {

// How long the constructor waits for the call's thread to run at most: on
// a machine that cannot run it for this long, timing fails anyway.
constexpr std::chrono::seconds kStartLimit{1};

}  // namespace

RunningCall::RunningCall(Syscalls& syscalls, Clock& clock,
                         std::function<SyscallResult(Syscalls&)> execute,
                         int cpu)
    : state_(std::make_shared<State>()) {
  thread_ = std::thread([state = state_, &syscalls, &clock,
                         execute = std::move(execute), cpu] {
    PinThreadTo(cpu);
    {
      std::lock_guard<std::mutex> lock(state->mutex);
      state->started = true;
    }
    state->changed.notify_all();
    SyscallResult result = execute(syscalls);
    Instant now = clock.Now();
    std::lock_guard<std::mutex> lock(state->mutex);
    state->result = result;
    state->returned_at = now;
    state->done = true;
    state->changed.notify_all();
  });
  // The script goes on once the call is made, as packetdrill waits for its
  // system call thread to block: a thread that a busy machine has not run
  // yet would make its call after the script's next ones (a poll() on a
  // descriptor the script has closed meanwhile). On a real-time thread
  // nothing of equal priority preempts it between here and the call.
  std::unique_lock<std::mutex> lock(state_->mutex);
  state_->changed.wait_for(lock, kStartLimit,
                           [this] { return state_->started; });
}

RunningCall::~RunningCall() {
  if (thread_.joinable()) thread_.join();
}

bool RunningCall::WaitFor(std::chrono::nanoseconds timeout) {
  std::unique_lock<std::mutex> lock(state_->mutex);
  return state_->changed.wait_for(lock, timeout,
                                  [this] { return state_->done; });
}

bool RunningCall::done() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->done;
}

bool RunningCall::started() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->started;
}

SyscallResult RunningCall::result() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->result;
}

Instant RunningCall::returned_at() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->returned_at;
}

void RunningCall::Abandon() {
  if (thread_.joinable()) thread_.detach();
}

}  // namespace synack::interpreter
