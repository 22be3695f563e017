// FdNumbers: the lowest free descriptor, as POSIX hands them out.
#include "runtime/stack/fd_numbers.h"

#include <gtest/gtest.h>

namespace synack::stack {
namespace {

TEST(FdNumbersTest, LowestFreeFirst) {
  FdNumbers fds(3);
  EXPECT_EQ(fds.Take(), 3);
  EXPECT_EQ(fds.Take(), 4);
  EXPECT_EQ(fds.Take(), 5);
  EXPECT_EQ(fds.Take(), 6);
  fds.Release(5);
  fds.Release(3);
  EXPECT_EQ(fds.Take(), 3);
  EXPECT_EQ(fds.Take(), 5);
  EXPECT_EQ(fds.Take(), 7);
}

TEST(FdNumbersTest, ReleasingTheHighestLowersTheMark) {
  FdNumbers fds(3);
  for (int i = 0; i < 5; ++i) fds.Take();  // 3..7
  fds.Release(5);
  fds.Release(6);
  fds.Release(7);  // 5, 6, 7 free: the next new number is 5
  EXPECT_EQ(fds.Take(), 5);
  EXPECT_EQ(fds.Take(), 6);
  fds.Release(42);  // never taken
  fds.Release(6);
  fds.Release(6);  // twice
  EXPECT_EQ(fds.Take(), 6);
  EXPECT_EQ(fds.Take(), 7);
}

}  // namespace
}  // namespace synack::stack
