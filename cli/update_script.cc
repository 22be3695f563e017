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

namespace {

// Where a line of the updated script comes from: an original event
// (`origin`, its index), kept, changed or removed (its packet never came:
// `gone` is the comment that stands for it), or a packet no line foresaw
// (origin -1). `event`: the index in the updated script's events.
struct Written {
  int origin = -1;
  size_t event = 0;
  bool removed = false;
  std::string gone;
};

// The update of `script`'s events in place; `written` says where each line
// of the result came from, in order.
bool UpdateEvents(grammar::Script& script, const RunRecord& record,
                  int64_t tolerance_usecs, std::vector<Written>& written_lines) {
  const std::map<int, LineNotes> notes = NotesByLine(record);
  const int64_t slack = tolerance_usecs / 4;
  // New lines are written relative, unless the script has no relative
  // time at all.
  const bool relative = std::any_of(
      script.events.begin(), script.events.end(), [](const grammar::Event& e) {
        return e.time.kind == grammar::TimeKind::kRelative ||
               e.time.kind == grammar::TimeKind::kRelativeRange;
      });
  bool changed = false;
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
  auto write = [&](grammar::Event event, int origin, int64_t start,
                   bool keep_time, int64_t base) {
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
    written_lines.push_back({origin, events.size(), false, ""});
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
      write(std::move(event), static_cast<int>(index), 0, true, written_base);
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
      write(std::move(extra), -1, usecs, false, std::max(usecs, written_base));
      predecessor_kept = false;
      changed = true;
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
        written_lines.push_back({static_cast<int>(index), 0, true, gone});
        original_base = *line.base;
        predecessor_kept = false;
        changed = true;
        continue;
      }
      if (line.status == "actual") {
        if (std::optional<grammar::PacketEvent> sent = ParsePacket(line.packet)) {
          Merge(*packet, std::move(*sent));
        }
      }
      if (line.status == "actual" || line.status == "retimed") {
        keep_time = false;
        changed = true;
      }
      if (!line.status.empty()) meant = line.status_usecs;
    } else if (auto* call = std::get_if<grammar::SyscallEvent>(&event.action);
               call != nullptr && line.returned) {
      FillResult(*call, *line.returned);
      changed = true;
    }
    write(std::move(event), static_cast<int>(index), meant, keep_time,
          *line.base);
    original_base = *line.base;
    predecessor_kept = true;
  }
  script.events = std::move(events);
  if (!carried.empty()) {
    script.comments_at_end.insert(script.comments_at_end.begin(),
                                  carried.begin(), carried.end());
  }
  return changed;
}

bool IsBlank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

// A line of comment alone: `// ...`, or a line of a `/* ... */` one.
bool IsCommentLine(const std::string& line) {
  const size_t start = line.find_first_not_of(" \t");
  const size_t end = line.find_last_not_of(" \t\r");
  return start != std::string::npos &&
         (line.compare(start, 2, "//") == 0 ||
          line.compare(start, 2, "/*") == 0 ||
          (end >= 1 && line.compare(end - 1, 2, "*/") == 0));
}

// `printed` (PrintEventLine's, the time right-aligned) laid out as `model`,
// a line of the script, lays out its event: the time ending in the same
// column (or after the same blanks, when they hold a tab) and as many
// blanks before the action.
std::string LayOut(const std::string& printed, const std::string& model) {
  const size_t time_start = model.find_first_not_of(" \t");
  if (time_start == std::string::npos) return printed;
  const size_t time_end = std::min(model.find_first_of(" \t", time_start),
                                   model.size());
  const size_t action =
      std::min(model.find_first_not_of(" \t", time_end), model.size());
  std::string separator = model.substr(time_end, action - time_end);
  if (separator.empty()) separator = " ";
  const size_t start = printed.find_first_not_of(' ');
  const size_t space = printed.find(' ', start);
  const std::string time = printed.substr(start, space - start);
  const std::string rest =
      space == std::string::npos ? "" : printed.substr(space + 1);
  const std::string indent = model.substr(0, time_start);
  std::string line;
  if (indent.find('\t') != std::string::npos) {
    line = indent;
  } else if (time.size() < time_end) {
    line.assign(time_end - time.size(), ' ');
  }
  return line + time + separator + rest;
}

std::string Trimmed(const std::string& printed) {
  const size_t start = printed.find_first_not_of(' ');
  return start == std::string::npos ? "" : printed.substr(start);
}

}  // namespace

