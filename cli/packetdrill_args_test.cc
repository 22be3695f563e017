// Tests for reading packetdrill's command line by getopt_long's rules.
#include "cli/packetdrill_args.h"

#include <gtest/gtest.h>

namespace synack::cli {
namespace {

using Options = std::vector<std::pair<std::string, std::string>>;
using Words = std::vector<std::string>;

struct Accepted {
  Words args;
  Options options;
  Words scripts;
};

// Every spelling getopt_long accepts, each read as packetdrill reads it.
TEST(PacketdrillArgsTest, Accepted) {
  const Accepted cases[] = {
      {{"a.pkt"}, {}, {"a.pkt"}},
      {{"--ip_version=ipv6", "a.pkt"}, {{"ip_version", "ipv6"}}, {"a.pkt"}},
      // The value as the next argument, even one that starts with '-'.
      {{"--ip_version", "ipv6", "a.pkt"}, {{"ip_version", "ipv6"}}, {"a.pkt"}},
      {{"--tolerance_usecs", "-5", "a.pkt"},
       {{"tolerance_usecs", "-5"}},
       {"a.pkt"}},
      // Unique prefixes stand for the whole name.
      {{"--tolerance_u=1", "--ip_v", "ipv4", "--strict", "a.pkt"},
       {{"tolerance_usecs", "1"}, {"ip_version", "ipv4"}, {"strict_segments", ""}},
       {"a.pkt"}},
      // An exact name wins over the longer names it is a prefix of.
      {{"--wire_server", "a.pkt"}, {{"wire_server", ""}}, {"a.pkt"}},
      {{"--mtu=1400", "a.pkt"}, {{"mtu", "1400"}}, {"a.pkt"}},
      // Options after and between scripts (getopt permutes).
      {{"a.pkt", "-v", "b.pkt", "--mss=1000"},
       {{"verbose", ""}, {"mss", "1000"}},
       {"a.pkt", "b.pkt"}},
      // Short options: -v, -D with its value attached or next, clusters.
      {{"-D", "X=1", "-DY=2", "-vvDZ=3", "a.pkt"},
       {{"define", "X=1"},
        {"define", "Y=2"},
        {"verbose", ""},
        {"verbose", ""},
        {"define", "Z=3"}},
       {"a.pkt"}},
      {{"--define", "X=1", "--verbose", "a.pkt"},
       {{"define", "X=1"}, {"verbose", ""}},
       {"a.pkt"}},
      // `--` ends the options; a lone `-` is a script name.
      {{"--", "-v", "a.pkt"}, {}, {"-v", "a.pkt"}},
      {{"-"}, {}, {"-"}},
      // An empty value after '=' is a value.
      {{"--init_scripts=", "a.pkt"}, {{"init_scripts", ""}}, {"a.pkt"}},
  };
  for (const Accepted& c : cases) {
    const ParsedPacketdrillArgs parsed = ParsePacketdrillArgs(c.args);
    ASSERT_TRUE(parsed.args) << c.args[0] << ": " << parsed.error;
    EXPECT_EQ(c.options, parsed.args->options) << c.args[0];
    EXPECT_EQ(c.scripts, parsed.args->scripts) << c.args[0];
  }
}

// What getopt_long refuses, with its complaint.
TEST(PacketdrillArgsTest, Refused) {
  const std::pair<Words, std::string> cases[] = {
      {{"--no_such=1", "a.pkt"}, "unrecognized option '--no_such'"},
      {{"--tol=1", "a.pkt"},
       "option '--tol' is ambiguous; possibilities: '--tolerance_usecs' "
       "'--tolerance_percent'"},
      {{"--d", "a.pkt"},
       "option '--d' is ambiguous; possibilities: '--dry_run' '--debug' "
       "'--define'"},
      {{"--wire_server_", "a.pkt"},
       "option '--wire_server_' is ambiguous; possibilities: "
       "'--wire_server_ip' '--wire_server_at' '--wire_server_port' "
       "'--wire_server_dev'"},
      {{"--strict_segments=1", "a.pkt"},
       "option '--strict_segments' doesn't allow an argument"},
      {{"a.pkt", "--mss"}, "option '--mss' requires an argument"},
      {{"a.pkt", "-D"}, "option requires an argument -- 'D'"},
      {{"-x", "a.pkt"}, "invalid option -- 'x'"},
      {{"-vx", "a.pkt"}, "invalid option -- 'x'"},
  };
  for (const auto& [args, error] : cases) {
    const ParsedPacketdrillArgs parsed = ParsePacketdrillArgs(args);
    EXPECT_FALSE(parsed.args) << args[0];
    EXPECT_EQ(error, parsed.error);
  }
}

}  // namespace
}  // namespace synack::cli
