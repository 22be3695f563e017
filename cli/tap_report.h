// A suite's results as TAP (version 13, with YAML diagnostics): --tap=FILE.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "cli/report_entry.h"
#include "cli/reporter.h"

namespace synack::cli {

// `ok N - label` / `not ok N - label` with the verdict, time and output in a
// YAML block; skipped runs as `ok N - label # SKIP reason`.
std::string RenderTap(const std::vector<ReportEntry>& entries);

// Writes RenderTap's text to `path` when the suite ends.
class TapReporter : public Reporter {
 public:
  TapReporter(std::string path, std::ostream& err)
      : path_(std::move(path)), err_(err) {}
  bool SuiteEnded(const SuiteEnd& suite) override;

 private:
  std::string path_;
  std::ostream& err_;
};

}  // namespace synack::cli
