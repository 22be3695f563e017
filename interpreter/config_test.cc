#include "interpreter/config.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

namespace synack::interpreter {
namespace {

TEST(DefaultConfigTest, Ipv4) {
  RunConfig config = DefaultConfig(IpVersion::kIpv4);
  EXPECT_EQ(config.net.local_ip.ToString(), "192.168.0.1");
  EXPECT_EQ(config.net.remote_ip.ToString(), "192.0.2.1");
  EXPECT_EQ(config.net.gateway_ip.ToString(), "192.168.0.1");
  EXPECT_EQ(config.net.netmask_ip.ToString(), "255.255.0.0");
  EXPECT_EQ(config.net.prefix_len, 16);
  EXPECT_EQ(config.net.mtu, 1500);
  EXPECT_EQ(config.net.bind_port, 8080);
  EXPECT_EQ(config.net.connect_port, 8080);
  EXPECT_EQ(config.tolerance_usecs, 4000);
  EXPECT_EQ(config.tolerance_percent, 12.5);
  EXPECT_EQ(config.net.socket_family(), AF_INET);
  EXPECT_EQ(config.net.wire_family(), AF_INET);
}

TEST(DefaultConfigTest, Ipv6) {
  RunConfig config = DefaultConfig(IpVersion::kIpv6);
  EXPECT_EQ(config.net.local_ip, *wire::IpAddress::Parse("fd3d:a0b:17d6::1"));
  EXPECT_EQ(config.net.remote_ip, *wire::IpAddress::Parse("fd3d:fa7b:d17d::1"));
  EXPECT_EQ(config.net.gateway_ip,
            *wire::IpAddress::Parse("fd3d:a0b:17d6:8888::1"));
  EXPECT_EQ(config.net.mtu, 1520);
  EXPECT_EQ(config.net.socket_family(), AF_INET6);
  EXPECT_EQ(config.net.wire_family(), AF_INET6);
}

TEST(DefaultConfigTest, Ipv4MappedUsesIpv4AddressesAndIpv6Sockets) {
  RunConfig config = DefaultConfig(IpVersion::kIpv4MappedIpv6);
  EXPECT_EQ(config.net.local_ip.ToString(), "192.168.0.1");
  EXPECT_EQ(config.net.remote_ip.ToString(), "192.0.2.1");
  EXPECT_EQ(config.net.mtu, 1500);
  EXPECT_EQ(config.net.socket_family(), AF_INET6);
  EXPECT_EQ(config.net.wire_family(), AF_INET);
}

TEST(ApplyOptionTest, EveryValueFlag) {
  RunConfig config = DefaultConfig(IpVersion::kIpv4);
  EXPECT_EQ(ApplyOption(config, "local_ip", "192.168.0.2"), "");
  EXPECT_EQ(ApplyOption(config, "remote_ip", "10.248.0.2"), "");
  EXPECT_EQ(ApplyOption(config, "gateway_ip", "192.168.0.254"), "");
  EXPECT_EQ(ApplyOption(config, "netmask_ip", "255.255.255.0"), "");
  EXPECT_EQ(ApplyOption(config, "mtu", "9000"), "");
  EXPECT_EQ(ApplyOption(config, "bind_port", "9090"), "");
  EXPECT_EQ(ApplyOption(config, "connect_port", "443"), "");
  EXPECT_EQ(ApplyOption(config, "tolerance_usecs", "10000"), "");
  EXPECT_EQ(ApplyOption(config, "tolerance_percent", "25"), "");
  EXPECT_EQ(ApplyOption(config, "tcp_ts_tick_usecs", "1000"), "");
  EXPECT_EQ(ApplyOption(config, "define", "TFO_COOKIE=de4f234f0f433a55"), "");
  EXPECT_EQ(ApplyOption(config, "pcap", "/tmp/x.pcap"), "");
  EXPECT_EQ(ApplyOption(config, "non_fatal", "packet,syscall"), "");
  EXPECT_EQ(config.net.local_ip.ToString(), "192.168.0.2");
  EXPECT_EQ(config.net.remote_ip.ToString(), "10.248.0.2");
  EXPECT_EQ(config.net.gateway_ip.ToString(), "192.168.0.254");
  EXPECT_EQ(config.net.prefix_len, 24);
  EXPECT_EQ(config.net.mtu, 9000);
  EXPECT_EQ(config.net.bind_port, 9090);
  EXPECT_EQ(config.net.connect_port, 443);
  EXPECT_EQ(config.tolerance_usecs, 10000);
  EXPECT_EQ(config.tolerance_percent, 25);
  EXPECT_EQ(config.tcp_ts_tick_usecs, 1000);
  EXPECT_EQ(config.defines.at("TFO_COOKIE"), "de4f234f0f433a55");
  EXPECT_EQ(config.pcap_path, "/tmp/x.pcap");
  EXPECT_TRUE(config.non_fatal_packet);
  EXPECT_TRUE(config.non_fatal_syscall);
}

TEST(ApplyOptionTest, Flags) {
  RunConfig config = DefaultConfig(IpVersion::kIpv4);
  EXPECT_EQ(ApplyOption(config, "tcp_ts_ecr_scaled", ""), "");
  EXPECT_EQ(ApplyOption(config, "strict_segments", ""), "");
  EXPECT_EQ(ApplyOption(config, "verbose", ""), "");
  EXPECT_EQ(ApplyOption(config, "send_omit_free", ""), "");
  EXPECT_TRUE(config.tcp_ts_ecr_scaled);
  EXPECT_TRUE(config.strict_segments);
  EXPECT_TRUE(config.verbose);
  EXPECT_TRUE(config.send_omit_free);
}

TEST(ApplyOptionTest, DebugIsVerbose) {
  RunConfig config = DefaultConfig(IpVersion::kIpv4);
  EXPECT_FALSE(config.verbose);
  EXPECT_EQ(ApplyOption(config, "debug", ""), "");
  EXPECT_TRUE(config.verbose);
}

TEST(ApplyOptionTest, NoPacketdrillFlagIsIgnoredSilently) {
  RunConfig config = DefaultConfig(IpVersion::kIpv4);
  EXPECT_EQ(ApplyOption(config, "speed", "100"),
            "not supported by synack: it does not set the TUN device's link "
            "speed");
  for (const char* name : {"dry_run", "is_anyip", "init_scripts",
                           "code_command", "wire_client", "so_filename"}) {
    EXPECT_EQ(ApplyOption(config, name, "x"), "not supported by synack")
        << name;
  }
}

TEST(ApplyOptionTest, Errors) {
  RunConfig config = DefaultConfig(IpVersion::kIpv4);
  EXPECT_EQ(ApplyOption(config, "bogus", "1"), "unknown option");
  EXPECT_EQ(ApplyOption(config, "mtu", "big"), "needs an integer, found 'big'");
  EXPECT_EQ(ApplyOption(config, "bind_port", "70000"),
            "must be between 1 and 65535, found '70000'");
  EXPECT_EQ(ApplyOption(config, "local_ip", "2001:db8::1"),
            "needs an IPv4 address for this ip_version, found '2001:db8::1'");
  EXPECT_EQ(ApplyOption(config, "verbose", "yes"),
            "takes no value, found 'yes'");
  EXPECT_EQ(ApplyOption(config, "non_fatal", "packets"),
            "takes a comma-separated list of 'packet' and 'syscall', found "
            "'packets'");
  EXPECT_EQ(ApplyOption(config, "wire_client", ""), "not supported by synack");
}

TEST(ApplyOptionTest, IpVersionResetsAddressesKeepsPorts) {
  RunConfig config = DefaultConfig(IpVersion::kIpv4);
  ASSERT_EQ(ApplyOption(config, "bind_port", "9000"), "");
  ASSERT_EQ(ApplyOption(config, "ip_version", "ipv6"), "");
  EXPECT_EQ(config.net.ip_version, IpVersion::kIpv6);
  EXPECT_EQ(config.net.mtu, 1520);
  EXPECT_EQ(config.net.bind_port, 9000);
  EXPECT_EQ(ApplyOption(config, "ip_version", "ipv5"),
            "must be ipv4, ipv6 or ipv4-mapped-ipv6, found 'ipv5'");
}

TEST(ResolveConfigTest, CommandLineWinsOverScript) {
  std::vector<grammar::OptionLine> script = {
      {{1, 1}, "tolerance_usecs", "10000"},
      {{2, 1}, "local_ip", "192.168.0.2"},
  };
  std::vector<Flag> command_line = {{"tolerance_usecs", "20000"}};
  RunConfig config;
  ASSERT_EQ(ResolveConfig(command_line, script, &config), "");
  EXPECT_EQ(config.tolerance_usecs, 20000);
  EXPECT_EQ(config.net.local_ip.ToString(), "192.168.0.2");
}

// tcp/fastopen/server/opt34/pure-syn-data.pkt under packetdrill's IPv6
// runner: the script's IPv4 address is replaced, not rejected.
TEST(ResolveConfigTest, OverriddenScriptLinesAreNotChecked) {
  std::vector<grammar::OptionLine> script = {
      {{3, 1}, "remote_ip", "192.0.2.1"},
  };
  RunConfig config;
  ASSERT_EQ(ResolveConfig({{"ip_version", "ipv6"},
                           {"local_ip", "fd3d:fa7b:d17d::0"},
                           {"remote_ip", "2001:DB8::1"}},
                          script, &config),
            "");
  EXPECT_EQ(config.net.remote_ip.ToString(), "2001:db8::1");
  // Without the command line's address the script's is checked.
  EXPECT_EQ(ResolveConfig({{"ip_version", "ipv6"}}, script, &config),
            "line 3: --remote_ip: needs an IPv6 address for this ip_version, "
            "found '192.0.2.1'");
}

TEST(ResolveConfigTest, IpVersionFirstFromEitherPlace) {
  std::vector<grammar::OptionLine> script = {
      {{1, 1}, "local_ip", "fd3d:fa7b:d17d::0"},
      {{2, 1}, "ip_version", "ipv6"},
  };
  RunConfig config;
  ASSERT_EQ(ResolveConfig({}, script, &config), "");
  EXPECT_EQ(config.net.ip_version, IpVersion::kIpv6);
  EXPECT_EQ(config.net.local_ip, *wire::IpAddress::Parse("fd3d:fa7b:d17d::"));

  // The command line's version wins, so the script's IPv6 address is wrong.
  EXPECT_EQ(ResolveConfig({{"ip_version", "ipv4"}}, script, &config),
            "line 1: --local_ip: needs an IPv4 address for this ip_version, "
            "found 'fd3d:fa7b:d17d::0'");
}

}  // namespace
}  // namespace synack::interpreter
