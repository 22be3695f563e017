// System call events: preparing, running (blocking ones on their own
// thread while the script goes on), and checking what they returned.
#include <sys/socket.h>

#include <algorithm>

#include "grammar/checker.h"
#include "interpreter/runner.h"

namespace synack::interpreter {

namespace {

// A call without `...` may take this long, or the event's tolerance if
// that is longer, before it counts as having blocked. Loaded machines
// preempt threads in the middle of system calls for a few milliseconds.
constexpr int64_t kSlowCallUsecs = 50000;

// How long, in real time, to let a blocking call's thread report that it
// returned once the clock has passed the call's end time: the call may
// have returned at the last moment.
constexpr std::chrono::milliseconds kReturnGrace{100};

std::string CallName(const grammar::SyscallEvent& call) {
  return call.name + "()";
}

}  // namespace

bool Runner::CheckCall(const grammar::Event& event, const PreparedCall& call,
                       const SyscallResult& result, int64_t tolerance) {
  const auto& syscall = std::get<grammar::SyscallEvent>(event.action);
  CallEnv env = Env(tolerance);
  std::string failure = CheckReturn(syscall, result, call.returns, env);
  if (failure.empty() && call.after) failure = call.after(result, env);
  if (failure.empty()) return true;
  if (config_.update) {
    Note(event, timeline_.base_us(),
         "returned " + std::to_string(result.ret) +
             (result.ret == -1 ? " " + ErrnoText(result.err) : ""));
  }
  return Fail(event.loc, failure, Kind::kSyscall);
}

bool Runner::RunSyscallEvent(const grammar::Event& event,
                             const grammar::SyscallEvent& call,
                             const ExpectedTime& expected,
                             int64_t tolerance) {
  const grammar::SyscallInfo* info = grammar::LookupSyscall(call.name);
  PrepareFn prepare = FindSyscall(call.name);
  if (info == nullptr || prepare == nullptr) {
    return Fail(event.loc, "unknown system call " + call.name, Kind::kOther);
  }
  const int count = static_cast<int>(call.args.size());
  if (count < info->min_args || count > info->max_args) {
    return Fail(event.loc,
                call.name + " takes " + std::to_string(info->min_args) +
                    (info->min_args == info->max_args
                         ? ""
                         : " to " + std::to_string(info->max_args)) +
                    " arguments, found " + std::to_string(count),
                Kind::kOther);
  }
  std::optional<int64_t> start = WaitForStart(
      event, expected, tolerance, "system call " + CallName(call),
      Kind::kSyscall);
  if (!start) return false;
  if (!AwaitCallsExpectedBy(*start)) return false;

  CallEnv env = Env(tolerance);
  Evaluator eval(config_.net, fds_);
  PreparedCall prepared;
  if (!prepare(call, eval, env, &prepared)) {
    return Fail(eval.error().loc, call.name + ": " + eval.error().message,
                Kind::kOther);
  }
  if (prepared.before) prepared.before(env);
  // packetdrill frees the buffers of send, sendto and sendmsg after the
  // call unless --send_omit_free (run_system_call.c's sendcall_free()).
  if (config_.send_omit_free &&
      (call.name == "send" || call.name == "sendto" ||
       call.name == "sendmsg")) {
    kept_sends_.push_back(prepared.execute);
  }

  if (call.end_usecs) {
    auto pending = std::make_unique<Pending>();
    pending->event = &event;
    pending->end.start_us = pending->end.end_us =
        timeline_.ResolveEnd(event.time, *call.end_usecs);
    pending->tolerance_us =
        ToleranceUsecs(config_.tolerance_usecs, config_.tolerance_percent,
                       pending->end.start_us, timeline_.base_us());
    pending->running = std::make_unique<RunningCall>(
        backend_.syscalls(), clock_, prepared.execute, call_cpu_.PinHere());
    pending->call = std::move(prepared);
    pending_.push_back(std::move(pending));
    timeline_.Advance(*start);
    return true;
  }

  // On this thread: see watchdog.h.
  const Instant started = clock_.Now();
  watchdog_.Arm(prepared.live_fd);
  const SyscallResult result = prepared.execute(backend_.syscalls());
  const bool ended_by_watchdog = watchdog_.Disarm();
  const Instant returned = clock_.Now();
  const int64_t took = ToMicros(returned - started);
  timeline_.Advance(ScriptTime(returned));
  if (ended_by_watchdog) {
    return Fail(event.loc,
                CallName(call) +
                    " blocked, but the script expects it to return at once "
                    "(a blocking call has an end time: `+0...0.100 " +
                    call.name + "(...)`); synack shut its socket down to "
                    "end it",
                Kind::kSyscall);
  }
  if (took > std::max(tolerance, kSlowCallUsecs)) {
    if (!Fail(event.loc,
              CallName(call) + " blocked for " + FormatSeconds(took) +
                  " sec, but the script expects it to return at once",
              Kind::kSyscall, true)) {
      return false;
    }
  }
  return CheckCall(event, prepared, result, tolerance);
}

bool Runner::CheckPending(Pending& pending) {
  const auto& call = std::get<grammar::SyscallEvent>(pending.event->action);
  const int64_t returned = ScriptTime(pending.running->returned_at());
  std::string timing = CheckTiming(CallName(call) + " to return", pending.end,
                                   pending.tolerance_us, returned);
  if (!timing.empty() &&
      !Fail(pending.event->loc, timing, Kind::kSyscall, true)) {
    return false;
  }
  return CheckCall(*pending.event, pending.call, pending.running->result(),
                   pending.tolerance_us);
}

bool Runner::CheckReturnedCalls() {
  // In the order the calls started, so the first failure is the earliest.
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (!(*it)->running->done()) {
      ++it;
      continue;
    }
    std::unique_ptr<Pending> pending = std::move(*it);
    it = pending_.erase(it);
    if (pending_.empty()) call_cpu_.Release();
    if (!CheckPending(*pending)) return false;
  }
  return true;
}

