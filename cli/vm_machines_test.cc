#include "cli/vm_machines.h"

#include <gtest/gtest.h>

namespace synack::cli {
namespace {

TEST(VmMachinesTest, GuestPlansFromTheSameArgumentsWithoutItsKernel) {
  EXPECT_EQ(GuestArgs({"-4", "--kernel=a.deb", "-j", "2", "--kernel=host",
                       "--vm-accel=tcg", "scripts"},
                      0, 1),
            (std::vector<std::string>{"run", "-4", "-j", "2", "scripts"}));
}

TEST(VmMachinesTest, AShardFromTheEnvironmentIsSpelledOut) {
  EXPECT_EQ(GuestArgs({"scripts", "--", "-odd.pkt"}, 1, 3),
            (std::vector<std::string>{"run", "scripts", "--shard-index=1",
                                      "--shard-count=3", "--", "-odd.pkt"}));
  EXPECT_EQ(GuestArgs({"--shard-index=0", "--shard-count=2", "s"}, 0, 2),
            (std::vector<std::string>{"run", "--shard-index=0",
                                      "--shard-count=2", "s"}));
}

}  // namespace
}  // namespace synack::cli
