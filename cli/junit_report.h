// A suite's results as JUnit XML (one testcase per run): --junit=FILE.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "cli/report_entry.h"
#include "cli/reporter.h"

namespace synack::cli {

// <testsuites> with one <testsuite> per class name (sorted), a <testcase> per
// run in the given order; FAIL as <failure>, ERROR, TIMEOUT and INTERRUPTED
// as <error>, skipped runs as <skipped>, the output as the element's text.
std::string RenderJUnit(const std::vector<ReportEntry>& entries,
                        double wall_seconds);

// Writes RenderJUnit's text to `path` when the suite ends.
class JUnitReporter : public Reporter {
 public:
  JUnitReporter(std::string path, std::ostream& err)
      : path_(std::move(path)), err_(err) {}
  bool SuiteEnded(const SuiteEnd& suite) override;

 private:
  std::string path_;
  std::ostream& err_;
};

}  // namespace synack::cli
