// The summary of a suite of runs, on the terminal when it ends.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "cli/report_entry.h"
#include "cli/reporter.h"

namespace synack::cli {

// The summary: counts, wall time, the five slowest runs, and the runs that
// both passed and failed across --repeat. Example:
//   "4 passed, 2 failed (1 timed out), 1 skipped; 7 runs in 12.3 s (-j 4)"
std::string SummaryText(const std::vector<ReportEntry>& entries,
                        double wall_seconds, int jobs);

// SummaryText on `out` for a suite of several runs ("no runs selected" for
// none; a lone run's output says it all), with --backend=both's count of
// scripts whose runs differ; the runner's own error on `err`.
class SummaryReporter : public Reporter {
 public:
  SummaryReporter(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}
  bool SuiteEnded(const SuiteEnd& suite) override;

 private:
  std::ostream& out_;
  std::ostream& err_;
};

}  // namespace synack::cli
