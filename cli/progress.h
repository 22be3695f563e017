// What `synack run` shows while a suite runs: a live status line on a
// terminal or one line per run otherwise, each failure's output once, and
// where --backend=both's runs of a script differ.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include "cli/reporter.h"
#include "cli/suite.h"

namespace synack::cli {

class Progress : public Reporter {
 public:
  // `terminal`: `out` is a terminal `width` columns wide; the status line
  // is redrawn in place and passing runs show only there. Otherwise every
  // run gets a line "ok    PATH (VARIANT) 1.234 s". `verbose`: every
  // run's output is shown, not only a failing one's. `single`: a lone run,
  // shown as its output alone (its warnings too), with no result line.
  Progress(std::ostream& out, std::ostream& err, bool terminal, int width,
           size_t total, bool verbose, bool single);

  void RunStarted(const ReportedRun& run) override;
  // The run's line (on `out`) and, when it did not pass, its output (on
  // `err`), whole and once; then a "DIFF" line when the run is the second
  // of a script's --backend=both pair and the two differ.
  void RunFinished(const ReportedRun& run, const RunResult& result) override;
  void RunRetrying(const ReportedRun& run, const RunResult& failed) override;
  void Tick() override;  // redraws the status line (its clock)
  bool SuiteEnded(const SuiteEnd& suite) override;  // erases the status line

 private:
  void Note(const std::string& line);  // a line above the status line
  void Clear();
  void Draw();

  std::ostream& out_;
  std::ostream& err_;
  bool terminal_;
  int width_;
  size_t total_;
  bool verbose_;
  bool single_;
  std::vector<bool> started_;  // by run index
  size_t done_ = 0, passed_ = 0, failed_ = 0, running_ = 0;
  std::string last_started_;
  double start_seconds_;
  bool drawn_ = false;
};

// "ok    tcp/a.pkt (ipv4) 1.234 s": a run's result line.
std::string ResultLine(const std::string& label, const RunResult& result);

}  // namespace synack::cli
