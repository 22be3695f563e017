// TAP rendering of a suite's results.
#include "cli/tap_report.h"

namespace synack::cli {

namespace {

// Text for a YAML block scalar: each line indented, control characters but
// tab shown as '?', so no line can end the block early or break a reader.
std::string YamlBlock(const std::string& text, const std::string& indent) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += indent;
    for (size_t i = start; i < end; ++i) {
      const unsigned char c = static_cast<unsigned char>(text[i]);
      out += (c < 0x20 && c != '\t') || c == 0x7F ? '?' : static_cast<char>(c);
    }
    out += '\n';
    start = end + 1;
  }
  return out;
}

// A TAP description must not hold '#' (a directive would follow) nor a
// newline.
std::string TapDescription(const std::string& label) {
  std::string out;
  for (char c : label) {
    if (c == '#') {
      out += "\\#";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string RenderTap(const std::vector<ReportEntry>& entries) {
  std::string tap = "TAP version 13\n1.." + std::to_string(entries.size()) +
                    "\n";
  for (size_t i = 0; i < entries.size(); ++i) {
    const ReportEntry& entry = entries[i];
    const RunResult& result = entry.result;
    const std::string number = std::to_string(i + 1);
    const std::string description = TapDescription(entry.label);
    if (result.verdict == Verdict::kPass) {
      tap += "ok " + number + " - " + description + "\n";
      tap += "  ---\n  seconds: " + ReportSeconds(result.seconds) + "\n";
      if (!result.first_output.empty()) {
        tap += "  retried: failed on timing, passed run again alone\n";
        tap += "  first_output: |\n" + YamlBlock(result.first_output, "    ");
      }
      tap += "  ...\n";
      continue;
    }
    if (result.verdict == Verdict::kSkipped) {
      tap += "ok " + number + " - " + description + " # SKIP " +
             TapDescription(FirstErrorLine(result)) + "\n";
      continue;
    }
    tap += "not ok " + number + " - " + description + "\n";
    tap += "  ---\n  verdict: " + std::string(VerdictWord(result.verdict)) +
           "\n  seconds: " + ReportSeconds(result.seconds) + "\n";
    if (!result.output.empty()) {
      tap += "  output: |\n" + YamlBlock(result.output, "    ");
    }
    if (!result.first_output.empty()) {
      tap += "  retried: failed on timing, failed again run alone\n";
    }
    tap += "  ...\n";
  }
  return tap;
}

bool TapReporter::SuiteEnded(const SuiteEnd& suite) {
  return WriteReportFile(path_, RenderTap(EntriesOf(suite.runs)), err_);
}

}  // namespace synack::cli