std::vector<LineDifference> DifferencesFrom(const std::string& text,
                                            const RunRecord& record,
                                            int64_t tolerance_usecs) {
  std::vector<LineDifference> differences;
  grammar::ParseResult parsed = grammar::Parse(text);
  if (!parsed.ok()) return differences;
  grammar::Script& script = parsed.script;
  std::vector<std::string> printed;
  std::vector<int> lines;
  for (const grammar::Event& event : script.events) {
    printed.push_back(Trimmed(grammar::PrintEventLine(event)));
    lines.push_back(event.loc.line);
  }
  std::vector<Written> written;
  UpdateEvents(script, record, tolerance_usecs, written);
  for (size_t w = 0; w < written.size(); ++w) {
    const Written& line = written[w];
    if (line.origin < 0) {
      // Named by the line it came before (the last line's, at the end).
      int at = lines.empty() ? 0 : lines.back();
      for (size_t next = w + 1; next < written.size(); ++next) {
        if (written[next].origin >= 0) {
          at = lines[static_cast<size_t>(written[next].origin)];
          break;
        }
      }
      differences.push_back(
          {at, "", Trimmed(grammar::PrintEventLine(script.events[line.event]))});
      continue;
    }
    const size_t origin = static_cast<size_t>(line.origin);
    const std::string now =
        line.removed ? ""
                     : Trimmed(grammar::PrintEventLine(script.events[line.event]));
    if (line.removed || now != printed[origin]) {
      differences.push_back({lines[origin], printed[origin], now});
    }
  }
  return differences;
}

UpdateOutcome UpdateScript(grammar::Script script, const RunRecord& record,
                           int64_t tolerance_usecs) {
  std::vector<Written> written;
  UpdateOutcome outcome;
  outcome.changed = UpdateEvents(script, record, tolerance_usecs, written);
  outcome.text = grammar::Print(script);
  return outcome;
}

UpdateOutcome UpdateScriptText(const std::string& text,
                               const RunRecord& record,
                               int64_t tolerance_usecs) {
  grammar::ParseResult parsed = grammar::Parse(text);
  if (!parsed.ok()) return {text, false};
  grammar::Script& script = parsed.script;
  std::vector<std::string> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  const bool final_newline = !text.empty() && text.back() == '\n';
  // Each original event's lines, [first, last]: from its time to the last
  // line before the next one's that is neither blank nor a comment.
  const size_t count = script.events.size();
  std::vector<std::pair<size_t, size_t>> spans(count);
  std::vector<std::string> printed(count);
  for (size_t i = 0; i < count; ++i) {
    const size_t first = static_cast<size_t>(script.events[i].loc.line - 1);
    size_t next = lines.size();
    if (i + 1 < count) {
      next = static_cast<size_t>(script.events[i + 1].loc.line - 1);
    } else if (script.cleanup_command) {
      next = static_cast<size_t>(script.cleanup_loc.line - 1);
    }
    size_t last = std::max(first, std::min(next, lines.size()) - 1);
    while (last > first && (IsBlank(lines[last]) || IsCommentLine(lines[last]))) {
      --last;
    }
    spans[i] = {first, last};
    printed[i] = grammar::PrintEventLine(script.events[i]);
  }
  std::vector<Written> written;
  UpdateOutcome outcome;
  outcome.changed = UpdateEvents(script, record, tolerance_usecs, written);
  // The original's lines, copied up to each original event; an event the
  // update left as it was keeps its own lines, a changed one is printed
  // in their stead, laid out as they were.
  std::vector<std::string> out;
  size_t cursor = 0;
  auto copy_to = [&](size_t end) {
    for (; cursor < end && cursor < lines.size(); ++cursor) {
      out.push_back(lines[cursor]);
    }
  };
  for (size_t w = 0; w < written.size(); ++w) {
    const Written& line = written[w];
    if (line.origin < 0) {
      // Laid out as the next original event's line.
      size_t model = lines.size();
      for (size_t next = w + 1; next < written.size(); ++next) {
        if (written[next].origin >= 0) {
          model = spans[static_cast<size_t>(written[next].origin)].first;
          break;
        }
      }
      out.push_back(
          LayOut(grammar::PrintEventLine(script.events[line.event]),
                 model < lines.size() ? lines[model] : ""));
      continue;
    }
    const auto [first, last] = spans[static_cast<size_t>(line.origin)];
    copy_to(first);
    const std::string now =
        line.removed ? "" : grammar::PrintEventLine(script.events[line.event]);
    if (line.removed) {
      out.push_back(line.gone);
    } else if (now == printed[static_cast<size_t>(line.origin)]) {
      copy_to(last + 1);
    } else {
      out.push_back(LayOut(now, lines[first]));
    }
    cursor = last + 1;
  }
  copy_to(lines.size());
  for (size_t i = 0; i < out.size(); ++i) {
    outcome.text += out[i];
    if (i + 1 < out.size() || final_newline) outcome.text += "\n";
  }
  return outcome;
}

}  // namespace synack::cli
