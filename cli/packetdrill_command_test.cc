// Tests for packetdrill's command line mapped onto `synack run`.
#include "cli/packetdrill_command.h"

#include <gtest/gtest.h>

#include <sstream>

namespace synack::cli {
namespace {

using Flags = std::vector<std::pair<std::string, std::string>>;

MappedPacketdrillArgs Map(const std::vector<std::string>& args) {
  const ParsedPacketdrillArgs parsed = ParsePacketdrillArgs(args);
  EXPECT_TRUE(parsed.args) << parsed.error;
  return MapPacketdrillArgs(*parsed.args);
}

grammar::OptionLine Option(std::string name, std::string value) {
  grammar::OptionLine option;
  option.name = std::move(name);
  option.value = std::move(value);
  return option;
}

// run_all.py's ipv4 command line: every flag reaches `synack run`, the
// symbols become defines, and the runner's own defaults are off.
TEST(PacketdrillCommandTest, RunAllIpv4CommandLine) {
  const MappedPacketdrillArgs mapped =
      Map({"--send_omit_free", "--ip_version=ipv4", "--local_ip=192.168.0.1",
           "--gateway_ip=192.168.0.1", "--netmask_ip=255.255.0.0",
           "--remote_ip=192.0.2.1", "-D", "TFO_COOKIE=3021b9d889017eeb",
           "-D", "CODE=host_unreachable", "-vv", "x.pkt"});
  ASSERT_TRUE(mapped.invocation) << mapped.error;
  const CommandLine& cl = mapped.invocation->command_line;
  EXPECT_EQ("run", cl.command);
  EXPECT_FALSE(cl.runner_defaults);
  EXPECT_TRUE(cl.verbose);
  EXPECT_FALSE(mapped.invocation->dry_run);
  EXPECT_EQ((Flags{{"send_omit_free", ""},
                   {"ip_version", "ipv4"},
                   {"local_ip", "192.168.0.1"},
                   {"gateway_ip", "192.168.0.1"},
                   {"netmask_ip", "255.255.0.0"},
                   {"remote_ip", "192.0.2.1"}}),
            cl.flags);
  EXPECT_EQ("3021b9d889017eeb", cl.defines.at("TFO_COOKIE"));
  EXPECT_EQ("host_unreachable", cl.defines.at("CODE"));
}

TEST(PacketdrillCommandTest, EveryFlagOfSynackRunPassesThrough) {
  const MappedPacketdrillArgs mapped =
      Map({"--bind_port=1", "--connect_port=2", "--mtu=1400", "--mss=1000",
           "--tolerance_usecs=7", "--tolerance_percent=3",
           "--tcp_ts_ecr_scaled", "--tcp_ts_tick_usecs=1000",
           "--strict_segments", "--non_fatal=packet", "x.pkt"});
  ASSERT_TRUE(mapped.invocation) << mapped.error;
  EXPECT_EQ((Flags{{"bind_port", "1"},
                   {"connect_port", "2"},
                   {"mtu", "1400"},
                   {"mss", "1000"},
                   {"tolerance_usecs", "7"},
                   {"tolerance_percent", "3"},
                   {"tcp_ts_ecr_scaled", ""},
                   {"tcp_ts_tick_usecs", "1000"},
                   {"strict_segments", ""},
                   {"non_fatal", "packet"}}),
            mapped.invocation->command_line.flags);
}

TEST(PacketdrillCommandTest, DebugVerboseAndDryRun) {
  EXPECT_TRUE(Map({"--debug", "x.pkt"}).invocation->command_line.verbose);
  EXPECT_TRUE(Map({"--verb", "x.pkt"}).invocation->command_line.verbose);
  EXPECT_FALSE(Map({"x.pkt"}).invocation->command_line.verbose);
  EXPECT_TRUE(Map({"--dry_run", "x.pkt"}).invocation->dry_run);
}

// packetdrill's defaults for the %{ }% interpreter are what synack uses:
// naming them is accepted; any other value is refused.
TEST(PacketdrillCommandTest, CodeDefaultsAccepted) {
  EXPECT_TRUE(Map({"--code_command=python3", "--code_format=python", "x.pkt"})
                  .invocation);
  EXPECT_EQ("--code_command is not supported: synack runs %{ }% blocks with "
            "python3 only",
            Map({"--code_command=python2", "x.pkt"}).error);
}

// Each flag synack cannot honour gets one line naming it and why.
TEST(PacketdrillCommandTest, RefusedFlags) {
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{"--wire_client"},
       "--wire_client is not supported: synack has no wire client mode"},
      {{"--wire_server_at=h"},
       "--wire_server_at is not supported: synack has no wire client mode"},
      {{"--so_filename=x.so"},
       "--so_filename is not supported: synack runs the kernel or its own "
       "stack, not a shared-object stack"},
      {{"--psp_udp_port=1000"},
       "--psp_udp_port is not supported: synack does not model PSP"},
      {{"--speed=100"},
       "--speed is not supported: synack does not set the TUN device's link "
       "speed"},
      {{"--is_anyip"},
       "--is_anyip is not supported: synack does not route a remote address "
       "range to the TUN device"},
      {{"-D", "=1"}, "bad definition: =1 (-D needs NAME=value)"},
      {{"-D", "X"}, "bad definition: X (-D needs NAME=value)"},
  };
  for (const auto& [args, error] : cases) {
    std::vector<std::string> with_script = args;
    with_script.push_back("x.pkt");
    const MappedPacketdrillArgs mapped = Map(with_script);
    EXPECT_FALSE(mapped.invocation) << args[0];
    EXPECT_EQ(error, mapped.error);
  }
}

