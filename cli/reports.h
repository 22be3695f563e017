// A suite's results in the formats CI systems read: TAP (version 13, with
// YAML diagnostics) and JUnit XML (one testcase per run).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/suite.h"

namespace synack::cli {

// One run as the reports name it.
struct ReportEntry {
  std::string file;        // the script's path, as run
  std::string class_name;  // JUnit classname: the directory, "tcp.close"
  std::string name;        // JUnit name: "close-on-syn-sent.pkt (ipv4)"
  std::string label;       // TAP's description: "tcp/close/...pkt (ipv4)"
  // The label without --repeat's run number: runs of one group that
  // disagree are flaky.
  std::string group;
  RunResult result;
};

// `ok N - label` / `not ok N - label` with the verdict, time and output in a
// YAML block; skipped runs as `ok N - label # SKIP reason`.
std::string RenderTap(const std::vector<ReportEntry>& entries);

// <testsuites> with one <testsuite> per class name (sorted), a <testcase> per
// run in the given order; FAIL as <failure>, ERROR, TIMEOUT and INTERRUPTED
// as <error>, skipped runs as <skipped>, the output as the element's text.
std::string RenderJUnit(const std::vector<ReportEntry>& entries,
                        double wall_seconds);

// Text safe for XML 1.0 element content and attribute values: markup
// characters as entities, and bytes XML cannot carry (invalid UTF-8,
// control characters) as U+FFFD. Newlines and tabs are kept as such in
// content and written as character references in attributes.
std::string XmlEscape(std::string_view text, bool attribute);

// "tcp/close/a.pkt" -> "tcp.close"; "a.pkt" -> "synack".
std::string ClassNameFor(const std::string& name);

// The line that best says why a run did not pass, for a one-line summary:
// the first line with "error:" in it, else the first non-empty line, else
// the verdict. At most 200 bytes.
std::string FirstErrorLine(const RunResult& result);

}  // namespace synack::cli
