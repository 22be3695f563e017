// The options of `synack run` that concern a suite as a whole: how many
// runs at once, which runs, how often, and the reports.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace synack::cli {

struct SuiteFlags {
  int jobs = 0;               // -j N; 0: DefaultJobs()
  std::string filter;         // --filter=REGEX (RE2, partial match on the path)
  bool fail_fast = false;     // --fail-fast
  int repeat = 1;             // --repeat=N
  std::string tap_path;       // --tap=FILE
  std::string junit_path;     // --junit=FILE
  std::string html_dir;       // --html=DIR: DIR/index.html
  std::string pcap_dir;       // --pcap-dir=DIR
  std::optional<int> shard_index;  // --shard-index=N
  std::optional<int> shard_count;  // --shard-count=N
  bool realtime = true;       // --no-realtime clears it
  // --timing-retries=N; unset: 2 for a suite on the kernel without
  // --repeat, else 0 (see SuiteJob::timing_retries).
  std::optional<int> timing_retries;
};

enum class FlagMatch { kNotMine, kTaken, kBad };

// Parses args[*i] when it is one of the suite's options, moving *i past a
// separate value (`-j 4`). kBad sets `error` (a usage error).
FlagMatch ParseSuiteFlag(const std::vector<std::string>& args, size_t* i,
                         SuiteFlags* flags, std::string* error);

// -j when not given: runs at once for `cores` processors. Measured on 2
// cores with the packetdrill corpus: see DefaultJobs' comment.
int DefaultJobs(int cores);

// The processors this process may run on.
int OnlineCores();

}  // namespace synack::cli
