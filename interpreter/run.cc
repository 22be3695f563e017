// Run(): the event loop over a script's timeline, commands, `%{ }%` blocks,
// and the order of init, events, blocks and cleanup.
#include <unistd.h>

#include "grammar/printer.h"
#include "interpreter/run.h"
#include "interpreter/runner.h"

namespace synack::interpreter {

namespace {

// How long, in real time, a call without `...` may block before the
// watchdog ends it. A call that really blocks waits for something the
// script has not sent yet, so it would never return on its own.
constexpr std::chrono::seconds kNonBlockingBound{1};

// `cd` into the script's directory first: the backend's RunCommand takes no
// directory, and packetdrill runs commands where the script is (its runner
// starts it there), so `../common/defaults.sh` resolves.
std::string InDirectory(const std::string& dir, const std::string& command) {
  if (dir.empty()) return command;
  std::string quoted = "'";
  for (char c : dir) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  quoted += "'";
  return "cd -- " + quoted + " || exit 127\n" + command;
}

// An event's action in one line, for the trace.
std::string EventText(const grammar::Event& event) {
  if (const auto* packet = std::get_if<grammar::PacketEvent>(&event.action)) {
    return grammar::PrintPacket(*packet);
  }
  if (const auto* call = std::get_if<grammar::SyscallEvent>(&event.action)) {
    std::string text = call->name + "(";
    for (size_t i = 0; i < call->args.size(); ++i) {
      text += (i > 0 ? ", " : "") + grammar::PrintExpr(*call->args[i]);
    }
    return text + ")" + (call->end_usecs ? " (started)" : "");
  }
  if (const auto* command =
          std::get_if<grammar::CommandEvent>(&event.action)) {
    return "`" + command->command + "`";
  }
  return "%{ }%";
}

}  // namespace

Runner::Runner(const grammar::Script& script, Backend& backend,
               const RunConfig& config, const std::string& script_dir,
               TraceFn trace)
    : script_(script),
      backend_(backend),
      config_(config),
      script_dir_(script_dir),
      trace_(std::move(trace)),
      clock_(backend.clock()),
      flows_(config.net),
      watchdog_(backend.syscalls(), kNonBlockingBound) {
  flows_.SetTimestampCheck(config.tcp_ts_tick_usecs, config.tolerance_usecs);
  flows_.SetIgnoredFlows(config.ignore_flows);
}

Runner::~Runner() { AbandonStuckCalls(); }

void Runner::Note(const grammar::Event& event, int64_t usecs,
                  const std::string& what) {
  if (trace_) {
    trace_("line " + std::to_string(event.loc.line) + ": " +
           FormatSeconds(usecs) + " " + what);
  }
}

int64_t Runner::ScriptTime(Instant instant) const {
  return ToMicros(instant - zero_);
}

Instant Runner::AtScriptTime(int64_t usecs) const {
  return zero_ + Micros(usecs);
}

CallEnv Runner::Env(int64_t tolerance_us) {
  CallEnv env{config_, fds_, flows_, backend_.syscalls()};
  env.wall_time_zero = zero_.since_epoch + wall_offset_;
  env.tolerance_us = tolerance_us;
  env.script_dir = script_dir_;
  return env;
}

bool Runner::Fail(grammar::Location loc, std::string message, Kind kind,
                  bool timing) {
  const bool non_fatal = (kind == Kind::kPacket && config_.non_fatal_packet) ||
                         (kind == Kind::kSyscall && config_.non_fatal_syscall);
  if (non_fatal) {
    report_.warnings.push_back("line " + std::to_string(loc.line) + ": " +
                               message);
    return true;
  }
  report_.failures.push_back({loc, std::move(message), timing});
  return false;
}

bool Runner::RunCommandLine(grammar::Location loc, const std::string& what,
                            const std::string& command, bool fatal) {
  std::map<std::string, std::string> env = {
      // set_sysctls.py names its restore file after it; scripts run
      // /tmp/sysctl_restore_${PPID}.sh, and the shell's parent is us.
      {"PACKETDRILL_PID", std::to_string(getpid())},
  };
  if (!config_.nstat_history.empty()) {
    env["NSTAT_HISTORY"] = config_.nstat_history;
  }
  CommandResult result =
      backend_.RunCommand(InDirectory(script_dir_, command), env);
  if (result.exit_status == 0) return true;
  std::string message = what + " failed with exit status " +
                        std::to_string(result.exit_status) + ": `" + command +
                        "`";
  if (!result.output.empty()) message += "\n" + result.output;
  while (!message.empty() && message.back() == '\n') message.pop_back();
  if (!fatal) {
    report_.warnings.push_back(message);
    return true;
  }
  return Fail(loc, message, Kind::kOther);
}

std::optional<int64_t> Runner::WaitForStart(const grammar::Event& event,
                                            const ExpectedTime& expected,
                                            int64_t tolerance,
                                            const std::string& what,
                                            Kind kind) {
  if (!expected.any) clock_.WaitUntil(AtScriptTime(expected.start_us));
  const int64_t actual = ScriptTime(clock_.Now());
  // Inbound packets, calls and commands happen when synack makes them
  // happen: lateness here means synack itself was late (an overloaded
  // machine), which would skew everything after it.
  ExpectedTime window = expected;
  window.end_us = window.start_us;
  std::string timing = CheckTiming(what, window, tolerance, actual);
  if (!timing.empty() && actual > expected.start_us) {
    if (!Fail(event.loc, timing, kind, true)) return std::nullopt;
  }
  if (!CheckUnmatched(&event, false)) return std::nullopt;
  return actual;
}

bool Runner::RunCommandEvent(const grammar::Event& event,
                             const grammar::CommandEvent& command,
                             const ExpectedTime& expected,
                             int64_t tolerance) {
  std::optional<int64_t> actual =
      WaitForStart(event, expected, tolerance, "command", Kind::kOther);
  if (!actual) return false;
  const bool ok = RunCommandLine(event.loc, "command", command.command, true);
  // Commands take what they take (a python3 start-up is tens of
  // milliseconds); the script's next `+0` means "right after it".
  timeline_.Advance(ScriptTime(clock_.Now()));
  return ok;
}

bool Runner::RunCodeEvent(const grammar::Event& event,
                          const grammar::CodeEvent& code,
                          const ExpectedTime& expected, int64_t tolerance) {
  std::optional<int64_t> actual =
      WaitForStart(event, expected, tolerance, "%{ }% block", Kind::kOther);
  if (!actual) return false;
  timeline_.Advance(*actual);
  CodeSnapshot snapshot;
  snapshot.loc = event.loc;
  snapshot.code = code.code;
  if (std::optional<int> fd = fds_.CurrentSocket()) {
    snapshot.values = SnapshotSocketValues(backend_.syscalls(), *fd);
  }
  for (const auto& [name, value] : backend_.Counters()) {
    snapshot.values.emplace_back(name, value);
  }
  snapshots_.push_back(std::move(snapshot));
  return true;
}

bool Runner::RunEvent(const grammar::Event& event) {
  if (!CheckReturnedCalls()) return false;
  const ExpectedTime expected = timeline_.Resolve(event.time);
  const int64_t tolerance = timeline_.Tolerance(
      expected, config_.tolerance_usecs, config_.tolerance_percent);
  if (!expected.any && !AwaitCallsDueBefore(expected.start_us)) return false;
  if (const auto* packet = std::get_if<grammar::PacketEvent>(&event.action)) {
    return RunPacketEvent(event, *packet, expected, tolerance);
  }
  if (const auto* call = std::get_if<grammar::SyscallEvent>(&event.action)) {
    return RunSyscallEvent(event, *call, expected, tolerance);
  }
  if (const auto* command =
          std::get_if<grammar::CommandEvent>(&event.action)) {
    return RunCommandEvent(event, *command, expected, tolerance);
  }
  const auto& code = std::get<grammar::CodeEvent>(event.action);
  return RunCodeEvent(event, code, expected, tolerance);
}

RunReport Runner::Run() {
  if (!config_.pcap_path.empty()) {
    std::string error;
    pcap_ = wire::PcapWriter::Open(config_.pcap_path, &error);
    if (!pcap_) {
      report_.failures.push_back(
          {{}, "cannot write --pcap=" + config_.pcap_path + ": " + error});
      return report_;
    }
  }
  bool ok = true;
  if (script_.init_command) {
    ok = RunCommandLine(script_.init_loc, "init command",
                        script_.init_command->command, true);
  }
  // Time 0: the init command's end, or a little later where the clock
  // wants it (the kernel's: at a fixed phase of its timer tick).
  zero_ = clock_.ScriptStart(clock_.Now(), config_.tick_phase);
  clock_.WaitUntil(zero_);
  wall_offset_ = clock_.RealtimeOffset();

  for (size_t i = 0; ok && i < script_.events.size(); ++i) {
    const grammar::Event& event = script_.events[i];
    ok = RunEvent(event);
    if (config_.update) Note(event, timeline_.base_us(), "base");
    if (trace_) {
      trace_("line " + std::to_string(event.loc.line) + ": " +
             FormatSeconds(ScriptTime(clock_.Now())) + " " +
             EventText(event));
    }
  }
  // Blocking calls still on their way must return by their end time.
  if (ok) ok = AwaitCallsDueBefore(INT64_MAX) && CheckReturnedCalls();
  if (ok) ok = CheckUnmatched(nullptr, true);
  if (ok && !snapshots_.empty()) {
    CodeVerdict verdict =
        RunCodeBlocks(snapshots_, "python3", config_.block_server_fd,
                      config_.temp_dir);
    if (!verdict.ok) Fail(verdict.loc, verdict.message, Kind::kOther);
  }
  AbandonStuckCalls();
  if (pcap_) pcap_->Flush();
  if (script_.cleanup_command) {
    // A failing cleanup fails a run that passed; after a failure it is
    // only worth a warning.
    RunCommandLine(script_.cleanup_loc, "cleanup command",
                   script_.cleanup_command->command,
                   report_.failures.empty());
  }
  report_.passed = report_.failures.empty();
  return report_;
}

RunReport Run(const grammar::Script& script, Backend& backend,
              const RunConfig& config, const std::string& script_dir,
              const TraceFn& trace) {
  Runner runner(script, backend, config, script_dir, trace);
  return runner.Run();
}

}  // namespace synack::interpreter
