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
// `html_link`, when not empty, is the HTML report's page (HtmlReporter):
// each testcase gets a property "html", the page and the run's place in it
// ("report/index.html#run-3").
std::string RenderJUnit(const std::vector<ReportEntry>& entries,
                        double wall_seconds, const std::string& html_link = "");

// Writes RenderJUnit's text to `path` when the suite ends; `html_link`,
// as RenderJUnit's.
class JUnitReporter : public Reporter {
 public:
  JUnitReporter(std::string path, std::ostream& err, std::string html_link = "")
      : path_(std::move(path)), err_(err), html_link_(std::move(html_link)) {}
  bool SuiteEnded(const SuiteEnd& suite) override;

 private:
  std::string path_;
  std::ostream& err_;
  std::string html_link_;
};

}  // namespace synack::cli