bool Runner::AwaitCallsDueBefore(int64_t usecs) {
  for (;;) {
    // The pending call due first, if it is due before `usecs`.
    Pending* due = nullptr;
    for (const auto& pending : pending_) {
      const int64_t deadline = pending->end.end_us + pending->tolerance_us;
      if (deadline < usecs &&
          (due == nullptr ||
           deadline < due->end.end_us + due->tolerance_us)) {
        due = pending.get();
      }
    }
    if (due == nullptr) return true;
    const int64_t deadline = due->end.end_us + due->tolerance_us;
    clock_.WaitUntil(AtScriptTime(deadline));
    if (!due->running->WaitFor(kReturnGrace)) {
      const auto& call = std::get<grammar::SyscallEvent>(due->event->action);
      return Fail(due->event->loc,
                  "timing error: expected " + CallName(call) +
                      " to return at " + FormatSeconds(due->end.start_us) +
                      " sec (+/- " + FormatSeconds(due->tolerance_us) +
                      "), but it was still blocked at " +
                      FormatSeconds(ScriptTime(clock_.Now())) + " sec",
                  Kind::kSyscall, true);
    }
    if (!CheckReturnedCalls()) return false;
  }
}

bool Runner::AwaitCallsExpectedBy(int64_t usecs) {
  // packetdrill makes its calls one after another on one thread, so a call
  // waits for a blocking one before it. Here they run side by side, but a
  // call still goes after one that was to return by its time: in
  // `+0...0.010 poll(fd 4)`, `+.01 < S.`, `+0 read(4)`, `+0 close(4)`, the
  // poll woken by the SYN-ACK returns before the read, not after the close
  // (where it would find fd 4 closed: POLLNVAL).
  for (const auto& pending : pending_) {
    if (pending->end.start_us > usecs || pending->running->done()) continue;
    const Instant deadline =
        AtScriptTime(pending->end.end_us + pending->tolerance_us);
    const Instant now = clock_.Now();
    if (deadline <= now) continue;
    // Real time: a virtual clock's call that has not returned will not
    // while this thread waits, so not for long.
    pending->running->WaitFor(
        std::min<std::chrono::nanoseconds>(deadline - now, kReturnGrace));
  }
  return CheckReturnedCalls();
}

void Runner::AbandonStuckCalls() {
  for (auto& pending : pending_) {
    if (pending->running->done()) continue;
    // Shutting the socket down wakes accept(), connect(), read() and
    // write() blocked on it.
    if (pending->call.live_fd >= 0) {
      backend_.syscalls().Shutdown(pending->call.live_fd, SHUT_RDWR);
    }
    if (!pending->running->WaitFor(std::chrono::seconds(1))) {
      const auto& call =
          std::get<grammar::SyscallEvent>(pending->event->action);
      report_.warnings.push_back(
          "line " + std::to_string(pending->event->loc.line) + ": " +
          CallName(call) + " never returned; its thread was abandoned");
      pending->running->Abandon();
    }
  }
  pending_.clear();
  call_cpu_.Release();
}

}  // namespace synack::interpreter
