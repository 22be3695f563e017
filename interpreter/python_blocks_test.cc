#include "interpreter/python_blocks.h"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "interpreter/testing/code_blocks.h"

namespace synack::interpreter {
namespace {

using testing::Block;

TEST(RunCodeBlocksTest, PassingBlocksShareNames) {
  std::vector<CodeSnapshot> blocks = {
      Block(10, " TCP_INFINITE_SSTHRESH = 0x7fffffff ",
            {{"tcpi_snd_ssthresh", 0x7fffffff}}),
      Block(12,
            " assert tcpi_snd_ssthresh == TCP_INFINITE_SSTHRESH, "
            "tcpi_snd_ssthresh ",
            {{"tcpi_snd_ssthresh", 0x7fffffff}}),
      Block(14, " assert tcpi_ca_state == TCP_CA_Recovery, tcpi_ca_state ",
            {{"tcpi_ca_state", 3}}),
      Block(16, " assert (tcpi_options & TCPI_OPT_SYN_DATA) == 0 ",
            {{"tcpi_options", 7}}),
  };
  CodeVerdict verdict = RunCodeBlocks(blocks);
  EXPECT_TRUE(verdict.ok) << verdict.message;
}

TEST(RunCodeBlocksTest, IndentedAndContinuedLinesRun) {
  std::vector<CodeSnapshot> blocks = {
      Block(20,
            " assert 298000 <= tcpi_rwnd_limited <= 310000, "
            "tcpi_rwnd_limited;\\\n         assert tcpi_busy_time == 5, "
            "tcpi_busy_time;\\\n",
            {{"tcpi_rwnd_limited", 300000}, {"tcpi_busy_time", 5}}),
      Block(30, "\n  x = 1\n  assert x == 1\n"),
      Block(40, "\nassert 5000 <= tcpi_rtt <= 20000, 'srtt=%d us' % tcpi_rtt\n",
            {{"tcpi_rtt", 7000}}),
      Block(50, " if tcpi_rtt > 1:\n    y = 2\n"),
  };
  CodeVerdict verdict = RunCodeBlocks(blocks);
  EXPECT_TRUE(verdict.ok) << verdict.message;
}

TEST(RunCodeBlocksTest, AssertionFailureNamesTheLineAndMessage) {
  std::vector<CodeSnapshot> blocks = {
      Block(5, " assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd ",
            {{"tcpi_snd_cwnd", 10}}),
      Block(9, "\nx = 1\nassert tcpi_snd_cwnd == 10, 'cwnd=%d' % tcpi_snd_cwnd\n",
            {{"tcpi_snd_cwnd", 12}}),
      Block(20, " assert False "),
  };
  CodeVerdict verdict = RunCodeBlocks(blocks);
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.loc.line, 11);
  EXPECT_EQ(verdict.message,
            "assertion failed: assert tcpi_snd_cwnd == 10, 'cwnd=%d' % "
            "tcpi_snd_cwnd\nAssertionError: cwnd=12");
}

TEST(RunCodeBlocksTest, OutputIsShownWithAFailure) {
  CodeVerdict verdict = RunCodeBlocks(
      {Block(3, " print(tcpi_snd_cwnd);  assert tcpi_snd_cwnd == 48 ",
             {{"tcpi_snd_cwnd", 40}})});
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.loc.line, 3);
  EXPECT_EQ(verdict.message,
            "assertion failed: print(tcpi_snd_cwnd);  assert tcpi_snd_cwnd "
            "== 48\npython output:\n40\n");
}

TEST(RunCodeBlocksTest, MissingTcpInfoIsExplained) {
  CodeVerdict verdict = RunCodeBlocks({Block(7, " assert tcpi_state == 1 ")});
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.message,
            "%{ }% block raised NameError: name 'tcpi_state' is not defined\n"
            "in: assert tcpi_state == 1\n"
            "(tcpi_* names exist only while a socket from socket() or "
            "accept() is open)");
}

TEST(RunCodeBlocksTest, SyntaxErrors) {
  CodeVerdict verdict = RunCodeBlocks({Block(7, "\n\nassert (\n")});
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.loc.line, 9);
  EXPECT_EQ(verdict.message.rfind("python syntax error in %{ }% block: ", 0),
            0u)
      << verdict.message;
}

TEST(RunCodeBlocksTest, MissingPython) {
  CodeVerdict verdict =
      RunCodeBlocks({Block(1, " pass ")}, "synack-no-such-python");
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.message,
            "cannot run %{ }% blocks: synack-no-such-python: No such file or "
            "directory");
}

// The blocks' two files are made in the directory given (the suite's,
// which is removed however synack ends), not in /tmp, and are gone after.
TEST(RunCodeBlocksTest, FilesGoInTheDirectoryGiven) {
  char dir[] = "/tmp/synack-blocks-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  CodeVerdict verdict = RunCodeBlocks(
      {Block(1, std::string(" import os; names = sorted(n[:-7] for n in "
                            "os.listdir('") +
                    dir + "')) ; assert names == ['synack-blocks', "
                          "'synack-verdict'], names ")},
      "python3", -1, dir);
  EXPECT_TRUE(verdict.ok) << verdict.message;
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace synack::interpreter
