// Tests for expanding paths into scripts and scripts into runs: filter,
// shards, --repeat, names.
#include "cli/suite_plan.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "cli/variants.h"

namespace synack::cli {
namespace {

using interpreter::IpVersion;
namespace fs = std::filesystem;

std::vector<ScriptFile> Files(std::vector<std::string> paths) {
  std::vector<ScriptFile> files;
  for (const std::string& path : paths) files.push_back({path, path});
  return files;
}

// "a.pkt ipv4 1" per run.
std::vector<std::string> Describe(const std::vector<ScriptFile>& files,
                                  const std::vector<PlannedRun>& runs) {
  std::vector<std::string> out;
  for (const PlannedRun& run : runs) {
    out.push_back(files[run.file].path + " " + VariantName(run.variant) + " " +
                  std::to_string(run.repetition));
  }
  return out;
}

TEST(SuitePlanTest, VariantsInFileOrder) {
  const auto files = Files({"a.pkt", "b-v4.pkt", "c-v6.pkt"});
  EXPECT_EQ((std::vector<std::string>{
                "a.pkt ipv4 1", "a.pkt ipv6 1", "a.pkt ipv4-mapped-ipv6 1",
                "b-v4.pkt ipv4 1", "b-v4.pkt ipv4-mapped-ipv6 1",
                "c-v6.pkt ipv6 1"}),
            Describe(files, PlanRuns(files, VariantsForScript, "", Shard{}, 1)));
}

TEST(SuitePlanTest, FilterIsAPartialMatchOnThePath) {
  const auto files = Files({"tcp/close/a.pkt", "tcp/open/b-v6.pkt", "c.pkt"});
  EXPECT_EQ((std::vector<std::string>{"tcp/open/b-v6.pkt ipv6 1"}),
            Describe(files, PlanRuns(files, VariantsForScript, "open/",
                                     Shard{}, 1)));
  EXPECT_EQ((std::vector<std::string>{"c.pkt ipv4 1", "c.pkt ipv6 1",
                                      "c.pkt ipv4-mapped-ipv6 1"}),
            Describe(files, PlanRuns(files, VariantsForScript, "^c\\.pkt$",
                                     Shard{}, 1)));
}

TEST(SuitePlanTest, RepeatRunsEachInARow) {
  const auto files = Files({"x-v6.pkt", "y-v6.pkt"});
  EXPECT_EQ((std::vector<std::string>{"x-v6.pkt ipv6 1", "x-v6.pkt ipv6 2",
                                      "x-v6.pkt ipv6 3", "y-v6.pkt ipv6 1",
                                      "y-v6.pkt ipv6 2", "y-v6.pkt ipv6 3"}),
            Describe(files, PlanRuns(files, VariantsForScript, "", Shard{}, 3)));
}

TEST(SuitePlanTest, ShardsPartitionTheRunsAndKeepRepeatsTogether) {
  std::vector<std::string> paths;
  for (int i = 0; i < 53; ++i) {
    paths.push_back("s" + std::to_string(i) + (i % 3 == 0 ? "-v4.pkt" : ".pkt"));
  }
  const auto files = Files(paths);
  const auto all = Describe(files, PlanRuns(files, VariantsForScript, "e",
                                            Shard{}, 2));
  for (int count : {1, 2, 3, 4, 7, 200}) {
    std::multiset<std::string> seen;
    for (int index = 0; index < count; ++index) {
      const auto shard = Describe(
          files, PlanRuns(files, VariantsForScript, "e", Shard{index, count}, 2));
      // The same shard twice: the same runs.
      EXPECT_EQ(shard, Describe(files, PlanRuns(files, VariantsForScript, "e",
                                                Shard{index, count}, 2)));
      for (size_t i = 0; i + 1 < shard.size(); i += 2) {
        EXPECT_EQ(shard[i].substr(0, shard[i].size() - 1),
                  shard[i + 1].substr(0, shard[i + 1].size() - 1));
      }
      seen.insert(shard.begin(), shard.end());
    }
    EXPECT_EQ(std::multiset<std::string>(all.begin(), all.end()), seen)
        << count << " shards";
  }
}

TEST(SuitePlanTest, ExpandsDirectoriesRecursivelyAndNamesThem) {
  char dir[] = "/tmp/synack-plan-XXXXXX";
  ASSERT_NE(nullptr, mkdtemp(dir));
  const fs::path root = fs::path(dir) / "tcp";
  fs::create_directories(root / "b");
  fs::create_directories(root / "a");
  for (const char* name : {"b/two.pkt", "a/one.pkt", "top.pkt", "a/notes.txt"}) {
    std::ofstream(root / name) << "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n";
  }
  std::ostringstream err;
  bool ok = true;
  const std::vector<ScriptFile> files = ExpandScripts(
      {root.string() + "/", (root / "top.pkt").string(), "no-such.pkt"}, err,
      &ok);
  EXPECT_FALSE(ok);
  EXPECT_EQ("synack: no-such.pkt: no such file or directory\n", err.str());
  ASSERT_EQ(4u, files.size());
  EXPECT_EQ((root / "a/one.pkt").string(), files[0].path);
  EXPECT_EQ("tcp/a/one.pkt", files[0].name);
  EXPECT_EQ("tcp/b/two.pkt", files[1].name);
  EXPECT_EQ("tcp/top.pkt", files[2].name);
  EXPECT_EQ("tcp/top.pkt", files[3].name);  // an absolute file: dir/file
  fs::remove_all(dir);
}

TEST(SuitePlanTest, RelativeFileKeepsItsPath) {
  char dir[] = "/tmp/synack-plan-XXXXXX";
  ASSERT_NE(nullptr, mkdtemp(dir));
  const fs::path old = fs::current_path();
  fs::current_path(dir);
  fs::create_directories("x/y");
  std::ofstream("x/y/z.pkt") << "\n";
  std::ostringstream err;
  bool ok = true;
  const auto files = ExpandScripts({"./x/y/z.pkt", "x"}, err, &ok);
  fs::current_path(old);
  ASSERT_EQ(2u, files.size());
  EXPECT_EQ("x/y/z.pkt", files[0].name);
  EXPECT_EQ("x/y/z.pkt", files[1].name);
  EXPECT_EQ("x/y/z.pkt", files[1].path);
  fs::remove_all(dir);
}

TEST(SuitePlanTest, Names) {
  EXPECT_EQ(" (ipv4)", RunSuffix({"ipv4", "", 0}));
  EXPECT_EQ(" (ipv6) [stack] #2", RunSuffix({"ipv6", "stack", 2}));
  EXPECT_EQ("/out/tcp/close/a.ipv4.pcap",
            PcapFileName("/out", "tcp/close/a.pkt", {"ipv4", "", 0}));
  EXPECT_EQ("/out/a.ipv4-mapped-ipv6.kernel.run3.pcap",
            PcapFileName("/out/", "a.pkt", {"ipv4-mapped-ipv6", "kernel", 3}));
  // --kernel: the release joins the variant.
  EXPECT_EQ(" (ipv4, 6.1.0-57-amd64)", RunSuffix({"ipv4", "", 0, "6.1.0-57-amd64"}));
  EXPECT_EQ("/out/a.ipv4.6.1.0-57-amd64.pcap",
            PcapFileName("/out", "a.pkt", {"ipv4", "", 0, "6.1.0-57-amd64"}));
}

}  // namespace
}  // namespace synack::cli
