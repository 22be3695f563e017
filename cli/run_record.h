// What one run did, event by event: the record a run's child writes for
// its parent, and what reads it (--backend=both's difference finder, the
// HTML report's ladder).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace synack::cli {

struct RunRecord {
  // An event the run completed, as the interpreter's trace gives it.
  struct Event {
    int line = 0;         // the script's line
    std::string seconds;  // when it completed, in script time: "0.100211"
    std::string text;     // the script's event: "> S. 0:0(0) ack 1 <...>"
  };
  // A failure, with its message's first line; line 0: not tied to a line.
  struct Failure {
    int line = 0;
    std::string message;
  };
  std::vector<Event> events;
  std::vector<Failure> failures;

  bool empty() const { return events.empty() && failures.empty(); }
  // The failure at `line`, the first one there; nullptr when none.
  const Failure* FailureAt(int line) const;
};

// One trace line, "line 12: 0.100211 > S. ...", as an event.
RunRecord::Event ParseTraceLine(std::string_view line);

// The record as lines ("E <trace line>", then "F <line> <message>") and
// back; a message keeps only its first line.
std::string SerializeRecord(const RunRecord& record);
RunRecord ParseRecord(std::string_view text);

// The record through a file descriptor (the child's memfd): written whole,
// read from its start.
void WriteRecord(int fd, const RunRecord& record);
RunRecord ReadRecord(int fd);

// The first place two runs of a script part: the first event that one run
// passed and the other failed, or reached and the other did not, as
// "line 12: kernel: ok at 0.100 s; stack: error: ...". Empty when the runs
// agree event by event.
std::string FirstDifference(const RunRecord& kernel, const RunRecord& stack);

}  // namespace synack::cli
