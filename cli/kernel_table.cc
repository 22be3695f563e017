// The table of verdicts that differ between kernels.
#include "cli/kernel_table.h"

#include <map>
#include <ostream>
#include <set>

namespace synack::cli {

namespace {

// The line of a run's output that says why it did not pass: the first
// with "error" in it, else its first line.
std::string FirstFailureLine(const std::string& output) {
  std::string first;
  size_t from = 0;
  while (from < output.size()) {
    const size_t end = output.find('\n', from);
    const std::string line = output.substr(
        from, end == std::string::npos ? std::string::npos : end - from);
    if (first.empty() && !line.empty()) first = line;
    if (line.find("error") != std::string::npos) return line;
    if (end == std::string::npos) break;
    from = end + 1;
  }
  return first;
}

}  // namespace

std::string KernelTableText(const std::vector<ReportedRun>& runs) {
  // A script's runs in one variant and repetition: entry.group without the
  // kernel, and the repetition from the label's "#N".
  std::map<std::string, std::vector<const ReportedRun*>> groups;
  std::vector<std::string> order;
  for (const ReportedRun& run : runs) {
    std::string key = run.entry.file + " (" + run.variant + ")";
    const size_t hash = run.label.rfind(" #");
    if (hash != std::string::npos) key += run.label.substr(hash);
    if (!groups.count(key)) order.push_back(key);
    groups[key].push_back(&run);
  }
  std::string rows;
  size_t differing = 0;
  for (const std::string& key : order) {
    const std::vector<const ReportedRun*>& group = groups[key];
    std::set<Verdict> verdicts;
    for (const ReportedRun* run : group) verdicts.insert(run->entry.result.verdict);
    if (verdicts.size() < 2) continue;
    ++differing;
    rows += "  " + key + "\n";
    for (const ReportedRun* run : group) {
      const RunResult& result = run->entry.result;
      rows += "    " + run->kernel + ": " + VerdictWord(result.verdict);
      if (result.verdict != Verdict::kPass) {
        rows += "  " + FirstFailureLine(result.output);
      }
      rows += "\n";
    }
  }
  if (differing == 0) return "";
  return "Verdicts that differ between kernels (" + std::to_string(differing) +
         " of " + std::to_string(order.size()) + "):\n" + rows;
}

bool KernelTableReporter::SuiteEnded(const SuiteEnd& suite) {
  const std::string text = KernelTableText(suite.runs);
  out_ << (text.empty() ? "Every script has the same verdict on every kernel.\n"
                        : text);
  return true;
}

}  // namespace synack::cli
