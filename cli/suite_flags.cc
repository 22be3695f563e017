// Parsing the suite options of `synack run`.
#include "cli/suite_flags.h"

#include <re2/re2.h>
#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace synack::cli {

namespace {

bool ParseInt(const std::string& text, int min, int max, int* value) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const long parsed = std::strtol(text.c_str(), &end, 10);
  if (*end != '\0' || errno != 0 || parsed < min || parsed > max) return false;
  *value = static_cast<int>(parsed);
  return true;
}

// `--name=value` or `--name value`: the value, or nullopt when `arg` is not
// this option. `*missing` when the value is absent.
std::optional<std::string> Value(const std::vector<std::string>& args,
                                 size_t* i, const std::string& name,
                                 bool* missing) {
  const std::string& arg = args[*i];
  if (arg.rfind(name + "=", 0) == 0) return arg.substr(name.size() + 1);
  if (arg != name) return std::nullopt;
  if (*i + 1 >= args.size()) {
    *missing = true;
    return std::string();
  }
  return args[++*i];
}

}  // namespace

FlagMatch ParseSuiteFlag(const std::vector<std::string>& args, size_t* i,
                         SuiteFlags* flags, std::string* error) {
  const std::string& arg = args[*i];
  auto bad = [error](std::string message) {
    *error = std::move(message);
    return FlagMatch::kBad;
  };
  if (arg == "--fail-fast") {
    flags->fail_fast = true;
    return FlagMatch::kTaken;
  }
  if (arg == "--no-realtime") {
    flags->realtime = false;
    return FlagMatch::kTaken;
  }
  bool missing = false;
  std::optional<std::string> value;
  if (arg.rfind("-j", 0) == 0 && arg.size() > 2 && arg[2] != '=') {
    value = arg.substr(2);  // -j8
  } else if (arg == "-j") {
    value = Value(args, i, "-j", &missing);
  } else {
    value = Value(args, i, "--jobs", &missing);
  }
  if (value) {
    if (missing || !ParseInt(*value, 1, 4096, &flags->jobs)) {
      return bad("-j needs a number of runs at once (1 or more), found '" +
                 *value + "'");
    }
    return FlagMatch::kTaken;
  }
  if ((value = Value(args, i, "--filter", &missing))) {
    RE2 re(*value, RE2::Quiet);
    if (missing || !re.ok()) {
      return bad("--filter needs a regular expression (RE2 syntax): " +
                 (missing ? std::string("none given") : re.error()));
    }
    flags->filter = *value;
    return FlagMatch::kTaken;
  }
  if ((value = Value(args, i, "--repeat", &missing))) {
    if (missing || !ParseInt(*value, 1, 1000000, &flags->repeat)) {
      return bad("--repeat needs a count (1 or more), found '" + *value + "'");
    }
    return FlagMatch::kTaken;
  }
  struct PathFlag {
    const char* name;
    std::string* target;
    const char* what;
  };
  for (const PathFlag& flag :
       {PathFlag{"--tap", &flags->tap_path, "a file name"},
        PathFlag{"--junit", &flags->junit_path, "a file name"},
        PathFlag{"--html", &flags->html_dir, "a directory"},
        PathFlag{"--pcap-dir", &flags->pcap_dir, "a directory"}}) {
    if ((value = Value(args, i, flag.name, &missing))) {
      if (missing || value->empty()) {
        return bad(std::string(flag.name) + " needs " + flag.what);
      }
      *flag.target = *value;
      return FlagMatch::kTaken;
    }
  }
  struct NumberFlag {
    const char* name;
    std::optional<int>* target;
    int min;
  };
  for (const NumberFlag& flag :
       {NumberFlag{"--shard-index", &flags->shard_index, 0},
        NumberFlag{"--shard-count", &flags->shard_count, 1},
        NumberFlag{"--timing-retries", &flags->timing_retries, 0}}) {
    if ((value = Value(args, i, flag.name, &missing))) {
      int number = 0;
      if (missing || !ParseInt(*value, flag.min, 1000000, &number)) {
        return bad(std::string(flag.name) + " needs a number (" +
                   std::to_string(flag.min) + " or more), found '" + *value +
                   "'");
      }
      *flag.target = number;
      return FlagMatch::kTaken;
    }
  }
  return FlagMatch::kNotMine;
}

int DefaultJobs(int cores) {
  // A run on the kernel mostly sleeps: its CPU is its init command and its
  // Python blocks, at normal priority, while its real-time threads keep
  // its timing. Measured on 2 cores (Linux 6.18, loaded by other work),
  // packetdrill's ipv4 corpus, 160 runs: -j 1 146.6 s, 90 passed; -j 2
  // 82.1 s, 89; -j 4 45.1 s, 91; -j 8 27.0 s, 90; -j 16 21.1 s, 88; -j 24
  // 23.9 s, 87; -j 32 22.7 s, 90; the verdicts that differed were kernel
  // timers late by 1 to 2 ms beyond tolerance at every -j, -j 1 included.
  // From 16 on the longest script (about 20 s) is the wall time, so more
  // buys nothing. Without real-time priority -j 4 passed only 26.
  constexpr int kPerCore = 8;
  return std::max(1, cores) * kPerCore;
}

}  // namespace synack::cli

namespace synack::cli {

int OnlineCores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

}  // namespace synack::cli
