// The checking pass: walks the script in order, checks option lines and
// event times here, and hands each event to its own checks (packets in
// check_packet.cc, system calls in check_syscall.cc).
#include "grammar/checker.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "grammar/check_internal.h"

namespace synack::grammar {

namespace {

// Seconds as a script writes them: 1, 0.5, 0.012.
std::string Seconds(int64_t usecs) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%" PRId64 ".%06" PRId64,
                usecs / 1000000, usecs % 1000000);
  std::string text = buffer;
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text;
}

bool IsOutboundPacket(const Event& event) {
  const auto* packet = std::get_if<PacketEvent>(&event.action);
  return packet != nullptr && packet->direction == Direction::kOutbound;
}

bool IsInboundPacket(const Event& event) {
  const auto* packet = std::get_if<PacketEvent>(&event.action);
  return packet != nullptr && packet->direction == Direction::kInbound;
}

// Event times, in order. `now` is the earliest time the previous event can
// have happened: relative times count from it, absolute times must not go
// below it.
class TimeChecker {
 public:
  explicit TimeChecker(Reporter& reporter) : reporter_(reporter) {}

  void Check(const Event& event) {
    const EventTime& time = event.time;
    const Location at = event.loc;
    switch (time.kind) {
      case TimeKind::kAny:
        // `*` means "whenever it shows up": only a packet the stack sends
        // can be awaited that way; anything synack does needs a time.
        if (IsInboundPacket(event)) {
          reporter_.Error(at, "an inbound packet needs a time, not '*'",
                          "synack injects it, so it must know when");
        } else if (!IsOutboundPacket(event)) {
          reporter_.Error(at, "'*' can only time an outbound packet");
        }
        return;
      case TimeKind::kRange:
      case TimeKind::kRelativeRange: {
        if (IsInboundPacket(event)) {
          reporter_.Error(at, "an inbound packet cannot have a time range",
                          "synack injects it at one moment: give one time");
        } else if (!IsOutboundPacket(event)) {
          reporter_.Error(at, "a time range can only time an outbound packet");
        }
        const bool relative = time.kind == TimeKind::kRelativeRange;
        if (time.end_usecs < time.usecs) {
          std::string plus = relative ? "+" : "";
          reporter_.Error(at, "time range " + plus + Seconds(time.usecs) + "~" +
                                  plus + Seconds(time.end_usecs) +
                                  " ends before it starts");
        }
        Advance(time.usecs, relative, at);
        break;
      }
      case TimeKind::kAbsolute:
      case TimeKind::kRelative:
        Advance(time.usecs, time.kind == TimeKind::kRelative, at);
        break;
    }
    if (const auto* call = std::get_if<SyscallEvent>(&event.action)) {
      // The end of a blocking call counts from the same base as its start:
      // `+0.1...0.2` starts 0.1 s and ends 0.2 s after the previous event.
      if (call->end_usecs && *call->end_usecs < time.usecs) {
        std::string plus = time.kind == TimeKind::kRelative ? "+" : "";
        reporter_.Error(
            at, "blocking call ends (" + plus + Seconds(*call->end_usecs) +
                    ") before it starts (" + plus + Seconds(time.usecs) + ")");
      }
    }
  }

 private:
  void Advance(int64_t usecs, bool relative, Location at) {
    if (relative) {
      now_ += usecs;
      return;
    }
    if (usecs < now_) {
      reporter_.Error(at,
                      "time " + Seconds(usecs) +
                          " is before the previous event's time " +
                          Seconds(now_),
                      "absolute times must not go backwards; '+' makes a "
                      "time relative");
    }
    now_ = usecs;
  }

  Reporter& reporter_;
  int64_t now_ = 0;
};

}  // namespace

std::vector<Diagnostic> Check(Script& script, const CheckOptions& options) {
  std::vector<Diagnostic> diagnostics;
  Reporter reporter(&diagnostics);
  for (const OptionLine& option : script.options) {
    CheckOptionLine(option, reporter);
  }
  TimeChecker times(reporter);
  for (Event& event : script.events) {
    times.Check(event);
    if (auto* packet = std::get_if<PacketEvent>(&event.action)) {
      CheckPacket(*packet, event.loc, options, reporter);
    } else if (auto* call = std::get_if<SyscallEvent>(&event.action)) {
      CheckSyscall(*call, options.defines, reporter);
    }
  }
  // Source order, whatever order the checks ran in.
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return a.loc.line != b.loc.line
                                ? a.loc.line < b.loc.line
                                : a.loc.column < b.loc.column;
                   });
  return diagnostics;
}

}  // namespace synack::grammar
