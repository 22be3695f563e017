// Tests for synack's command-line parsing and the variant rules.
#include "cli/command_line.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli/help.h"
#include "cli/variants.h"

namespace synack::cli {
namespace {

using interpreter::IpVersion;

CommandLine MustParse(const std::vector<std::string>& args) {
  ParsedCommandLine parsed = ParseCommandLine(args);
  EXPECT_EQ("", parsed.error);
  return parsed.command_line.value_or(CommandLine{});
}

TEST(CommandLineTest, RunWithPacketdrillFlagsAndDefines) {
  CommandLine cl = MustParse({"run", "--tolerance_usecs=10000", "-D",
                              "TFO_COOKIE=abcd", "-DX=1", "--define=Y=2", "-4",
                              "--ipv4-mapped", "--pcap=out.pcap",
                              "--timeout=12.5", "a.pkt", "dir"});
  EXPECT_EQ("run", cl.command);
  ASSERT_EQ(1u, cl.flags.size());
  EXPECT_EQ("tolerance_usecs", cl.flags[0].first);
  EXPECT_EQ("10000", cl.flags[0].second);
  EXPECT_EQ("abcd", cl.defines["TFO_COOKIE"]);
  EXPECT_EQ("1", cl.defines["X"]);
  EXPECT_EQ("2", cl.defines["Y"]);
  EXPECT_EQ((std::vector<IpVersion>{IpVersion::kIpv4,
                                    IpVersion::kIpv4MappedIpv6}),
            cl.variants);
  EXPECT_EQ("out.pcap", cl.pcap_path);
  EXPECT_DOUBLE_EQ(12.5, cl.timeout_seconds);
  EXPECT_EQ((std::vector<std::string>{"a.pkt", "dir"}), cl.files);
}

TEST(CommandLineTest, TickPhase) {
  EXPECT_FALSE(MustParse({"run", "a.pkt"}).tick_phase.has_value());
  EXPECT_EQ(0.75, MustParse({"run", "--tick-phase=0.75", "a.pkt"}).tick_phase);
  EXPECT_EQ(0, MustParse({"run", "--tick-phase=0", "a.pkt"}).tick_phase);
  EXPECT_EQ(-1, MustParse({"run", "--tick-phase=off", "a.pkt"}).tick_phase);
}

TEST(CommandLineTest, HelpForms) {
  EXPECT_EQ("help", MustParse({"--help"}).command);
  EXPECT_EQ("", MustParse({"--help"}).help_topic);
  EXPECT_EQ("run", MustParse({"help", "run"}).help_topic);
  CommandLine cl = MustParse({"check", "--help"});
  EXPECT_EQ("help", cl.command);
  EXPECT_EQ("check", cl.help_topic);
  EXPECT_EQ("version", MustParse({"--version"}).command);
}

TEST(CommandLineTest, UsageErrors) {
  struct Case {
    std::vector<std::string> args;
    std::string error;
  } cases[] = {
      {{}, "no command given (try 'synack --help')"},
      {{"frob"},
       "unknown command 'frob' (commands: check, fmt, run, list, import, help)"},
      {{"list", "--backend=stack", "a.pkt"},
       "unknown option '--backend=stack' for 'list' (see 'synack help list')"},
      {{"check"}, "'check' needs at least one file"},
      {{"run", "--no_such_flag=1", "a.pkt"},
       "unknown option '--no_such_flag' (see 'synack help run')"},
      {{"check", "-4", "a.pkt"},
       "unknown option '-4' for 'check' (see 'synack help check')"},
      {{"run", "-D"}, "-D needs NAME=value"},
      {{"run", "-D", "=3", "a.pkt"}, "-D needs NAME=value"},
      {{"run", "--timeout=soon", "a.pkt"},
       "--timeout needs a positive number of seconds, found 'soon'"},
      {{"run", "--pcap=", "a.pkt"}, "--pcap needs a file name"},
      {{"run", "--tick-phase=1", "a.pkt"},
       "--tick-phase needs a fraction from 0 to below 1, or off, found '1'"},
      {{"run", "--tick-phase=", "a.pkt"},
       "--tick-phase needs a fraction from 0 to below 1, or off, found ''"},
      {{"run", "--tick-phase=.5x", "a.pkt"},
       "--tick-phase needs a fraction from 0 to below 1, or off, found '.5x'"},
      {{"help", "frob"}, "no help for unknown command 'frob'"},
      {{"help", "run", "check"}, "help takes at most one command name"},
      {{"import"}, "'import' needs at least one file"},
      {{"import", "a.pcap", "b.pcap"},
       "'import' reads one capture, found 2 files"},
      {{"import", "--flow"}, "--flow needs ADDR:PORT"},
      {{"import", "--local=", "a.pcap"}, "--local needs ADDR"},
      {{"import", "a.pcap", "-o"}, "-o needs a file name"},
      {{"import", "-4", "a.pcap"},
       "unknown option '-4' for 'import' (see 'synack help import')"},
  };
  for (const Case& c : cases) {
    ParsedCommandLine parsed = ParseCommandLine(c.args);
    EXPECT_FALSE(parsed.command_line.has_value());
    EXPECT_EQ(c.error, parsed.error);
  }
}

TEST(CommandLineTest, ImportOptions) {
  CommandLine cl = MustParse({"import", "--flow", "[2001:db8::1]:80",
                              "--local=10.0.0.1", "-o", "out.pkt", "c.pcap"});
  EXPECT_EQ("import", cl.command);
  EXPECT_EQ("[2001:db8::1]:80", cl.import_flow);
  EXPECT_EQ("10.0.0.1", cl.import_local);
  EXPECT_EQ("out.pkt", cl.import_output);
  EXPECT_EQ((std::vector<std::string>{"c.pcap"}), cl.files);
  cl = MustParse({"import", "--flow=10.0.0.2:8080", "--local", "10.0.0.1",
                  "c.pcap"});
  EXPECT_EQ("10.0.0.2:8080", cl.import_flow);
  EXPECT_EQ("10.0.0.1", cl.import_local);
  EXPECT_EQ("", cl.import_output);
}

TEST(CommandLineTest, DoubleDashEndsOptions) {
  CommandLine cl = MustParse({"check", "--", "-odd.pkt"});
  EXPECT_EQ((std::vector<std::string>{"-odd.pkt"}), cl.files);
}

TEST(VariantsTest, ScriptNameRule) {
  using V = std::vector<IpVersion>;
  EXPECT_EQ((V{IpVersion::kIpv6}), VariantsForScript("mtu_probe/basic-v6.pkt"));
  EXPECT_EQ((V{IpVersion::kIpv4, IpVersion::kIpv4MappedIpv6}),
            VariantsForScript("mtu_probe/basic-v4.pkt"));
  EXPECT_EQ((V{IpVersion::kIpv4, IpVersion::kIpv6, IpVersion::kIpv4MappedIpv6}),
            VariantsForScript("close/close-on-syn-sent.pkt"));
}

// A script's own --ip_version line names its one variant, whatever its name.
TEST(VariantsTest, ScriptsOwnIpVersionLine) {
  using V = std::vector<IpVersion>;
  // A directory of the test's own, removed at its end.
  const std::string dir =
      ::testing::TempDir() + "synack-variants-" + std::to_string(getpid()) + "/";
  std::filesystem::create_directories(dir);
  struct Remove {
    std::string dir;
    ~Remove() { std::filesystem::remove_all(dir); }
  } remove{dir};
  auto write = [&dir](const std::string& name, const std::string& text) {
    std::ofstream(dir + name) << text;
    return dir + name;
  };
  const std::string v4 = write("syncookies_ip4.pkt",
                               "// IPv4 only\n\n--ip_version=ipv4\n\n0 socket(...)\n");
  EXPECT_EQ(IpVersion::kIpv4, ScriptIpVersion(v4));
  EXPECT_EQ((V{IpVersion::kIpv4}), VariantsForScript(v4));
  EXPECT_EQ((V{}), SelectVariants(v4, {IpVersion::kIpv6}));
  EXPECT_EQ((V{IpVersion::kIpv4MappedIpv6}),
            VariantsForScript(write("m-v6.pkt", "--ip_version=ipv4-mapped-ipv6 \r\n")));
  // Not at a line's start (a comment, an indented line): not the option.
  const std::string none = write("n.pkt", "// --ip_version=ipv6\n --ip_version=ipv6\n");
  EXPECT_EQ(std::nullopt, ScriptIpVersion(none));
  EXPECT_EQ(3u, VariantsForScript(none).size());
  EXPECT_EQ(std::nullopt, ScriptIpVersion(dir + "no-such.pkt"));
}

TEST(CommandLineTest, ListTakesTheVariantFlags) {
  CommandLine cl = MustParse({"list", "-6", "--ipv4-mapped", "dir"});
  EXPECT_EQ("list", cl.command);
  EXPECT_EQ((std::vector<IpVersion>{IpVersion::kIpv6,
                                    IpVersion::kIpv4MappedIpv6}),
            cl.variants);
  EXPECT_EQ((std::vector<std::string>{"dir"}), cl.files);
}

TEST(VariantsTest, SelectedAreTheRulesThatAreWanted) {
  using V = std::vector<IpVersion>;
  EXPECT_EQ((V{IpVersion::kIpv4, IpVersion::kIpv6, IpVersion::kIpv4MappedIpv6}),
            SelectVariants("a.pkt", {}));
  // The rule's order, whatever the flags' order.
  EXPECT_EQ((V{IpVersion::kIpv4, IpVersion::kIpv4MappedIpv6}),
            SelectVariants("a.pkt", {IpVersion::kIpv4MappedIpv6,
                                     IpVersion::kIpv4}));
  EXPECT_EQ((V{}), SelectVariants("a-v6.pkt", {IpVersion::kIpv4}));
  EXPECT_EQ((V{IpVersion::kIpv4}), SelectVariants("a-v4.pkt",
                                                  {IpVersion::kIpv4,
                                                   IpVersion::kIpv6}));
}

TEST(VariantsTest, RunnerDefaultsDifferByFamily) {
  EXPECT_EQ("SOL_IP", RunnerDefaults(IpVersion::kIpv4).defines["CMSG_LEVEL_IP"]);
  EXPECT_EQ("SOL_IPV6",
            RunnerDefaults(IpVersion::kIpv4MappedIpv6).defines["CMSG_LEVEL_IP"]);
  EXPECT_EQ("IPV6_RECVERR",
            RunnerDefaults(IpVersion::kIpv6).defines["CMSG_TYPE_RECVERR"]);
}

TEST(HelpTest, EveryCommandHasAPageThatNamesIt) {
  for (const char* command : {"check", "fmt", "run", "import", "help"}) {
    EXPECT_NE(std::string::npos,
              HelpText(command).find(std::string("synack ") + command))
        << command;
  }
  EXPECT_NE(std::string::npos, HelpText("").find("Commands:"));
}

}  // namespace
}  // namespace synack::cli
