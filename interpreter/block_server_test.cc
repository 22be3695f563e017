#include "interpreter/block_server.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "interpreter/python_blocks.h"
#include "interpreter/testing/code_blocks.h"
#include "runtime/kernel/test_helpers.h"

namespace synack::interpreter {
namespace {

using testing::Block;

// Runs of a script each: what RunCodeBlocks says of them.
const std::vector<std::vector<CodeSnapshot>> kRuns = {
    {Block(5, " assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd ",
           {{"tcpi_snd_cwnd", 10}}),
     Block(9, "\nx = 1\nassert tcpi_snd_cwnd == 10, 'cwnd=%d' % tcpi_snd_cwnd\n",
           {{"tcpi_snd_cwnd", 12}})},
    {Block(3, " TCP_INFINITE_SSTHRESH = 0x7fffffff "),
     Block(4, " assert TCP_INFINITE_SSTHRESH > 0 ")},
    {Block(3, " print(tcpi_snd_cwnd);  assert tcpi_snd_cwnd == 48 ",
           {{"tcpi_snd_cwnd", 40}})},
    {Block(7, " assert tcpi_state == 1 ")},
    {Block(7, "\n\nassert (\n")},
    {Block(2, " import os; print('out', flush=True); os._exit(3) ")},
    {Block(2, " import os; os.kill(os.getpid(), 9) ")},
};

void ExpectSame(const CodeVerdict& direct, const CodeVerdict& served) {
  EXPECT_EQ(direct.ok, served.ok);
  EXPECT_EQ(direct.loc.line, served.loc.line);
  EXPECT_EQ(direct.message, served.message);
}

TEST(BlockServerTest, RunsGiveTheVerdictsOfTheirOwnPython) {
  std::unique_ptr<BlockServer> server =
      BlockServer::Start("python3", PythonDriver());
  ASSERT_TRUE(server);
  // Each run twice through the server, which serves one after another.
  for (const std::vector<CodeSnapshot>& run : kRuns) {
    SCOPED_TRACE(run[0].code);
    const CodeVerdict direct = RunCodeBlocks(run);
    for (int round = 0; round < 2; ++round) {
      ExpectSame(direct, RunCodeBlocks(run, "python3", server->client_fd()));
    }
  }
  CodeVerdict assertion =
      RunCodeBlocks(kRuns[0], "python3", server->client_fd());
  EXPECT_EQ(assertion.loc.line, 11);
  EXPECT_EQ(assertion.message,
            "assertion failed: assert tcpi_snd_cwnd == 10, 'cwnd=%d' % "
            "tcpi_snd_cwnd\nAssertionError: cwnd=12");
  CodeVerdict exited = RunCodeBlocks(kRuns[5], "python3", server->client_fd());
  EXPECT_EQ(exited.message,
            "python3 failed running %{ }% blocks (exit status 3):\nout\n");
}

TEST(BlockServerTest, AWorkerOfTheServerRunsTheBlocks) {
  std::unique_ptr<BlockServer> server =
      BlockServer::Start("python3", PythonDriver());
  ASSERT_TRUE(server);
  const std::string parent =
      " import os; assert os.getppid() == " + std::to_string(server->pid()) +
      ", 'parent %d' % os.getppid() ";
  EXPECT_TRUE(RunCodeBlocks({Block(1, parent)}, "python3", server->client_fd())
                  .ok);
  EXPECT_FALSE(RunCodeBlocks({Block(1, parent)}).ok);
}

TEST(BlockServerTest, ABlockRunsInTheNetworkNamespaceOfItsRun) {
  SYNACK_REQUIRE_ROOT();
  std::unique_ptr<BlockServer> server =
      BlockServer::Start("python3", PythonDriver());
  ASSERT_TRUE(server);
  // A run in a namespace of its own, as on the kernel.
  const std::string error = kernel::test::RunInChild([&]() -> std::string {
    struct stat outside {};
    struct stat inside {};
    if (stat("/proc/self/ns/net", &outside) != 0) return "no /proc";
    if (unshare(CLONE_NEWNET) != 0) return "unshare failed";
    if (stat("/proc/self/ns/net", &inside) != 0) return "no /proc";
    if (inside.st_ino == outside.st_ino) return "the namespace is the same";
    const std::string block =
        " import os; inode = os.stat('/proc/self/ns/net').st_ino; "
        "assert inode == " + std::to_string(inside.st_ino) +
        ", inode; assert os.getppid() == " + std::to_string(server->pid()) +
        " ";
    const CodeVerdict verdict =
        RunCodeBlocks({Block(1, block)}, "python3", server->client_fd());
    return verdict.ok ? "" : verdict.message;
  });
  EXPECT_EQ(error, "");
}

TEST(BlockServerTest, WithoutAServerRunsStartTheirOwnPython) {
  std::unique_ptr<BlockServer> server =
      BlockServer::Start("synack-no-such-python", PythonDriver());
  ASSERT_TRUE(server);
  CodeVerdict verdict = RunCodeBlocks({Block(1, " assert False ")}, "python3",
                                      server->client_fd());
  EXPECT_EQ(verdict.message, "assertion failed: assert False");

  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds), 0);
  close(fds[1]);
  verdict = RunCodeBlocks({Block(1, " assert 1 == 2 ")}, "python3", fds[0]);
  EXPECT_EQ(verdict.message, "assertion failed: assert 1 == 2");
  close(fds[0]);
}

TEST(BlockServerTest, TheServerEndsWithItsOwner) {
  // In a child that adopts orphans: an owner that starts a server and
  // exits without a word (as if killed), then the server, which must end
  // with it (killed, or at the end of its requests).
  const pid_t reaper = fork();
  ASSERT_GE(reaper, 0);
  if (reaper == 0) {
    alarm(20);  // a server that outlives its owner fails the test
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    int report[2];
    if (pipe(report) != 0) _exit(2);
    const pid_t owner = fork();
    if (owner == 0) {
      std::unique_ptr<BlockServer> server =
          BlockServer::Start("python3", PythonDriver());
      const pid_t pid = server ? server->pid() : -1;
      (void)!write(report[1], &pid, sizeof pid);
      _exit(0);
    }
    pid_t server = -1;
    if (read(report[0], &server, sizeof server) != sizeof server ||
        server <= 0) {
      _exit(3);
    }
    waitpid(owner, nullptr, 0);
    _exit(waitpid(server, nullptr, 0) == server ? 0 : 4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(reaper, &status, 0), reaper);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace synack::interpreter
