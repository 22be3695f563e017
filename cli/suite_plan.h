// Which runs a suite holds: the scripts under the paths given, their
// variants, --filter, the shard and --repeat, in a stable order.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "cli/sharding.h"
#include "interpreter/config.h"

namespace synack::cli {

struct ScriptFile {
  std::string path;  // as run: the argument, or under the argument directory
  // For reports and pcap files: the argument directory's own name and the
  // path under it ("tcp/close/a.pkt" for `synack run /x/tcp`), or a file
  // argument as given when relative, else its directory's name and its own.
  std::string name;
};

// Files as given; directories searched recursively for *.pkt, sorted.
// A path that does not exist is reported on `err` and clears *ok.
std::vector<ScriptFile> ExpandScripts(const std::vector<std::string>& paths,
                                      std::ostream& err, bool* ok);

struct PlannedRun {
  size_t file = 0;  // into the ExpandScripts result
  interpreter::IpVersion variant = interpreter::IpVersion::kIpv4;
  int repetition = 1;  // 1..repeat
};

using VariantsFn =
    std::function<std::vector<interpreter::IpVersion>(const std::string& path)>;

// Every (script, variant) in file order, then variant order; those whose path
// matches `filter` (RE2, partial match; empty: all); of those, every
// shard.count-th from shard.index; each `repeat` times in a row.
std::vector<PlannedRun> PlanRuns(const std::vector<ScriptFile>& files,
                                 const VariantsFn& variants,
                                 const std::string& filter, const Shard& shard,
                                 int repeat);

// What tells one run of a script from its others.
struct RunName {
  std::string variant;     // "ipv4"
  std::string backend;     // when a script runs on several; else empty
  int repetition = 0;      // with --repeat N > 1: 1..N; else 0
  std::string kernel;      // with --kernel: the release; else empty
};

// " (ipv4)", " (ipv4) [stack]", " (ipv4) #2", " (ipv4, 6.1.0-57-amd64)":
// after a path in result lines, after a file name in reports.
std::string RunSuffix(const RunName& run);

// --pcap-dir's file for a run: DIR/tcp/close/a.ipv4.pcap for the script named
// tcp/close/a.pkt, with ".6.1.0-57-amd64", ".stack" and ".run2" before
// ".pcap" as RunSuffix.
std::string PcapFileName(const std::string& dir, const std::string& name,
                         const RunName& run);

}  // namespace synack::cli
