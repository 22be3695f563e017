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

// `link`: the run's place in the HTML page, or empty.
std::string TestCase(const ReportEntry& entry, const std::string& link) {
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
  // The HTML page's place for the run, as a property: what CI systems
  // show of a testcase besides its failure.
  // It comes first, as Surefire writes a testcase's properties.
  std::string properties;
  if (!link.empty()) {
    properties = "      <properties><property name=\"html\" value=\"" +
                 XmlEscape(link, true) + "\"/></properties>\n";
  }
  if (result.verdict == Verdict::kPass) {
    if (first.empty() && properties.empty()) return xml + "/>\n";
    return xml + ">\n" + properties + first + "    </testcase>\n";
  }
  xml += ">\n" + properties;
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
                        double wall_seconds, const std::string& html_link) {
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
    for (const ReportEntry* entry : members) {
      // The page names a run by its place in the suite.
      const std::string link =
          html_link.empty() ? ""
                            : html_link + "#run-" +
                                  std::to_string(entry - entries.data() + 1);
      xml += TestCase(*entry, link);
    }
    xml += "  </testsuite>\n";
  }
  xml += "</testsuites>\n";
  return xml;
}

bool JUnitReporter::SuiteEnded(const SuiteEnd& suite) {
  return WriteReportFile(
      path_, RenderJUnit(EntriesOf(suite.runs), suite.wall_seconds, html_link_),
      err_);
}

}  // namespace synack::cli
