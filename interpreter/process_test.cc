// Tests for RunProcess: output and status, a program that is not there, and
// a helper that dies with the process waiting for it.
#include "interpreter/process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "interpreter/testing/process_ends.h"

namespace synack::interpreter {
namespace {

using synack::interpreter::testing::ProcessEnds;

TEST(RunProcessTest, OutputAndExitStatus) {
  const ProcessResult result =
      RunProcess({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(result.start_error, "");
  EXPECT_EQ(result.exit_status, 3);
  EXPECT_EQ(result.output, "out\nerr\n");
}

TEST(RunProcessTest, MissingProgram) {
  const ProcessResult result = RunProcess({"synack-no-such-program"});
  EXPECT_EQ(result.start_error,
            "synack-no-such-program: No such file or directory");
}

// The first child of `pid` once it runs `comm`; 0 if none did within 10 s.
pid_t ChildRunning(pid_t pid, const std::string& comm) {
  const std::string proc = "/proc/" + std::to_string(pid);
  for (int i = 0; i < 1000; ++i) {
    std::ifstream children(proc + "/task/" + std::to_string(pid) + "/children");
    pid_t child = 0;
    if (children >> child) {
      std::ifstream name("/proc/" + std::to_string(child) + "/comm");
      std::string text;
      if (std::getline(name, text) && text == comm) return child;
    }
    usleep(10 * 1000);
  }
  return 0;
}


// A run without a PID namespace (the own stack without root) has nothing
// else to end its python3 when synack, and so the run, is SIGKILLed.
TEST(RunProcessTest, HelperDiesWithItsCaller) {
  const pid_t caller = fork();
  ASSERT_GE(caller, 0);
  if (caller == 0) {
    RunProcess({"sleep", "60"});
    _exit(0);
  }
  const pid_t helper = ChildRunning(caller, "sleep");
  EXPECT_GT(helper, 0);
  kill(caller, SIGKILL);
  waitpid(caller, nullptr, 0);
  if (helper > 0) {
    EXPECT_TRUE(ProcessEnds(helper));
    kill(helper, SIGKILL);
  }
}

}  // namespace
}  // namespace synack::interpreter
