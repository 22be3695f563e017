// Tests for the suite's shared resources: made only when a run needs them,
// and each run's configuration pointed at them.
#include "cli/run_resources.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/testing/plan.h"

namespace synack::cli {
namespace {

using testing::Plan;
const std::string& kCli = testing::kCliScripts;

std::string ScriptWithACommand() {
  const std::string path =
      (std::filesystem::path(::testing::TempDir()) / "command.pkt").string();
  std::ofstream(path) << "0 `true`\n"
                         "+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n";
  return path;
}

TEST(RunResourcesTest, PlainScriptNeedsNothing) {
  SuitePlan plan = Plan(kCli + "good.pkt", "both");
  const auto resources = SuiteResources::Acquire(plan, true);
  EXPECT_FALSE(resources->has_temp_dir());
  EXPECT_FALSE(resources->has_block_server());
  EXPECT_GE(resources->stop_fd(), 0);
  EXPECT_EQ("", plan.jobs[0].config.temp_dir);
  EXPECT_EQ("", plan.jobs[0].config.nstat_history);
}

// nstat's history is per user: each kernel run with commands gets its own
// file, unless the user named one; the own stack runs no nstat.
TEST(RunResourcesTest, KernelRunWithCommandsGetsItsOwnNstatFile) {
  SuitePlan plan = Plan(ScriptWithACommand(), "both");
  const auto resources = SuiteResources::Acquire(plan, true);
  ASSERT_TRUE(resources->has_temp_dir());
  EXPECT_FALSE(resources->has_block_server());
  const std::string dir = plan.jobs[0].config.temp_dir;
  EXPECT_TRUE(std::filesystem::is_directory(dir));
  EXPECT_EQ(dir + "/nstat.0", plan.jobs[0].config.nstat_history);
  EXPECT_EQ("", plan.jobs[1].config.nstat_history);

  SuitePlan users = Plan(ScriptWithACommand(), "kernel");
  EXPECT_FALSE(SuiteResources::Acquire(users, false)->has_temp_dir());
  EXPECT_EQ("", users.jobs[0].config.nstat_history);
}

TEST(RunResourcesTest, CodeBlocksGetTheBlockServer) {
  SuitePlan plan = Plan(kCli + "blocks/pass.pkt", "stack");
  const auto resources = SuiteResources::Acquire(plan, false);
  EXPECT_TRUE(resources->has_temp_dir());
  ASSERT_TRUE(resources->has_block_server());
  EXPECT_GE(plan.jobs[0].config.block_server_fd, 0);
}

// A run decided at planning (its script has errors) never starts.
TEST(RunResourcesTest, DecidedRunNeedsNothing) {
  SuitePlan plan = Plan(kCli + "bad.pkt", "kernel");
  EXPECT_FALSE(SuiteResources::Acquire(plan, true)->has_temp_dir());
}

}  // namespace
}  // namespace synack::cli
