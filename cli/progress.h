// What `synack run` shows while a suite runs: a live status line on a
// terminal or one line per run otherwise, each failure's output once, and
// the summary at the end.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include "cli/reports.h"
#include "cli/suite.h"

namespace synack::cli {

class Progress {
 public:
  // `terminal`: `out` is a terminal `width` columns wide; the status line
  // is redrawn in place and passing runs show only there. Otherwise every
  // run gets a line "ok    PATH (VARIANT) 1.234 s". `verbose`: every
  // run's output is shown, not only a failing one's. `single`: a lone run,
  // shown as its output alone (its warnings too), with no result line.
  Progress(std::ostream& out, std::ostream& err, bool terminal, int width,
           size_t total, bool verbose, bool single);

  void Started(const std::string& label);
  // The run's line (on `out`) and, when it did not pass, its output (on
  // `err`), whole and once. `started`: Started() was called for it.
  void Finished(const std::string& label, const RunResult& result,
                bool started);
  // The run failed on timing and will run again (then Started, Finished).
  void Retrying(const std::string& label, const RunResult& failed);
  // A line of its own on `out`, above the status line.
  void Note(const std::string& line);
  void Tick();  // redraws the status line (its clock)
  void Done();  // erases the status line

 private:
  void Clear();
  void Draw();

  std::ostream& out_;
  std::ostream& err_;
  bool terminal_;
  int width_;
  size_t total_;
  bool verbose_;
  bool single_;
  size_t done_ = 0, passed_ = 0, failed_ = 0, running_ = 0;
  std::string last_started_;
  double start_seconds_;
  bool drawn_ = false;
};

// "ok    tcp/a.pkt (ipv4) 1.234 s": a run's result line.
std::string ResultLine(const std::string& label, const RunResult& result);

// The summary: counts, wall time, the five slowest runs, and the runs that
// both passed and failed across --repeat. Example:
//   "4 passed, 2 failed (1 timed out), 1 skipped; 7 runs in 12.3 s (-j 4)"
std::string SummaryText(const std::vector<ReportEntry>& entries,
                        double wall_seconds, int jobs);

}  // namespace synack::cli
