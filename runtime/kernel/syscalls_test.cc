// LinuxSyscalls: results and errno come through unchanged, from any thread.
#include "runtime/kernel/syscalls.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <thread>

namespace synack::kernel {
namespace {

TEST(LinuxSyscallsTest, PipeWriteRead) {
  LinuxSyscalls sys;
  int fds[2];
  ASSERT_EQ(0, sys.Pipe(fds).ret);
  auto wrote = sys.Write(fds[1], "abc", 3);
  EXPECT_EQ(3, wrote.ret);
  EXPECT_EQ(0, wrote.err);
  char buffer[8] = {};
  auto read = sys.Read(fds[0], buffer, sizeof(buffer));
  EXPECT_EQ(3, read.ret);
  EXPECT_EQ("abc", std::string(buffer, 3));
  EXPECT_EQ(0, sys.Close(fds[0]).ret);
  EXPECT_EQ(0, sys.Close(fds[1]).ret);
}

TEST(LinuxSyscallsTest, ErrorsCarryErrno) {
  LinuxSyscalls sys;
  auto closed = sys.Close(-1);
  EXPECT_EQ(-1, closed.ret);
  EXPECT_EQ(EBADF, closed.err);
  auto opened = sys.Open("/nonexistent/synack", O_RDONLY, 0);
  EXPECT_EQ(-1, opened.ret);
  EXPECT_EQ(ENOENT, opened.err);
  auto listened = sys.Listen(-1, 1);
  EXPECT_EQ(EBADF, listened.err);
}

TEST(LinuxSyscallsTest, FcntlFlagsRoundTrip) {
  LinuxSyscalls sys;
  int fds[2];
  ASSERT_EQ(0, sys.Pipe(fds).ret);
  EXPECT_EQ(0, sys.Fcntl(fds[0], F_SETFL, O_NONBLOCK).ret);
  EXPECT_EQ(O_NONBLOCK, sys.Fcntl(fds[0], F_GETFL, 0).ret & O_NONBLOCK);
  char byte;
  auto read = sys.Read(fds[0], &byte, 1);
  EXPECT_EQ(EAGAIN, read.err);
  sys.Close(fds[0]);
  sys.Close(fds[1]);
}

TEST(LinuxSyscallsTest, BlockingCallOnAnotherThread) {
  LinuxSyscalls sys;
  int fds[2];
  ASSERT_EQ(0, sys.Pipe(fds).ret);
  interpreter::SyscallResult read;
  char byte = 0;
  std::thread reader([&] { read = sys.Read(fds[0], &byte, 1); });
  sys.Write(fds[1], "z", 1);
  reader.join();
  EXPECT_EQ(1, read.ret);
  EXPECT_EQ('z', byte);
  sys.Close(fds[0]);
  sys.Close(fds[1]);
}

TEST(LinuxSyscallsTest, SpliceMovesTheOffset) {
  LinuxSyscalls sys;
  int in = static_cast<int>(sys.Open("/proc/self/exe", O_RDONLY, 0).ret);
  ASSERT_GE(in, 0);
  int fds[2];
  ASSERT_EQ(0, sys.Pipe(fds).ret);
  int64_t offset = 1;
  auto moved = sys.Splice(in, &offset, fds[1], nullptr, 3, 0);
  EXPECT_EQ(3, moved.ret);
  EXPECT_EQ(4, offset);
  char buffer[3];
  sys.Read(fds[0], buffer, 3);
  EXPECT_EQ("ELF", std::string(buffer, 3));
  sys.Close(in);
  sys.Close(fds[0]);
  sys.Close(fds[1]);
}

}  // namespace
}  // namespace synack::kernel
