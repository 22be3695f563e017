// One run as the reports name it, and what every report needs of it.
#pragma once

#include <iosfwd>
#include <string>

#include "cli/run_process.h"

namespace synack::cli {

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

// "tcp/close/a.pkt" -> "tcp.close"; "a.pkt" -> "synack".
std::string ClassNameFor(const std::string& name);

// The line that best says why a run did not pass, for a one-line summary:
// the first line with "error:" in it, else the first non-empty line, else
// the verdict. At most 200 bytes.
std::string FirstErrorLine(const RunResult& result);

// "1.500": a run's seconds as the reports write them.
std::string ReportSeconds(double seconds);

// Writes a report file whole (an empty `path`: none asked for); false,
// and a line on `err`, when it cannot.
bool WriteReportFile(const std::string& path, const std::string& text,
                     std::ostream& err);

}  // namespace synack::cli
