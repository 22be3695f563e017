// A suite's results for the report tests: one run of each verdict, with
// names and output that need escaping.
#pragma once

#include <string>
#include <vector>

#include "cli/report_entry.h"

namespace synack::cli {

inline std::vector<ReportEntry> SampleEntries() {
  std::vector<ReportEntry> entries;
  auto add = [&](std::string name, std::string variant, Verdict verdict,
                 double seconds, std::string output) {
    ReportEntry entry;
    entry.file = "/corpus/" + name;
    entry.class_name = ClassNameFor(name);
    entry.name = name.substr(name.rfind('/') + 1) + " (" + variant + ")";
    entry.label = name + " (" + variant + ")";
    entry.group = entry.label;
    entry.result = {verdict, seconds, output};
    entries.push_back(entry);
  };
  add("tcp/close/a.pkt", "ipv4", Verdict::kPass, 0.25, "");
  add("tcp/close/b#1.pkt", "ipv6", Verdict::kFail, 1.5,
      "tcp/close/b#1.pkt:12: error: outbound packet mismatch: <flags>\n"
      "  script packet: > S. 0:0(0)\n"
      "  actual packet: > R 0:0(0) & \"quoted\"\n");
  add("tcp/open/c.pkt", "ipv4", Verdict::kTimeout, 2,
      "synack: timed out after 2 s (--timeout)\n");
  add("top.pkt", "ipv4", Verdict::kSkipped, 0, "synack: not run: --fail-fast\n");
  add("tcp/open/d.pkt", "ipv4", Verdict::kError, 0,
      "d.pkt:3:1: error: bad\x01 byte \xff here\n");
  return entries;
}

}  // namespace synack::cli
