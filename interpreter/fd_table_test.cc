#include "interpreter/fd_table.h"

#include <gtest/gtest.h>

namespace synack::interpreter {
namespace {

TEST(FdTableTest, TranslatesScriptFdsToLiveOnes) {
  FdTable fds;
  EXPECT_EQ(fds.Add(3, 7, true), std::nullopt);
  EXPECT_EQ(fds.Translate(3), 7);
  EXPECT_EQ(fds.Find(3), 7);
  EXPECT_EQ(fds.Find(4), std::nullopt);
}

TEST(FdTableTest, UnknownFdsNeverReachARealDescriptor) {
  FdTable fds;
  EXPECT_EQ(fds.Translate(5), FdTable::kUnknownFd);
  EXPECT_EQ(fds.Translate(-1), -1);
}

TEST(FdTableTest, ReusingAnOpenScriptFdReplacesIt) {
  FdTable fds;
  EXPECT_EQ(fds.Add(3, 7, true), std::nullopt);
  EXPECT_EQ(fds.Add(3, 8, true), 7);
  EXPECT_EQ(fds.Translate(3), 8);
  EXPECT_EQ(fds.CurrentSocket(), 8);
  fds.Remove(3);
  EXPECT_EQ(fds.Add(3, 9, true), std::nullopt);
}

TEST(FdTableTest, OnlyTheFirstConnectCounts) {
  FdTable fds;
  fds.Add(3, 7, true);
  EXPECT_TRUE(fds.FirstConnect(7));
  EXPECT_FALSE(fds.FirstConnect(7));
  // Closed, and the kernel hands out 7 again: a new socket.
  fds.Remove(3);
  fds.Add(4, 7, true);
  EXPECT_TRUE(fds.FirstConnect(7));
}

TEST(FdTableTest, ForgottenConnections) {
  FdTable fds;
  EXPECT_FALSE(fds.IsForgotten({40000, 8080}));
  fds.Forget({40000, 8080});
  EXPECT_TRUE(fds.IsForgotten({40000, 8080}));
  EXPECT_FALSE(fds.IsForgotten({8080, 40000}));
}

TEST(FdTableTest, CurrentSocketIsTheNewestOpenOne) {
  FdTable fds;
  EXPECT_EQ(fds.CurrentSocket(), std::nullopt);
  fds.Add(3, 10, true);   // listener
  fds.Add(5, 12, false);  // epoll: not a socket
  EXPECT_EQ(fds.CurrentSocket(), 10);
  fds.Add(4, 11, true);   // accepted
  EXPECT_EQ(fds.CurrentSocket(), 11);
  fds.Remove(4);
  EXPECT_EQ(fds.CurrentSocket(), 10);
}

}  // namespace
}  // namespace synack::interpreter
