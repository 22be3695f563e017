// Tests for SuiteCleanup: the suite's directory goes when synack ends on
// its own terms and when it is SIGKILLed, alone or with its process group,
// but not while a run it forked is still running; as root it is a tmpfs
// mounted nowhere, which no file system names.
#include "cli/suite_cleanup.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "interpreter/testing/process_ends.h"

namespace synack::cli {
namespace {

using interpreter::testing::ProcessEnds;

namespace fs = std::filesystem;

bool Exists(const std::string& path) {
  std::error_code error;
  return fs::exists(fs::symlink_status(path, error));
}

// Waits up to 10 s for `path` to go: true once it has.
bool GoesAway(const std::string& path) {
  for (int i = 0; i < 1000 && Exists(path); ++i) usleep(10 * 1000);
  return !Exists(path);
}


class SuiteCleanupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/synack-cleanup-test-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    tmp_ = dir;
    if (const char* old = getenv("TMPDIR")) old_tmpdir_ = old;
    setenv("TMPDIR", tmp_.c_str(), 1);
  }
  void TearDown() override {
    if (old_tmpdir_) {
      setenv("TMPDIR", old_tmpdir_->c_str(), 1);
    } else {
      unsetenv("TMPDIR");
    }
    std::error_code ignored;
    fs::remove_all(tmp_, ignored);
  }

  // A stand-in for synack, in a process of its own: starts a SuiteCleanup,
  // writes a file in its directory, forks a run that lives until killed
  // (with `with_run`), then waits to be killed itself.
  struct Synack {
    pid_t pid = -1, reaper = -1, run = 0;
    std::string dir;
  };
  Synack StartSynack(bool own_group, bool with_run,
                     SuiteCleanup::Kind kind = SuiteCleanup::Kind::kReaper) {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      if (own_group) setpgid(0, 0);
      std::string error;
      std::unique_ptr<SuiteCleanup> cleanup = SuiteCleanup::Start(&error, kind);
      if (!cleanup) _exit(1);
      std::ofstream(cleanup->dir() + "/nstat.0") << "history\n";
      pid_t run = 0;
      if (with_run && (run = fork()) == 0) {
        for (;;) pause();
      }
      const std::string report = cleanup->dir() + " " +
                                 std::to_string(cleanup->reaper()) + " " +
                                 std::to_string(run) + "\n";
      if (write(fds[1], report.data(), report.size()) < 0) _exit(1);
      for (;;) pause();
    }
    close(fds[1]);
    std::string text;
    char buffer[4096];
    ssize_t n;
    while ((n = read(fds[0], buffer, sizeof buffer)) > 0) {
      text.append(buffer, static_cast<size_t>(n));
      if (text.back() == '\n') break;
    }
    close(fds[0]);
    Synack synack;
    synack.pid = pid;
    std::istringstream(text) >> synack.dir >> synack.reaper >> synack.run;
    return synack;
  }

  std::string tmp_;
  std::optional<std::string> old_tmpdir_;
};

