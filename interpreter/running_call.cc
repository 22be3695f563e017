// A system call on its own thread.
#include "interpreter/running_call.h"

namespace synack::interpreter {

RunningCall::RunningCall(Syscalls& syscalls, Clock& clock,
                         std::function<SyscallResult(Syscalls&)> execute)
    : state_(std::make_shared<State>()) {
  thread_ = std::thread([state = state_, &syscalls, &clock,
                         execute = std::move(execute)] {
    SyscallResult result = execute(syscalls);
    Instant now = clock.Now();
    std::lock_guard<std::mutex> lock(state->mutex);
    state->result = result;
    state->returned_at = now;
    state->done = true;
    state->returned.notify_all();
  });
}

RunningCall::~RunningCall() {
  if (thread_.joinable()) thread_.join();
}

bool RunningCall::WaitFor(std::chrono::nanoseconds timeout) {
  std::unique_lock<std::mutex> lock(state_->mutex);
  return state_->returned.wait_for(lock, timeout,
                                   [this] { return state_->done; });
}

bool RunningCall::done() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->done;
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
