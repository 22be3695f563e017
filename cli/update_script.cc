// The updater: merges what a run in update mode noted (run.h's Run()
// lists the notes) into the script's tree, event by event, and prints it.
#include "cli/update_script.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "grammar/parser.h"
#include "grammar/printer.h"

namespace synack::cli {

namespace {

// "0.100211" (or "-0.5") in microseconds.
int64_t Usecs(const std::string& seconds) {
  const bool negative = !seconds.empty() && seconds[0] == '-';
  const std::string text = negative ? seconds.substr(1) : seconds;
  const size_t dot = text.find('.');
  int64_t whole = std::atoll(text.substr(0, dot).c_str());
  int64_t fraction = 0;
  if (dot != std::string::npos) {
    std::string digits = text.substr(dot + 1, 6);
    digits.resize(6, '0');
    fraction = std::atoll(digits.c_str());
  }
  const int64_t usecs = whole * 1000000 + fraction;
  return negative ? -usecs : usecs;
}

// What the run noted at one line.
struct LineNotes {
  std::optional<int64_t> base;  // where the next relative time counts from
  std::string status;           // matched, retimed, actual, missing
  int64_t status_usecs = 0;
  std::string packet;  // retimed and actual: the packet as the stack sent it
  std::vector<std::pair<int64_t, std::string>> extras;  // time, packet
  std::optional<std::string> returned;  // "-1 EAGAIN (Resource ...)"
};

std::map<int, LineNotes> NotesByLine(const RunRecord& record) {
  std::map<int, LineNotes> notes;
  for (const RunRecord::Event& event : record.events) {
    const size_t space = event.text.find(' ');
    const std::string word = event.text.substr(0, space);
    const std::string rest =
        space == std::string::npos ? "" : event.text.substr(space + 1);
    LineNotes& line = notes[event.line];
    const int64_t usecs = Usecs(event.seconds);
    if (word == "base") {
      line.base = usecs;
    } else if (word == "matched" || word == "retimed" || word == "actual" ||
               word == "missing") {
      line.status = word;
      line.status_usecs = usecs;
      line.packet = rest;
    } else if (word == "extra") {
      line.extras.emplace_back(usecs, rest);
    } else if (word == "returned") {
      line.returned = rest;
    }
    // Anything else is the plain trace's line for the event.
  }
  return notes;
}

// A packet as the run described it ("> S. 0:0(0) ack 1 ..."), as a tree.
std::optional<grammar::PacketEvent> ParsePacket(const std::string& text) {
  grammar::ParseResult parsed = grammar::Parse("0 " + text + "\n");
  if (!parsed.ok() || parsed.script.events.size() != 1) return std::nullopt;
  auto* packet =
      std::get_if<grammar::PacketEvent>(&parsed.script.events[0].action);
  if (packet == nullptr) return std::nullopt;
  return std::move(*packet);
}

// The line's packet with what the stack sent, keeping what the line left
// open: an omitted `win`, `<...>`, an IP field or ports not written.
void Merge(grammar::PacketEvent& line, grammar::PacketEvent actual) {
  auto* stated = std::get_if<grammar::TcpPacket>(&line.packet);
  auto* sent = std::get_if<grammar::TcpPacket>(&actual.packet);
  if (stated == nullptr || sent == nullptr) return;
  if (stated->sketch) {
    // A sketch leaves nothing open: everything the stack sent is written.
    line.packet = std::move(*sent);
    if (!line.ip_info) line.ip_info = actual.ip_info;
    if (!line.ports) line.ports = actual.ports;
    return;
  }
  if (!stated->window) sent->window.reset();
  if (stated->any_options) {
    sent->options.reset();
    sent->any_options = true;
  }
  if (!line.ports) line.ports = actual.ports;
  line.packet = std::move(*sent);
}

// "-1 EAGAIN (Resource temporarily unavailable)" or "3" into the call's
// `= ...`, as packetdrill writes results.
void FillResult(grammar::SyscallEvent& call, const std::string& returned) {
  const size_t space = returned.find(' ');
  auto result = std::make_unique<grammar::Expr>();
  result->node = grammar::Integer{std::atoll(returned.substr(0, space).c_str())};
  if (call.result) result->loc = call.result->loc;
  call.result = std::move(result);
  call.errno_name.reset();
  call.note.reset();
  if (space == std::string::npos) return;
  const std::string rest = returned.substr(space + 1);
  const size_t paren = rest.find(" (");
  call.errno_name = rest.substr(0, paren);
  if (paren != std::string::npos && rest.back() == ')') {
    call.note = rest.substr(paren + 2, rest.size() - paren - 3);
  }
}

bool Rewritable(const grammar::EventTime& time) {
  return time.kind == grammar::TimeKind::kRelative ||
         time.kind == grammar::TimeKind::kAbsolute;
}

}  // namespace

int64_t RoundTime(int64_t usecs, int64_t slack_usecs) {
  for (int64_t step = 100000; step > 1; step /= 10) {
    const int64_t rounded = (usecs + step / 2) / step * step;
    if (std::abs(rounded - usecs) <= slack_usecs) return rounded;
  }
  return usecs;
}

UpdateOutcome UpdateScript(grammar::Script script, const RunRecord& record,
                           int64_t tolerance_usecs) {
  const std::map<int, LineNotes> notes = NotesByLine(record);
  const int64_t slack = tolerance_usecs / 4;
  // New lines are written relative, unless the script has no relative
  // time at all.
  const bool relative = std::any_of(
      script.events.begin(), script.events.end(), [](const grammar::Event& e) {
        return e.time.kind == grammar::TimeKind::kRelative ||
               e.time.kind == grammar::TimeKind::kRelativeRange;
      });
  UpdateOutcome outcome;
  std::vector<grammar::Event> events;
  // Where the previous line written counts from, and whether it is the
  // original predecessor of the next original event (whose time, then,
  // still counts from the same point and stays as written).
  int64_t written_base = 0;
  int64_t original_base = 0;
  bool predecessor_kept = true;
  bool reached = true;
  grammar::CommentLines carried;  // from removed lines, for the next one

  // Writes `event`, meant to happen at `start` on the run's timeline, with
  // its time rewritten unless `keep_time`; `base`: where the next relative
  // time counts from after it.
  auto write = [&](grammar::Event event, int64_t start, bool keep_time,
                   int64_t base) {
    if (!keep_time && Rewritable(event.time)) {
      if (event.time.kind == grammar::TimeKind::kRelative) {
        event.time.usecs = RoundTime(std::max<int64_t>(0, start - written_base), slack);
      } else {
        event.time.usecs = RoundTime(std::max<int64_t>(0, start), slack);
      }
    }
    if (!carried.empty()) {
      event.comments_before.insert(event.comments_before.begin(),
                                   carried.begin(), carried.end());
      carried.clear();
    }
    events.push_back(std::move(event));
    written_base = base;
  };

  // A packet no line foresaw goes where it came: before the events that
  // happened after it, back to the previous outbound line (packets stay
  // in the order they came); after an event of its own time, its cause.
  std::vector<std::vector<std::pair<int64_t, std::string>>> extras_before(
      script.events.size());
  auto base_of = [&notes](const grammar::Event& event) -> std::optional<int64_t> {
    auto found = notes.find(event.loc.line);
    return found == notes.end() ? std::nullopt : found->second.base;
  };
  for (size_t i = 0; i < script.events.size(); ++i) {
    auto found = notes.find(script.events[i].loc.line);
    if (found == notes.end()) continue;
    for (const auto& extra : found->second.extras) {
      size_t at = i;
      while (at > 0) {
        const grammar::Event& before = script.events[at - 1];
        const auto* packet = std::get_if<grammar::PacketEvent>(&before.action);
        const std::optional<int64_t> base = base_of(before);
        if ((packet && packet->direction == grammar::Direction::kOutbound) ||
            !base || *base <= extra.first) {
          break;
        }
        --at;
      }
      extras_before[at].push_back(extra);
    }
  }

  for (size_t index = 0; index < script.events.size(); ++index) {
    grammar::Event& event = script.events[index];
    auto found = notes.find(event.loc.line);
    if (!reached || found == notes.end() || !found->second.base) {
      // The run stopped before it: left as it is, and all after it.
      reached = false;
      write(std::move(event), 0, true, written_base);
      continue;
    }
    const LineNotes& line = found->second;
    // When the script meant the event to happen, on the run's timeline.
    const int64_t start = event.time.kind == grammar::TimeKind::kRelative
                              ? original_base + event.time.usecs
                              : event.time.usecs;
    for (const auto& [usecs, text] : extras_before[index]) {
      std::optional<grammar::PacketEvent> packet = ParsePacket(text);
      if (!packet) continue;
      grammar::Event extra;
      extra.loc = event.loc;
      extra.time.kind = relative ? grammar::TimeKind::kRelative
                                 : grammar::TimeKind::kAbsolute;
      extra.action = std::move(*packet);
      write(std::move(extra), usecs, false, std::max(usecs, written_base));
      predecessor_kept = false;
      outcome.changed = true;
    }
    bool keep_time = predecessor_kept;
    int64_t meant = start;
    if (auto* packet = std::get_if<grammar::PacketEvent>(&event.action);
        packet != nullptr && packet->direction == grammar::Direction::kOutbound) {
      if (line.status == "missing") {
        carried.insert(carried.end(), event.comments_before.begin(),
                       event.comments_before.end());
        std::string gone = "// synack run --update: no packet came for `" +
                           grammar::PrintEventTime(event.time) + " " +
                           grammar::PrintPacket(*packet) + "`";
        if (!event.trailing_comment.empty()) gone += " " + event.trailing_comment;
        carried.push_back(gone);
        original_base = *line.base;
        predecessor_kept = false;
        outcome.changed = true;
        continue;
      }
      if (line.status == "actual") {
        if (std::optional<grammar::PacketEvent> sent = ParsePacket(line.packet)) {
          Merge(*packet, std::move(*sent));
        }
      }
      if (line.status == "actual" || line.status == "retimed") {
        keep_time = false;
        outcome.changed = true;
      }
      if (!line.status.empty()) meant = line.status_usecs;
    } else if (auto* call = std::get_if<grammar::SyscallEvent>(&event.action);
               call != nullptr && line.returned) {
      FillResult(*call, *line.returned);
      outcome.changed = true;
    }
    write(std::move(event), meant, keep_time, *line.base);
    original_base = *line.base;
    predecessor_kept = true;
  }
  script.events = std::move(events);
  if (!carried.empty()) {
    script.comments_at_end.insert(script.comments_at_end.begin(),
                                  carried.begin(), carried.end());
  }
  outcome.text = grammar::Print(script);
  return outcome;
}

}  // namespace synack::cli
