// Tests for parsing the suite options of `synack run`.
#include "cli/suite_flags.h"

#include <gtest/gtest.h>

#include "cli/command_line.h"

namespace synack::cli {
namespace {

ParsedCommandLine Parse(std::vector<std::string> args) {
  return ParseCommandLine(args);
}

TEST(SuiteFlagsTest, AllForms) {
  ParsedCommandLine parsed = Parse(
      {"run", "-j", "8", "--filter", "tcp/(close|open)/", "--fail-fast",
       "--repeat=3", "--tap=out.tap", "--junit", "out.xml",
       "--pcap-dir=caps", "--html=report", "--shard-index=1", "--shard-count", "4",
       "--no-realtime", "dir", "-4"});
  ASSERT_EQ("", parsed.error);
  const SuiteFlags& suite = parsed.command_line->suite;
  EXPECT_EQ(8, suite.jobs);
  EXPECT_EQ("tcp/(close|open)/", suite.filter);
  EXPECT_TRUE(suite.fail_fast);
  EXPECT_EQ(3, suite.repeat);
  EXPECT_EQ("out.tap", suite.tap_path);
  EXPECT_EQ("out.xml", suite.junit_path);
  EXPECT_EQ("caps", suite.pcap_dir);
  EXPECT_EQ("report", suite.html_dir);
  EXPECT_EQ(1, suite.shard_index);
  EXPECT_EQ(4, suite.shard_count);
  EXPECT_FALSE(suite.realtime);
  EXPECT_EQ(std::vector<std::string>{"dir"}, parsed.command_line->files);
  EXPECT_EQ(1u, parsed.command_line->variants.size());
}

TEST(SuiteFlagsTest, JobsSpellings) {
  EXPECT_EQ(3, Parse({"run", "-j3", "a"}).command_line->suite.jobs);
  EXPECT_EQ(5, Parse({"run", "--jobs=5", "a"}).command_line->suite.jobs);
  EXPECT_EQ(6, Parse({"run", "--jobs", "6", "a"}).command_line->suite.jobs);
  EXPECT_EQ(0, Parse({"run", "a"}).command_line->suite.jobs);
  EXPECT_EQ(1, Parse({"run", "a"}).command_line->suite.repeat);
  EXPECT_TRUE(Parse({"run", "a"}).command_line->suite.realtime);
}

TEST(SuiteFlagsTest, UsageErrors) {
  EXPECT_EQ("-j needs a number of runs at once (1 or more), found 'x'",
            Parse({"run", "-jx", "a"}).error);
  EXPECT_EQ("-j needs a number of runs at once (1 or more), found ''",
            Parse({"run", "a", "-j"}).error);
  EXPECT_EQ("--filter needs a regular expression (RE2 syntax): missing ]: [a",
            Parse({"run", "--filter=[a", "a"}).error);
  EXPECT_EQ("--repeat needs a count (1 or more), found '-1'",
            Parse({"run", "--repeat=-1", "a"}).error);
  EXPECT_EQ("--junit needs a file name", Parse({"run", "--junit=", "a"}).error);
  EXPECT_EQ("--html needs a directory", Parse({"run", "--html=", "a"}).error);
  EXPECT_EQ("--pcap-dir needs a directory", Parse({"run", "a", "--pcap-dir"}).error);
  EXPECT_EQ("--shard-count needs a number (1 or more), found '0'",
            Parse({"run", "--shard-count=0", "a"}).error);
  // Suite options are for run only.
  EXPECT_EQ("unknown option '-j4' for 'check' (see 'synack help check')",
            Parse({"check", "-j4", "a"}).error);
}

TEST(SuiteFlagsTest, DefaultJobsGrowsWithCores) {
  EXPECT_LE(1, DefaultJobs(1));
  EXPECT_LT(DefaultJobs(1), DefaultJobs(2));
  EXPECT_EQ(2 * DefaultJobs(2), DefaultJobs(4));
  EXPECT_EQ(DefaultJobs(1), DefaultJobs(0));
  EXPECT_LE(1, OnlineCores());
}

}  // namespace
}  // namespace synack::cli
