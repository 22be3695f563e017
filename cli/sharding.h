// Splitting a suite over machines: the shard from the command line or from
// the environment that test drivers set (GoogleTest's, Bazel's), and which
// runs belong to it.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace synack::cli {

struct Shard {
  int index = 0;  // 0 <= index < count
  int count = 1;
};

// Looks up an environment variable; nullopt when unset. Passed in so the
// resolution can be tested without touching the process's environment.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

// The real environment.
std::optional<std::string> GetEnv(const char* name);

// The shard to run: --shard-index/--shard-count when given (both or
// neither), else Bazel's TEST_SHARD_INDEX/TEST_TOTAL_SHARDS, else
// GoogleTest's GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS; a whole suite (0 of 1)
// when none is set. Returns nullopt and sets `error` when a pair is half
// set, not a number, or the index is not below the count.
std::optional<Shard> ResolveShard(std::optional<int> flag_index,
                                  std::optional<int> flag_count,
                                  const EnvLookup& env, std::string* error);

// Whether the run with this position in the suite's stable order (script
// and variant, before --repeat) belongs to `shard`. Round robin, so every
// shard gets scripts from every directory and a similar share of the time.
inline bool InShard(size_t run_index, const Shard& shard) {
  return run_index % static_cast<size_t>(shard.count) ==
         static_cast<size_t>(shard.index);
}

// Bazel asks a test that understands sharding to touch the file named by
// TEST_SHARD_STATUS_FILE. Returns an error message, empty on success or when
// the variable is unset.
std::string TouchShardStatusFile(const EnvLookup& env);

}  // namespace synack::cli
