// Nothing outlives synack: a SIGKILLed or normally ending process that ran a
// sandbox and shell commands leaves no command running and no TUN device in
// the host.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "runtime/kernel/command.h"
#include "runtime/kernel/kernel_backend.h"
#include "runtime/kernel/test_helpers.h"

namespace synack::kernel {
namespace {

using std::chrono::milliseconds;

// Live processes whose argv[0] contains `marker`.
std::vector<pid_t> ProcessesNamed(const std::string& marker) {
  std::vector<pid_t> found;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return found;
  while (dirent* entry = readdir(proc)) {
    char* end;
    long pid = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    std::ifstream cmdline(std::string("/proc/") + entry->d_name + "/cmdline");
    std::string argv0;
    std::getline(cmdline, argv0, '\0');
    if (argv0.find(marker) != std::string::npos) {
      found.push_back(static_cast<pid_t>(pid));
    }
  }
  closedir(proc);
  return found;
}

// Waits up to `limit` for the number of `marker` processes to be `count`.
size_t WaitForCount(const std::string& marker, size_t count,
                    milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  size_t now = ProcessesNamed(marker).size();
  while (now != count && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(milliseconds(10));
    now = ProcessesNamed(marker).size();
  }
  return now;
}

class KillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/synack-kill-XXXXXX";
    ASSERT_NE(nullptr, mkdtemp(dir));
    dir_ = dir;
    // A sleep whose argv[0] names this test run, so it can be found by name.
    marker_ = dir_ + "/synack-kill-marker-" + std::to_string(getpid());
    ASSERT_EQ(0, symlink("/bin/sleep", marker_.c_str()));
    auto tuns = host_.Run("ip -o link show type tun", {});
    ASSERT_EQ(0, tuns.exit_status) << tuns.output;
    tuns_before_ = tuns.output;
  }
  void TearDown() override {
    for (pid_t pid : ProcessesNamed(marker_)) kill(pid, SIGKILL);
    unlink(marker_.c_str());
    rmdir(dir_.c_str());
  }

  // Forks a child that creates a backend, starts `sleep 100 &` and then
  // `body` runs; returns the child's pid once both sleeps are known to run.
  std::string TunsInHost() { return host_.Run("ip -o link show type tun", {}).output; }

  CommandRunner host_;  // runs in the test process: the host namespace
  std::string dir_, marker_, tuns_before_;
};

TEST_F(KillTest, SigkilledSynackLeavesNothingBehind) {
  SYNACK_REQUIRE_ROOT();
  int ready[2];
  ASSERT_EQ(0, pipe(ready));
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ready[0]);
    std::string error;
    auto backend = KernelBackend::Create(test::Ipv4Config(), &error);
    if (!backend) _exit(1);
    // Left running by its shell: only the guard can end it.
    backend->RunCommand(marker_ + " 100 &", {});
    if (write(ready[1], "r", 1) != 1) _exit(1);
    // Still running when the kill comes: its shell is a direct child.
    backend->RunCommand(marker_ + " 101", {});
    _exit(2);
  }
  close(ready[1]);
  char byte;
  ASSERT_EQ(1, read(ready[0], &byte, 1)) << "child failed to set up";
  close(ready[0]);
  EXPECT_EQ(2u, WaitForCount(marker_, 2, milliseconds(5000)));

  kill(child, SIGKILL);
  int status;
  ASSERT_EQ(child, waitpid(child, &status, 0));
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  EXPECT_EQ(0u, WaitForCount(marker_, 0, milliseconds(3000)));
  // The namespace's teardown runs in a kernel workqueue; a device it moved
  // to the host instead of deleting would show up by now.
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(tuns_before_, TunsInHost());
}

TEST_F(KillTest, NormalEndEndsBackgroundCommands) {
  SYNACK_REQUIRE_ROOT();
  std::string marker = marker_;
  std::string failure = test::RunInChild([&]() -> std::string {
    std::string error;
    auto backend = KernelBackend::Create(test::Ipv6Config(), &error);
    if (!backend) return "Create: " + error;
    auto result = backend->RunCommand(marker + " 100 &", {});
    if (result.exit_status != 0) return "command: " + result.output;
    if (WaitForCount(marker, 1, milliseconds(5000)) != 1) {
      return "the background sleep did not start";
    }
    return "";  // the backend's destructor ends the sleep
  });
  EXPECT_EQ("", failure);
  EXPECT_EQ(0u, WaitForCount(marker_, 0, milliseconds(3000)));
  EXPECT_EQ(tuns_before_, TunsInHost());
}

}  // namespace
}  // namespace synack::kernel
