// JUnit XML rendering of a suite's results.
#include "cli/junit_report.h"

#include <map>

#include "cli/xml_text.h"

namespace synack::cli {

namespace {

struct Counts {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  double seconds = 0;

  void Add(const RunResult& result) {
    ++tests;
    seconds += result.seconds;
    switch (result.verdict) {
      case Verdict::kPass:
        break;
      case Verdict::kFail:
        ++failures;
        break;
      case Verdict::kSkipped:
        ++skipped;
        break;
      case Verdict::kError:
      case Verdict::kTimeout:
      case Verdict::kInterrupted:
        ++errors;
        break;
    }
  }

  std::string Attributes() const {
    return " tests=\"" + std::to_string(tests) + "\" failures=\"" +
           std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
           "\" skipped=\"" + std::to_string(skipped) + "\"";
  }
};

std::string TestCase(const ReportEntry& entry) {
  const RunResult& result = entry.result;
  std::string xml = "    <testcase name=\"" + XmlEscape(entry.name, true) +
                    "\" classname=\"" + XmlEscape(entry.class_name, true) +
                    "\" file=\"" + XmlEscape(entry.file, true) + "\" time=\"" +
                    ReportSeconds(result.seconds) + "\"";
  // A run made again after a timing failure: the first run's output.
  std::string first;
  if (!result.first_output.empty()) {
    first = "      <system-out>" +
            XmlEscape("The first run failed on timing, with other runs at "
                      "once; this verdict is from running it again alone. "
                      "The first run:\n" + result.first_output,
                      false) +
            "</system-out>\n";
  }
  if (result.verdict == Verdict::kPass) {
    if (first.empty()) return xml + "/>\n";
    return xml + ">\n" + first + "    </testcase>\n";
  }
  xml += ">\n";
  const std::string word = VerdictWord(result.verdict);
  const std::string message = XmlEscape(FirstErrorLine(result), true);
  if (result.verdict == Verdict::kSkipped) {
    xml += "      <skipped message=\"" + message + "\"/>\n";
  } else {
    const char* element = result.verdict == Verdict::kFail ? "failure" : "error";
    xml += std::string("      <") + element + " message=\"" + message +
           "\" type=\"" + word + "\">" + XmlEscape(result.output, false) +
           "</" + element + ">\n";
  }
  return xml + first + "    </testcase>\n";
}

}  // namespace

std::string RenderJUnit(const std::vector<ReportEntry>& entries,
                        double wall_seconds) {
  std::map<std::string, std::vector<const ReportEntry*>> by_class;
  Counts all;
  for (const ReportEntry& entry : entries) {
    by_class[entry.class_name].push_back(&entry);
    all.Add(entry.result);
  }
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<testsuites name=\"synack\"" + all.Attributes() + " time=\"" +
         ReportSeconds(wall_seconds) + "\">\n";
  for (const auto& [class_name, members] : by_class) {
    Counts counts;
    for (const ReportEntry* entry : members) counts.Add(entry->result);
    xml += "  <testsuite name=\"" + XmlEscape(class_name, true) + "\"" +
           counts.Attributes() + " time=\"" + ReportSeconds(counts.seconds) + "\">\n";
    for (const ReportEntry* entry : members) xml += TestCase(*entry);
    xml += "  </testsuite>\n";
  }
  xml += "</testsuites>\n";
  return xml;
}

bool JUnitReporter::SuiteEnded(const SuiteEnd& suite) {
  return WriteReportFile(
      path_, RenderJUnit(EntriesOf(suite.runs), suite.wall_seconds), err_);
}

}  // namespace synack::cli
