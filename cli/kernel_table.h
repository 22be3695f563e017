// With several --kernel: the summary's closing table of the scripts whose
// verdicts differ between the kernels, each failure with its first line.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "cli/reporter.h"

namespace synack::cli {

// "" when every script (in each variant and repetition) has the same
// verdict on every kernel; else, for example:
//   Verdicts that differ between kernels (2 of 25):
//     handshake/syn-retries.pkt (ipv4)
//       6.18.44: ok
//       6.1.0-57-amd64: FAIL  syn-retries.pkt:14: error: ...
std::string KernelTableText(const std::vector<ReportedRun>& runs);

class KernelTableReporter : public Reporter {
 public:
  explicit KernelTableReporter(std::ostream& out) : out_(out) {}
  bool SuiteEnded(const SuiteEnd& suite) override;

 private:
  std::ostream& out_;
};

}  // namespace synack::cli
