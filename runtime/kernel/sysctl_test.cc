// Sysctl names and paths, and that a sandbox's sysctls are its own.
#include "runtime/kernel/sysctl.h"

#include <gtest/gtest.h>

#include "runtime/kernel/sandbox.h"
#include "runtime/kernel/test_helpers.h"

namespace synack::kernel {
namespace {

TEST(SysctlPathTest, DottedSlashedAndFullNames) {
  EXPECT_EQ("/proc/sys/net/ipv4/tcp_sack", SysctlPath("net.ipv4.tcp_sack"));
  EXPECT_EQ("/proc/sys/net/ipv6/conf/eth0.100/mtu",
            SysctlPath("net/ipv6/conf/eth0.100/mtu"));
  EXPECT_EQ("/proc/sys/net/core/somaxconn",
            SysctlPath("/proc/sys/net/core/somaxconn"));
}

TEST(SysctlTest, ReadStripsTheNewline) {
  std::string value;
  ASSERT_EQ("", ReadSysctl("kernel.ostype", &value));
  EXPECT_EQ("Linux", value);
}

TEST(SysctlTest, MissingNameIsAnError) {
  std::string value;
  EXPECT_EQ("cannot open /proc/sys/net/ipv4/synack_no_such: "
            "No such file or directory",
            ReadSysctl("net.ipv4.synack_no_such", &value));
}

TEST(SysctlTest, WritesInTheSandboxLeaveTheHostAlone) {
  SYNACK_REQUIRE_ROOT();
  const std::string name = "net.ipv4.tcp_syn_retries";
  std::string host_before;
  ASSERT_EQ("", ReadSysctl(name, &host_before));
  const std::string other = host_before == "3" ? "4" : "3";

  std::string failure = test::RunInChild([&]() -> std::string {
    std::string error;
    auto sandbox = Sandbox::Create(test::Ipv4Config(), &error);
    if (!sandbox) return "Create: " + error;
    error = WriteSysctl(name, other);
    if (!error.empty()) return error;
    std::string value;
    error = ReadSysctl(name, &value);
    if (!error.empty()) return error;
    return value == other ? "" : "read back " + value;
  });
  EXPECT_EQ("", failure);

  std::string host_after;
  ASSERT_EQ("", ReadSysctl(name, &host_after));
  EXPECT_EQ(host_before, host_after);
}

}  // namespace
}  // namespace synack::kernel