// No flags: packetdrill's own defaults (config.c), below the script's
// option lines.
TEST(PacketdrillCommandTest, DefaultsWhenNothingIsGiven) {
  const CommandLine base = Map({"x.pkt"}).invocation->command_line;
  const CommandLine cl = ScriptCommandLine(base, "x.pkt", {});
  EXPECT_EQ(std::vector<std::string>{"x.pkt"}, cl.files);
  EXPECT_EQ((Flags{{"local_ip", "192.168.0.2"},
                   {"remote_ip", "192.0.2.1"},
                   {"gateway_ip", "192.168.0.1"},
                   {"netmask_ip", "255.255.0.0"},
                   {"mtu", "1500"},
                   {"ip_version", "ipv4"}}),
            cl.flags);
}

// The script's --ip_version chooses the version and its defaults; a
// script's address stands (the defaults leave it alone); the command
// line's flags come last, so they win.
TEST(PacketdrillCommandTest, ScriptOptionsBeforeDefaults) {
  const CommandLine base =
      Map({"--tolerance_usecs=9", "x.pkt"}).invocation->command_line;
  const CommandLine cl = ScriptCommandLine(
      base, "x.pkt",
      {Option("ip_version", "ipv6"), Option("remote_ip", "2001:db8::9")});
  EXPECT_EQ((Flags{{"local_ip", "fd3d:fa7b:d17d::1"},
                   {"gateway_ip", "fd3d:fa7b:d17d:8888::"},
                   {"mtu", "1500"},
                   {"tolerance_usecs", "9"},
                   {"ip_version", "ipv6"}}),
            cl.flags);
}

TEST(PacketdrillCommandTest, CommandLineVersionWins) {
  const CommandLine base =
      Map({"--ip_version=ipv4-mapped-ipv6", "--mtu=1400", "x.pkt"})
          .invocation->command_line;
  const CommandLine cl =
      ScriptCommandLine(base, "x.pkt", {Option("ip_version", "ipv6")});
  EXPECT_EQ((Flags{{"local_ip", "192.168.0.2"},
                   {"remote_ip", "192.0.2.1"},
                   {"gateway_ip", "192.168.0.1"},
                   {"netmask_ip", "255.255.0.0"},
                   {"ip_version", "ipv4-mapped-ipv6"},
                   {"mtu", "1400"}}),
            cl.flags);
}

// Usage errors are packetdrill's EXIT_FAILURE, with one line on stderr.
TEST(PacketdrillCommandTest, UsageErrorsExitOne) {
  std::ostringstream err;
  EXPECT_EQ(1, PacketdrillCommand({"--bogus", "x.pkt"}, err));
  EXPECT_EQ("packetdrill (synack): unrecognized option '--bogus'\n", err.str());
  err.str("");
  EXPECT_EQ(1, PacketdrillCommand({"-v"}, err));
  EXPECT_EQ("packetdrill (synack): error: missing script path\n", err.str());
  err.str("");
  EXPECT_EQ(1, PacketdrillCommand({"--wire_server", "x.pkt"}, err));
  EXPECT_EQ(
      "packetdrill (synack): --wire_server is not supported: synack has no "
      "wire server mode\n",
      err.str());
}

}  // namespace
}  // namespace synack::cli
