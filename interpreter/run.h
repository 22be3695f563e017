// Running a checked script against a backend, and the verdict.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "grammar/ast.h"
#include "interpreter/backend.h"
#include "interpreter/config.h"

namespace synack::interpreter {

struct Failure {
  grammar::Location loc;  // line 0: not tied to a line (e.g. the pcap file)
  std::string message;    // may span lines: expected vs actual
  // The event was right but early or late (or never came by its time's
  // end): what a busy machine, rather than the stack, can cause. Not a
  // %{ }% assertion's failure: though TCP_INFO is read at a time, a wrong
  // value is mostly the stack's, every time (measured on packetdrill's
  // corpus: counting them doubled its wall time, 20.7 to 49.5 s, for one
  // script that passed when run again).
  bool timing = false;
};

struct RunReport {
  bool passed = false;
  std::vector<Failure> failures;
  std::vector<std::string> warnings;

  // Failed, and only on timing.
  bool FailedOnTimingOnly() const {
    if (passed || failures.empty()) return false;
    for (const Failure& failure : failures) {
      if (!failure.timing) return false;
    }
    return true;
  }
};

// Runs `script` (parsed and checked: defines resolved, option lines already
// folded into `config` by ResolveConfig) against `backend`.
//
// The init command runs first; time 0 is when it finishes. Events then run
// at their times: inbound packets are injected, outbound packets awaited and
// matched, system calls made (blocking ones, with `...end`, on their own
// thread while later events go on), commands run, and `%{ }%` blocks get a
// snapshot of TCP_INFO and the counters. The first failure stops the
// events, as in packetdrill; the `%{ }%` blocks run after the last event;
// the cleanup command always runs. Commands run with `script_dir` as their
// working directory (the backend's RunCommand decides how) and
// PACKETDRILL_PID set to this process's id.
//
// `trace`, when given, hears one line per event as it completes:
// "line 12: 0.100211 > S. 0:0(0) ack 1 <...>" (the actual script time).
// It is for --verbose output; it runs on the interpreter's thread, so it
// must be quick.
//
// With RunConfig::update the trace also hears, before each event's line,
// what actually happened there, the time being the event's:
//   "line 12: 0.100211 matched"     an outbound line's packet came, as written
//   "line 12: 0.140211 retimed > ." it came as written but out of its time
//   "line 12: 0.100211 actual > S. 0:0(0) ack 1 win 65535 <mss 1460>"
//                                    a packet with the line's flags came,
//                                    other fields not as written
//   "line 12: 0.050000 extra > ."   a packet of the line's flow came, with
//                                    other flags, while the line waited
//   "line 12: 0.108000 missing"     the line's packet never came
//   "line 12: 0.000000 returned -1 EAGAIN (Resource temporarily unavailable)"
//                                    a call's result was not as written
//   "line 12: 0.100211 base"        after each event: where relative times
//                                    that follow count from
using TraceFn = std::function<void(const std::string& line)>;
RunReport Run(const grammar::Script& script, Backend& backend,
              const RunConfig& config, const std::string& script_dir,
              const TraceFn& trace = nullptr);

// `file:line: error: message` per failure (continuation lines indented),
// then `file: warning: message` per warning.
std::string RenderReport(const RunReport& report, const std::string& filename);

}  // namespace synack::interpreter