TEST_F(SuiteCleanupTest, DirectoryIsInTmpdirAndGoesWithTheObject) {
  std::string error;
  std::unique_ptr<SuiteCleanup> cleanup =
      SuiteCleanup::Start(&error, SuiteCleanup::Kind::kReaper);
  ASSERT_TRUE(cleanup) << error;
  const std::string dir = cleanup->dir();
  EXPECT_EQ(fs::path(dir).parent_path(), fs::path(tmp_));
  EXPECT_EQ(fs::path(dir).filename().string().rfind("synack-", 0), 0u);
  EXPECT_TRUE(fs::is_directory(dir));
  std::ofstream(dir + "/synack-blocks-x") << "{}";
  const pid_t reaper = cleanup->reaper();
  cleanup.reset();
  EXPECT_FALSE(Exists(dir));
  // Reaped by the destructor: no zombie left.
  EXPECT_EQ(kill(reaper, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST_F(SuiteCleanupTest, ReaperHoldsNothingOfSynacks) {
  std::string error;
  std::unique_ptr<SuiteCleanup> cleanup =
      SuiteCleanup::Start(&error, SuiteCleanup::Kind::kReaper);
  ASSERT_TRUE(cleanup) << error;
  const std::string fds = "/proc/" + std::to_string(cleanup->reaper()) + "/fd/";
  // Not synack's output: a pipeline reading it ends with synack.
  EXPECT_EQ(fs::read_symlink(fds + "1"), "/dev/null");
  EXPECT_EQ(fs::read_symlink(fds + "2"), "/dev/null");
  EXPECT_EQ(fs::read_symlink("/proc/" + std::to_string(cleanup->reaper()) +
                             "/cwd"),
            "/");
  // A session of its own: neither synack's process group nor its terminal.
  EXPECT_EQ(getsid(cleanup->reaper()), cleanup->reaper());
}

TEST_F(SuiteCleanupTest, SigkillOfSynackLeavesNothing) {
  const Synack synack = StartSynack(false, false);
  ASSERT_FALSE(synack.dir.empty());
  EXPECT_TRUE(Exists(synack.dir + "/nstat.0"));
  kill(synack.pid, SIGKILL);
  waitpid(synack.pid, nullptr, 0);
  EXPECT_TRUE(GoesAway(synack.dir));
  EXPECT_TRUE(ProcessEnds(synack.reaper));
}

TEST_F(SuiteCleanupTest, SigkillOfSynacksProcessGroupLeavesNothing) {
  const Synack synack = StartSynack(true, false);
  ASSERT_FALSE(synack.dir.empty());
  kill(-synack.pid, SIGKILL);
  waitpid(synack.pid, nullptr, 0);
  EXPECT_TRUE(GoesAway(synack.dir));
  EXPECT_TRUE(ProcessEnds(synack.reaper));
}

// A run is a fork of synack: while one runs on (a few microseconds, until
// its death signal), it may still write in the directory.
TEST_F(SuiteCleanupTest, DirectoryStaysWhileARunLives) {
  const Synack synack = StartSynack(false, true);
  ASSERT_FALSE(synack.dir.empty());
  ASSERT_GT(synack.run, 0);
  kill(synack.pid, SIGKILL);
  waitpid(synack.pid, nullptr, 0);
  usleep(200 * 1000);
  EXPECT_TRUE(Exists(synack.dir));
  kill(synack.run, SIGKILL);
  EXPECT_TRUE(GoesAway(synack.dir));
  EXPECT_TRUE(ProcessEnds(synack.reaper));
}

std::string MountInfo() {
  std::ifstream in("/proc/self/mountinfo");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// As root: the directory is a tmpfs that no mount table lists and that is
// not in TMPDIR; no reaper; files made in it by path (as commands and
// python3 do) are there until the object goes, and then the path is gone.
TEST_F(SuiteCleanupTest, AsRootTheDirectoryIsATmpfsMountedNowhere) {
  if (geteuid() != 0) GTEST_SKIP() << "fsmount needs root";
  const std::string mounts = MountInfo();
  std::string error;
  std::unique_ptr<SuiteCleanup> cleanup = SuiteCleanup::Start(&error);
  ASSERT_TRUE(cleanup) << error;
  const std::string dir = cleanup->dir();
  EXPECT_EQ(cleanup->reaper(), -1);
  EXPECT_EQ(dir.rfind("/proc/", 0), 0u) << dir;
  std::ofstream(dir + "/nstat.0") << "history\n";
  EXPECT_EQ(ReadFile(dir + "/nstat.0"), "history\n");
  // A child that is not a fork of this process (sh) reaches it by path.
  EXPECT_EQ(system(("test \"$(cat " + dir + "/nstat.0)\" = history").c_str()), 0);
  EXPECT_EQ(MountInfo(), mounts);
  EXPECT_TRUE(fs::is_empty(tmp_));
  cleanup.reset();
  EXPECT_FALSE(Exists(dir + "/nstat.0"));
  EXPECT_TRUE(fs::is_empty(tmp_));
}

TEST_F(SuiteCleanupTest, AsRootSigkillLeavesNoNameAndNoProcess) {
  if (geteuid() != 0) GTEST_SKIP() << "fsmount needs root";
  const std::string mounts = MountInfo();
  const Synack synack =
      StartSynack(false, false, SuiteCleanup::Kind::kUnmountedTmpfs);
  ASSERT_EQ(synack.dir.rfind("/proc/" + std::to_string(synack.pid) + "/fd/", 0),
            0u)
      << synack.dir;
  EXPECT_EQ(synack.reaper, -1);
  EXPECT_EQ(ReadFile(synack.dir + "/nstat.0"), "history\n");
  kill(synack.pid, SIGKILL);
  waitpid(synack.pid, nullptr, 0);
  // The only holder is gone, so the kernel has freed the tmpfs: nothing
  // names it, in TMPDIR or in a mount table.
  EXPECT_FALSE(Exists(synack.dir));
  EXPECT_TRUE(fs::is_empty(tmp_));
  EXPECT_EQ(MountInfo(), mounts);
}

}  // namespace
}  // namespace synack::cli
