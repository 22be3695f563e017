// A suite's results as one self-contained HTML page (--html=DIR): for each
// failing run a ladder diagram of what the script expected and what the
// stack did, the first difference marked and the failure text beside it;
// the other runs listed with their times. No network: inline CSS and SVG.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "cli/reporter.h"
#include "cli/script_file.h"

namespace synack::cli {

// One event of a script, as a row of the ladder. Lanes: the script (which
// plays the peer) on the left, the stack on the right; time goes down.
struct LadderRow {
  enum class Kind {
    kToStack,    // an inbound packet: the script sends it
    kFromStack,  // an outbound packet: the script expects it
    kCall,       // a system call, on the stack's lane
    kScript,     // a command or a %{ }% block, on the script's lane
  };
  Kind kind = Kind::kCall;
  int line = 0;
  std::string text;  // the script's line as written, trimmed
};

// The script's events as ladder rows, in order.
std::vector<LadderRow> LadderRows(const LoadedScript& script);

// The page for the runs (each with its final result; a failing run's
// ladder needs its record). A run's place in the page is "run-N", N its
// index plus one.
std::string RenderHtml(const std::vector<ReportedRun>& runs,
                       double wall_seconds);

// The page's file in `dir`.
std::string HtmlReportPath(const std::string& dir);

// Writes RenderHtml's page to HtmlReportPath(dir) when the suite ends,
// making `dir` if need be.
class HtmlReporter : public Reporter {
 public:
  HtmlReporter(std::string dir, std::ostream& err)
      : dir_(std::move(dir)), err_(err) {}
  bool SuiteEnded(const SuiteEnd& suite) override;

 private:
  std::string dir_;
  std::ostream& err_;
};

}  // namespace synack::cli
