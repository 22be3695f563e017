// CommandRunner: output, exit status, environment, descriptors, timeouts.
// These run in the test process itself: no namespace is needed.
#include "runtime/kernel/command.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <string>

namespace synack::kernel {
namespace {

using std::chrono::milliseconds;

TEST(CommandRunnerTest, CapturesStdoutAndStderrInOrderAndTheExitCode) {
  CommandRunner runner;
  auto result = runner.Run("echo hello; echo oops >&2; echo bye; exit 3", {});
  EXPECT_EQ(3, result.exit_status);
  EXPECT_EQ("hello\noops\nbye\n", result.output);
}

TEST(CommandRunnerTest, DeathBySignalIs128PlusSignal) {
  CommandRunner runner;
  auto result = runner.Run("kill -9 $$", {});
  EXPECT_EQ(137, result.exit_status);
  EXPECT_EQ("", result.output);
}

TEST(CommandRunnerTest, AddsAndOverridesEnvironment) {
  setenv("SYNACK_COMMAND_TEST_OLD", "old", 1);
  CommandRunner runner;
  auto result = runner.Run(
      "echo \"$SYNACK_COMMAND_TEST_NEW|$SYNACK_COMMAND_TEST_OLD|$SYNACK_COMMAND_TEST_KEPT\"",
      {{"SYNACK_COMMAND_TEST_NEW", "a b"}, {"SYNACK_COMMAND_TEST_OLD", "new"}});
  unsetenv("SYNACK_COMMAND_TEST_OLD");
  EXPECT_EQ(0, result.exit_status);
  EXPECT_EQ("a b|new|\n", result.output);
}

TEST(CommandRunnerTest, InheritsTheEnvironment) {
  setenv("SYNACK_COMMAND_TEST_KEPT", "kept", 1);
  CommandRunner runner;
  auto result = runner.Run("echo $SYNACK_COMMAND_TEST_KEPT", {});
  unsetenv("SYNACK_COMMAND_TEST_KEPT");
  EXPECT_EQ("kept\n", result.output);
}

TEST(CommandRunnerTest, StdinIsEmptyAndNoOtherDescriptorIsInherited) {
  CommandRunner runner;
  // ls itself opens the directory, as 3.
  auto result = runner.Run("cat; ls /proc/self/fd", {});
  EXPECT_EQ(0, result.exit_status);
  EXPECT_EQ("0\n1\n2\n3\n", result.output);
}

TEST(CommandRunnerTest, MissingCommandIs127) {
  CommandRunner runner;
  auto result = runner.Run("/nonexistent/synack-command", {});
  EXPECT_EQ(127, result.exit_status);
  EXPECT_NE(std::string::npos, result.output.find("not found")) << result.output;
}

TEST(CommandRunnerTest, TimeoutKillsTheShell) {
  CommandRunner runner;
  auto start = std::chrono::steady_clock::now();
  auto result = runner.Run("echo started; exec sleep 5", {}, milliseconds(100));
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(137, result.exit_status);
  EXPECT_EQ("started\nsynack: command timed out after 100 ms and was killed\n",
            result.output);
  EXPECT_LT(took, milliseconds(2000));
}

TEST(CommandRunnerTest, BackgroundProcessDoesNotHoldTheCommandUp) {
  CommandRunner runner;
  auto start = std::chrono::steady_clock::now();
  // The background sleep keeps the output pipe open: Run must not wait for
  // its end of file.
  auto result = runner.Run("sleep 5 & echo done", {});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(0, result.exit_status);
  EXPECT_EQ("done\n", result.output);
  EXPECT_LT(took, milliseconds(2000));
}

// set_sysctls.py's restore file, named after PACKETDRILL_PID, goes with the
// runner that made it; one that was there before stays.
TEST(CommandRunnerTest, RemovesTheRestoreFilesItsCommandsMade) {
  const std::map<std::string, std::string> made = {{"PACKETDRILL_PID", "synack-test-made"}};
  const std::map<std::string, std::string> kept = {{"PACKETDRILL_PID", "synack-test-kept"}};
  const std::string made_path = RestoreFileOf(made);
  const std::string kept_path = RestoreFileOf(kept);
  EXPECT_EQ("/tmp/sysctl_restore_synack-test-made.sh", made_path);
  EXPECT_EQ("", RestoreFileOf({}));
  {
    CommandRunner runner;
    ASSERT_EQ(0, runner.Run("touch " + kept_path, {}).exit_status);
    ASSERT_EQ(0, runner.Run("touch /tmp/sysctl_restore_$PACKETDRILL_PID.sh", made).exit_status);
    ASSERT_EQ(0, runner.Run("touch /tmp/sysctl_restore_$PACKETDRILL_PID.sh", kept).exit_status);
    EXPECT_EQ(0, access(made_path.c_str(), F_OK));
  }
  EXPECT_NE(0, access(made_path.c_str(), F_OK));
  EXPECT_EQ(0, access(kept_path.c_str(), F_OK));
  unlink(kept_path.c_str());
}

TEST(CommandRunnerTest, RunsManyCommandsInARow) {
  CommandRunner runner;
  for (int i = 0; i < 20; ++i) {
    auto result = runner.Run("echo " + std::to_string(i), {});
    ASSERT_EQ(std::to_string(i) + "\n", result.output);
  }
}

TEST(CommandRunnerTest, LargeOutputIsNotTruncated) {
  CommandRunner runner;
  // 200 000 bytes: more than a pipe holds, so reading must go on meanwhile.
  auto result = runner.Run("head -c 200000 /dev/zero | tr '\\0' x", {});
  EXPECT_EQ(0, result.exit_status);
  EXPECT_EQ(std::string(200000, 'x'), result.output);
}

TEST(DecodeWaitStatusTest, ExitCodesAndSignals) {
  EXPECT_EQ(0, DecodeWaitStatus(0));
  EXPECT_EQ(3, DecodeWaitStatus(3 << 8));
  EXPECT_EQ(128 + SIGKILL, DecodeWaitStatus(SIGKILL));
  EXPECT_EQ(128 + SIGSEGV, DecodeWaitStatus(SIGSEGV | 0x80));  // core dumped
}

}  // namespace
}  // namespace synack::kernel
