// Tests for the shard's resolution from flags and environment.
#include "cli/sharding.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>

namespace synack::cli {
namespace {

EnvLookup Env(std::map<std::string, std::string> values) {
  return [values](const char* name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

std::string Resolve(std::optional<int> index, std::optional<int> count,
                    std::map<std::string, std::string> env) {
  std::string error;
  std::optional<Shard> shard = ResolveShard(index, count, Env(env), &error);
  if (!shard) return "error: " + error;
  return std::to_string(shard->index) + "/" + std::to_string(shard->count);
}

TEST(ShardingTest, WholeSuiteWhenNothingIsSet) {
  EXPECT_EQ("0/1", Resolve(std::nullopt, std::nullopt, {}));
}

TEST(ShardingTest, FlagsWinOverEnvironment) {
  EXPECT_EQ("2/3", Resolve(2, 3, {{"TEST_SHARD_INDEX", "0"},
                                  {"TEST_TOTAL_SHARDS", "5"}}));
}

TEST(ShardingTest, BazelBeforeGoogleTest) {
  EXPECT_EQ("1/4", Resolve(std::nullopt, std::nullopt,
                           {{"TEST_SHARD_INDEX", "1"},
                            {"TEST_TOTAL_SHARDS", "4"},
                            {"GTEST_SHARD_INDEX", "0"},
                            {"GTEST_TOTAL_SHARDS", "2"}}));
  EXPECT_EQ("1/2", Resolve(std::nullopt, std::nullopt,
                           {{"GTEST_SHARD_INDEX", "1"},
                            {"GTEST_TOTAL_SHARDS", "2"}}));
}

TEST(ShardingTest, Errors) {
  EXPECT_EQ("error: --shard-count is not set but --shard-index is",
            Resolve(1, std::nullopt, {}));
  EXPECT_EQ("error: --shard-index=3 is not below --shard-count=3",
            Resolve(3, 3, {}));
  EXPECT_EQ("error: GTEST_TOTAL_SHARDS is not set but GTEST_SHARD_INDEX is",
            Resolve(std::nullopt, std::nullopt, {{"GTEST_SHARD_INDEX", "0"}}));
  EXPECT_EQ("error: TEST_TOTAL_SHARDS must be a non-negative number, found 'x'",
            Resolve(std::nullopt, std::nullopt,
                    {{"TEST_SHARD_INDEX", "0"}, {"TEST_TOTAL_SHARDS", "x"}}));
  EXPECT_EQ("error: TEST_SHARD_INDEX=0 is not below TEST_TOTAL_SHARDS=0",
            Resolve(std::nullopt, std::nullopt,
                    {{"TEST_SHARD_INDEX", "0"}, {"TEST_TOTAL_SHARDS", "0"}}));
}

TEST(ShardingTest, EveryRunInExactlyOneShard) {
  for (int count : {1, 2, 3, 5, 7, 16, 500}) {
    for (size_t run = 0; run < 487; ++run) {
      int owners = 0;
      for (int index = 0; index < count; ++index) {
        owners += InShard(run, Shard{index, count});
      }
      EXPECT_EQ(1, owners) << "run " << run << " of " << count << " shards";
    }
  }
}

TEST(ShardingTest, TouchesTheStatusFile) {
  char dir[] = "/tmp/synack-shard-XXXXXX";
  ASSERT_NE(nullptr, mkdtemp(dir));
  const std::string path = std::string(dir) + "/status";
  EXPECT_EQ("", TouchShardStatusFile(Env({})));
  EXPECT_EQ("", TouchShardStatusFile(Env({{"TEST_SHARD_STATUS_FILE", path}})));
  struct stat st;
  EXPECT_EQ(0, stat(path.c_str(), &st));
  EXPECT_EQ(0, st.st_size);
  EXPECT_NE("", TouchShardStatusFile(
                    Env({{"TEST_SHARD_STATUS_FILE", path + "/no/such/dir"}})));
  unlink(path.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace synack::cli
