// Tests for planning a suite: the runs on each backend and their names,
// partners and scheduling; a script with errors decided before anything
// runs; a usage error.
#include "cli/run_plan.h"

#include <gtest/gtest.h>

#include <sstream>

namespace synack::cli {
namespace {

const std::string kCli = std::string(SYNACK_SOURCE_DIR) + "/tests/cli/";

CommandLine RunCommandLine(std::vector<std::string> files, std::string backend) {
  CommandLine cl;
  cl.command = "run";
  cl.files = std::move(files);
  cl.backend = std::move(backend);
  cl.variants = {interpreter::IpVersion::kIpv4};
  return cl;
}

TEST(RunPlanTest, BothBackendsMakePartners) {
  std::ostringstream err;
  const std::optional<SuitePlan> plan =
      PlanSuite(RunCommandLine({kCli + "good.pkt"}, "both"), err);
  ASSERT_TRUE(plan) << err.str();
  EXPECT_EQ("", err.str());
  ASSERT_EQ(2u, plan->jobs.size());
  EXPECT_TRUE(plan->both);
  EXPECT_FALSE(plan->single);
  EXPECT_EQ(BackendKind::kKernel, plan->jobs[0].kind);
  EXPECT_EQ(BackendKind::kStack, plan->jobs[1].kind);
  EXPECT_EQ(1u, plan->jobs[0].partner);
  EXPECT_EQ(0u, plan->jobs[1].partner);
  EXPECT_TRUE(plan->jobs[0].keep_record);
  EXPECT_TRUE(plan->jobs[1].keep_record);
  EXPECT_EQ(kCli + "good.pkt (ipv4) [kernel]", plan->runs[0].label);
  EXPECT_EQ("good.pkt (ipv4) [stack]", plan->runs[1].entry.name);
  EXPECT_EQ("stack", plan->runs[1].backend);
  EXPECT_EQ(1u, plan->runs[1].index);
  // Only the kernel's runs are on a real clock: real-time priority and
  // retries after a timing failure.
  EXPECT_TRUE(plan->suite_jobs[0].realtime);
  EXPECT_FALSE(plan->suite_jobs[1].realtime);
  EXPECT_EQ(2, plan->suite_jobs[0].timing_retries);
  EXPECT_EQ(0, plan->suite_jobs[1].timing_retries);
  EXPECT_GT(plan->suite_jobs[0].estimated_usecs, 0);
  EXPECT_EQ(plan->runs[0].script, plan->jobs[0].loaded);
}

TEST(RunPlanTest, OneBackendKeepsNoRecord) {
  std::ostringstream err;
  CommandLine cl = RunCommandLine({kCli + "good.pkt"}, "stack");
  cl.suite.repeat = 2;
  const std::optional<SuitePlan> plan = PlanSuite(cl, err);
  ASSERT_TRUE(plan);
  ASSERT_EQ(2u, plan->jobs.size());
  EXPECT_FALSE(plan->jobs[0].keep_record);
  EXPECT_EQ(SIZE_MAX, plan->jobs[0].partner);
  EXPECT_EQ("good.pkt (ipv4) #2", plan->runs[1].entry.name);
  EXPECT_EQ(plan->runs[0].entry.group, plan->runs[1].entry.group);
}

// --pcap=FILE: a suffix for each way the runs differ (here the backend and
// the repetition; one script in one variant needs neither of those).
TEST(RunPlanTest, PcapNamesTellRunsApart) {
  std::ostringstream err;
  CommandLine cl = RunCommandLine({kCli + "good.pkt"}, "both");
  cl.pcap_path = "/tmp/x.pcap";
  cl.suite.repeat = 2;
  const std::optional<SuitePlan> plan = PlanSuite(cl, err);
  ASSERT_TRUE(plan);
  ASSERT_EQ(4u, plan->jobs.size());
  EXPECT_EQ("/tmp/x.pcap.kernel.run1", plan->jobs[0].config.pcap_path);
  EXPECT_EQ("/tmp/x.pcap.stack.run1", plan->jobs[1].config.pcap_path);
  EXPECT_EQ("/tmp/x.pcap.stack.run2", plan->jobs[3].config.pcap_path);
  // Partners within a repetition.
  EXPECT_EQ(3u, plan->jobs[2].partner);
}

TEST(RunPlanTest, ScriptWithErrorsIsDecided) {
  std::ostringstream err;
  const std::optional<SuitePlan> plan =
      PlanSuite(RunCommandLine({kCli + "bad.pkt"}, "stack"), err);
  ASSERT_TRUE(plan);
  ASSERT_EQ(1u, plan->jobs.size());
  EXPECT_TRUE(plan->single);
  EXPECT_TRUE(plan->script_errors);
  ASSERT_TRUE(plan->suite_jobs[0].decided);
  EXPECT_EQ(Verdict::kError, plan->suite_jobs[0].decided->verdict);
  EXPECT_NE(std::string::npos, plan->suite_jobs[0].decided->output.find(
                                   "unknown system call 'sockett'"));
  // Its problems are the run's output, not said at planning.
  EXPECT_EQ("", err.str());
}

TEST(RunPlanTest, MissingFileIsAUsageError) {
  std::ostringstream err;
  EXPECT_FALSE(PlanSuite(RunCommandLine({kCli + "no-such-file.pkt"}, "stack"), err));
  EXPECT_NE(std::string::npos, err.str().find("no-such-file.pkt")) << err.str();
}

}  // namespace
}  // namespace synack::cli
