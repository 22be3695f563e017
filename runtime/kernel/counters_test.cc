// Counter parsing against golden /proc/net text, and reading them in a
// fresh namespace.
#include "runtime/kernel/counters.h"

#include <gtest/gtest.h>

#include "runtime/kernel/sandbox.h"
#include "runtime/kernel/test_helpers.h"

namespace synack::kernel {
namespace {

TEST(ParseCounterTableTest, NamesArePrefixPlusField) {
  const char* text =
      "TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows\n"
      "TcpExt: 1 2 30\n"
      "IpExt: InNoRoutes InOctets\n"
      "IpExt: 0 18446744073709551615\n";
  Counters counters;
  EXPECT_EQ("", ParseCounterTable(text, &counters));
  EXPECT_EQ((Counters{{"TcpExtSyncookiesSent", 1},
                      {"TcpExtSyncookiesRecv", 2},
                      {"TcpExtListenOverflows", 30},
                      {"IpExtInNoRoutes", 0},
                      {"IpExtInOctets", -1}}),
            counters);
}

TEST(ParseCounterTableTest, SnmpWithNegativeValues) {
  const char* text =
      "Ip: Forwarding DefaultTTL InReceives\n"
      "Ip: 2 64 17\n"
      "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens\n"
      "Tcp: 1 200 120000 -1 4\n";
  Counters counters;
  EXPECT_EQ("", ParseCounterTable(text, &counters));
  EXPECT_EQ(-1, counters["TcpMaxConn"]);
  EXPECT_EQ(4, counters["TcpActiveOpens"]);
  EXPECT_EQ(17, counters["IpInReceives"]);
  EXPECT_EQ(8u, counters.size());
}

TEST(ParseCounterTableTest, Errors) {
  Counters counters;
  EXPECT_EQ("line 2: 1 values for 2 names",
            ParseCounterTable("TcpExt: A B\nTcpExt: 1\n", &counters));
  EXPECT_EQ("line 2: expected values for TcpExt:",
            ParseCounterTable("TcpExt: A\nIpExt: 1\n", &counters));
  EXPECT_EQ("line 3: header line without a value line",
            ParseCounterTable("Ip: A\nIp: 1\nTcp: B\n", &counters));
  EXPECT_EQ("line 2: bad value \"x\" for A",
            ParseCounterTable("Ip: A\nIp: x\n", &counters));
  EXPECT_EQ("line 1: expected a \"Prefix:\" header line",
            ParseCounterTable("Ip A\nIp 1\n", &counters));
}

TEST(ParseCounterListTest, Snmp6Lines) {
  const char* text =
      "Ip6InReceives                   \t12\n"
      "Ip6InHdrErrors                  \t0\n"
      "Icmp6OutMsgs                    \t3\n";
  Counters counters;
  EXPECT_EQ("", ParseCounterList(text, &counters));
  EXPECT_EQ((Counters{{"Ip6InReceives", 12},
                      {"Ip6InHdrErrors", 0},
                      {"Icmp6OutMsgs", 3}}),
            counters);
  EXPECT_EQ("line 1: expected \"Name value\"",
            ParseCounterList("Ip6InReceives\n", &counters));
}

TEST(ReadCountersTest, FreshNamespaceCountsFromZero) {
  SYNACK_REQUIRE_ROOT();
  std::string failure = test::RunInChild([]() -> std::string {
    std::string error;
    auto sandbox = Sandbox::Create(test::Ipv4Config(), &error);
    if (!sandbox) return "Create: " + error;
    Counters counters;
    error = ReadCounters(&counters);
    if (!error.empty()) return error;
    std::string problems;
    for (const char* name : {"TcpActiveOpens", "TcpExtListenOverflows",
                             "TcpExtSyncookiesSent", "Ip6InReceives"}) {
      if (!counters.count(name)) {
        problems += std::string(name) + " missing\n";
      } else if (counters[name] != 0) {
        problems += std::string(name) + " = " + std::to_string(counters[name]) + "\n";
      }
    }
    if (counters.size() < 200) {
      problems += "only " + std::to_string(counters.size()) + " counters\n";
    }
    return problems;
  });
  EXPECT_EQ("", failure);
}

}  // namespace
}  // namespace synack::kernel
