// The state of one script run: the interpreter's side of Run(). Its methods
// live in run.cc (the event loop, commands, code blocks), run_syscalls.cc
// (system calls, blocking calls) and run_packets.cc (packets).
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grammar/ast.h"
#include "interpreter/backend.h"
#include "interpreter/call_cpu.h"
#include "interpreter/config.h"
#include "interpreter/fd_table.h"
#include "interpreter/flows.h"
#include "interpreter/python_blocks.h"
#include "interpreter/run.h"
#include "interpreter/running_call.h"
#include "interpreter/syscall.h"
#include "interpreter/timeline.h"
#include "interpreter/watchdog.h"
#include "runtime/wire/pcap_writer.h"

namespace synack::interpreter {

class Runner {
 public:
  Runner(const grammar::Script& script, Backend& backend,
         const RunConfig& config, const std::string& script_dir,
         TraceFn trace);
  ~Runner();

  RunReport Run();

 private:
  // A blocking call on its way: checked when it returns or when its end
  // time has passed.
  struct Pending {
    const grammar::Event* event = nullptr;
    PreparedCall call;
    std::unique_ptr<RunningCall> running;
    ExpectedTime end;      // when the script expects it to return
    int64_t tolerance_us = 0;
  };

  enum class Kind { kPacket, kSyscall, kOther };

  // run.cc
  bool RunEvent(const grammar::Event& event);
  bool RunCommandEvent(const grammar::Event& event,
                       const grammar::CommandEvent& command,
                       const ExpectedTime& expected, int64_t tolerance);
  bool RunCodeEvent(const grammar::Event& event,
                    const grammar::CodeEvent& code,
                    const ExpectedTime& expected, int64_t tolerance);
  bool RunCommandLine(grammar::Location loc, const std::string& what,
                      const std::string& command, bool fatal);
  // Waits until `expected`'s start (not for `*`), then checks the
  // interpreter was not late. Returns the actual script time.
  std::optional<int64_t> WaitForStart(const grammar::Event& event,
                                      const ExpectedTime& expected,
                                      int64_t tolerance,
                                      const std::string& what, Kind kind);
  // Records a failure; false when it stops the run (non_fatal turns packet
  // or syscall failures into warnings). `timing`: see Failure::timing.
  bool Fail(grammar::Location loc, std::string message, Kind kind,
            bool timing = false);
  int64_t ScriptTime(Instant instant) const;
  // For --update: what happened at `event` (see Run() in run.h).
  void Note(const grammar::Event& event, int64_t usecs, const std::string& what);
  Instant AtScriptTime(int64_t usecs) const;
  CallEnv Env(int64_t tolerance_us);

  // run_syscalls.cc
  bool RunSyscallEvent(const grammar::Event& event,
                       const grammar::SyscallEvent& call,
                       const ExpectedTime& expected, int64_t tolerance);
  bool CheckCall(const grammar::Event& event, const PreparedCall& call,
                 const SyscallResult& result, int64_t tolerance);
  // Checks the blocking calls that have returned.
  bool CheckReturnedCalls();
  // Makes sure every blocking call due to return before `usecs` did.
  bool AwaitCallsDueBefore(int64_t usecs);
  // Before a call made at `usecs`: lets each blocking call expected to
  // return by then do so first, up to the end of its tolerance.
  bool AwaitCallsExpectedBy(int64_t usecs);
  bool CheckPending(Pending& pending);
  // Ends blocking calls still stuck when the run is over.
  void AbandonStuckCalls();

  // run_packets.cc
  bool RunPacketEvent(const grammar::Event& event,
                      const grammar::PacketEvent& packet,
                      const ExpectedTime& expected, int64_t tolerance);
  bool InjectPacket(const grammar::Event& event,
                    const grammar::PacketEvent& packet,
                    const ExpectedTime& expected, int64_t tolerance);
  // For --update: `live` has the line's flags but not its other fields;
  // the flow learns from it (ISN, TS val) as if the line had said so.
  void TakeAsActual(const grammar::Event& event, const wire::Packet& live,
                    int64_t actual);
  bool AwaitPacket(const grammar::Event& event,
                   const grammar::PacketEvent& packet,
                   const ExpectedTime& expected, int64_t tolerance);
  void Capture(Instant time, std::span<const uint8_t> bytes);
  // A live outbound packet of a connection the script let go of.
  bool Forgotten(const wire::Packet& live) const;
  // Reads the next packet the stack sent by `deadline` (captured, parsed,
  // the script's traffic only) onto the end of unread_; false when none
  // came by then.
  bool ReadOutbound(Instant deadline);
  // Unless --strict_segments: unread_[first] and the segments of its flow
  // that follow it, taken out of unread_ and joined until they make up the
  // payload `packet` expects (see segments.h). `time` becomes the last
  // part's time; `note` says how many were joined, for messages.
  wire::Packet JoinFollowingSegments(const grammar::PacketEvent& packet,
                                     size_t first, Instant deadline,
                                     Instant* time, std::string* note);
  // The rule for packets no line matched (README, `synack help run`): at
  // each inbound packet, system call, command or block, and at the end,
  // a packet the stack sent on a flow other than the default one (and not
  // named by --ignore_flows) fails the run once it is older than the
  // tolerance: no later line can match it in time. `end`: the script is
  // over, every such packet sent by now fails it.
  bool CheckUnmatched(const grammar::Event* event, bool end);

  const grammar::Script& script_;
  Backend& backend_;
  const RunConfig& config_;
  std::string script_dir_;
  TraceFn trace_;
  Clock& clock_;

  Instant zero_;  // script time 0 on the backend's clock
  // CLOCK_REALTIME minus the backend clock at time 0: pcap times and
  // SCM_TIMESTAMPING values are wall-clock times.
  std::chrono::nanoseconds wall_offset_{0};

  Timeline timeline_;
  FdTable fds_;
  Flows flows_;
  std::vector<std::unique_ptr<Pending>> pending_;
  // --send_omit_free: a copy of each send call's closure, which owns the
  // call's buffers, kept until the run ends (RunConfig::send_omit_free).
  std::vector<std::function<SyscallResult(Syscalls&)>> kept_sends_;
  // While calls are pending, the script's thread and theirs share a
  // processor (call_cpu.h).
  CallCpu call_cpu_;
  Watchdog watchdog_;
  std::vector<CodeSnapshot> snapshots_;
  std::unique_ptr<wire::PcapWriter> pcap_;
  RunReport report_;

  // Packets the stack sent that no line has taken yet, oldest first: those
  // of other flows than the line being matched wait here for their own
  // lines (CheckUnmatched).
  struct Unread {
    wire::Packet packet;
    Instant time;
  };
  std::deque<Unread> unread_;
};

}  // namespace synack::interpreter
