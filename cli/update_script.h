// The updater of `synack run --update`: a script's syntax tree and the
// record of a run of it in update mode (RunConfig::update) in, the
// script's new text out. Pure: no run, no file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/run_record.h"
#include "grammar/ast.h"

namespace synack::cli {

struct UpdateOutcome {
  std::string text;      // the script as synack fmt prints it
  bool changed = false;  // false: the run did what the script says
};

// Each outbound line gets what the stack sent and when (what the line left
// open, `win` or `<...>`, stays open; a sketch `> S.` gets everything);
// packets no line foresaw are written in where they came; lines whose
// packet never came become a comment; system calls get the result they
// returned. Times are relative (absolute in a script without relative
// times), rounded as coarsely as keeps them within a quarter of
// `tolerance_usecs`; an event whose predecessor changed is re-timed so it
// keeps its time on the run's timeline. Events the run never reached stay.
UpdateOutcome UpdateScript(grammar::Script script, const RunRecord& record,
                           int64_t tolerance_usecs);

// As UpdateScript, from the script's text, keeping its layout: the lines
// of events the update leaves as they were stay byte for byte, and so do
// comments, blank lines and everything before the first event and after
// the last; a changed event is printed in its lines' stead, its time ending
// in the column where theirs ended. A text that does not parse is
// returned unchanged.
UpdateOutcome UpdateScriptText(const std::string& text,
                               const RunRecord& record,
                               int64_t tolerance_usecs);

// Where a run of the script did other than its text says, line by line:
// the lines UpdateScriptText would change, remove or write in. For
// --update --backend=both: the script holds the kernel's answers, the
// record is the own stack's run of it.
struct LineDifference {
  int line = 0;         // the script's line (a packet written in: the next)
  std::string script;   // the event as the script has it; empty: none
  std::string run;      // as the run would have it; empty: it never came
};
std::vector<LineDifference> DifferencesFrom(const std::string& text,
                                            const RunRecord& record,
                                            int64_t tolerance_usecs);

// A time as coarse as stays within `slack_usecs` of `usecs`: 0.1 s, then
// 0.01 s, ... down to the microsecond.
int64_t RoundTime(int64_t usecs, int64_t slack_usecs);

}  // namespace synack::cli
