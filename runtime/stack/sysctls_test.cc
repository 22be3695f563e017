// Sysctl names, the defaults of a fresh namespace and Linux's validation,
// each value as measured with writes to /proc/sys on 6.18.
#include "runtime/stack/sysctls.h"

#include <gtest/gtest.h>

namespace synack::stack {
namespace {

std::string Get(const Sysctls& s, const std::string& name) {
  std::string value;
  EXPECT_EQ(s.Get(name, &value), "") << name;
  return value;
}

TEST(SysctlsTest, DefaultsOfAFreshNamespace) {
  const Sysctls s;
  const std::pair<const char*, const char*> expected[] = {
      {"net.ipv4.tcp_syn_retries", "6"},
      {"net.ipv4.tcp_synack_retries", "5"},
      {"net.ipv4.tcp_syn_linear_timeouts", "4"},
      {"net.ipv4.tcp_max_syn_backlog", "2048"},
      {"net.core.somaxconn", "4096"},
      {"net.ipv4.tcp_abort_on_overflow", "0"},
      {"net.ipv4.tcp_syncookies", "1"},
      {"net.ipv4.tcp_fin_timeout", "60"},
      {"net.ipv4.tcp_timestamps", "1"},
      {"net.ipv4.tcp_sack", "1"},
      {"net.ipv4.tcp_window_scaling", "1"},
      {"net.ipv4.ip_local_port_range", "32768\t60999"},
      {"net.ipv4.tcp_rmem", "4096\t131072\t33554432"},
      {"net.ipv4.tcp_wmem", "4096\t16384\t4194304"},
      {"net.ipv4.tcp_ecn", "2"},
      {"net.ipv4.tcp_retries2", "15"},
      {"net.ipv4.tcp_rto_min_us", "200000"},
      {"net.ipv4.tcp_rto_max_ms", "120000"},
      {"net.ipv4.tcp_invalid_ratelimit", "500"},
      {"net.ipv4.tcp_challenge_ack_limit", "2147483647"},
      {"net.core.rmem_max", "4194304"},
  };
  for (const auto& [name, value] : expected) EXPECT_EQ(Get(s, name), value) << name;
}

TEST(SysctlsTest, NameSpellings) {
  Sysctls s;
  EXPECT_EQ(s.Set("net/ipv4/tcp_sack", "0"), "");
  EXPECT_EQ(Get(s, "/proc/sys/net/ipv4/tcp_sack"), "0");
  EXPECT_EQ(s.tcp_sack, 0);
  EXPECT_EQ(s.Set("net.ipv4.no_such_thing", "1"), "ENOENT: unknown sysctl net.ipv4.no_such_thing");
  std::string value;
  EXPECT_NE(s.Get("net.ipv4.nope", &value), "");
}

// Each row: name, value written, whether Linux accepted it, what reads back.
TEST(SysctlsTest, ValidationAsMeasured) {
  struct Case {
    const char* name;
    const char* value;
    bool ok;
    const char* after;
  };
  const Case cases[] = {
      {"net.ipv4.tcp_syn_retries", "0", false, "6"},
      {"net.ipv4.tcp_syn_retries", "1", true, "1"},
      {"net.ipv4.tcp_syn_retries", "127", true, "127"},
      {"net.ipv4.tcp_syn_retries", "128", false, "127"},
      {"net.ipv4.tcp_syn_retries", "-1", false, "127"},
      {"net.ipv4.tcp_syn_retries", "abc", false, "127"},
      {"net.ipv4.tcp_syn_retries", " 7 ", true, "7"},
      {"net.ipv4.tcp_syn_retries", "5 5 5 5", true, "5"},
      {"net.ipv4.tcp_syn_retries", "+7", false, "5"},
      {"net.ipv4.tcp_syn_retries", "0x8", true, "8"},
      {"net.ipv4.tcp_syn_retries", "", true, "8"},
      {"net.ipv4.tcp_syn_retries", " ", false, "8"},
      {"net.ipv4.tcp_syn_retries", "9\n", true, "9"},
      {"net.ipv4.tcp_synack_retries", "255", true, "255"},
      {"net.ipv4.tcp_synack_retries", "256", false, "255"},
      {"net.ipv4.tcp_syn_linear_timeouts", "0", true, "0"},
      {"net.ipv4.tcp_syn_linear_timeouts", "128", false, "0"},
      {"net.ipv4.tcp_syncookies", "3", true, "3"},
      {"net.ipv4.tcp_syncookies", "256", false, "3"},
      {"net.ipv4.tcp_abort_on_overflow", "2", true, "2"},
      {"net.ipv4.tcp_timestamps", "2", true, "2"},
      {"net.ipv4.tcp_ecn", "3", false, "2"},
      {"net.core.somaxconn", "-1", false, "4096"},
      {"net.core.somaxconn", "0", true, "0"},
      {"net.core.somaxconn", "2147483648", false, "0"},
      {"net.ipv4.tcp_max_syn_backlog", "-1", true, "-1"},
      {"net.ipv4.tcp_fin_timeout", "-1", true, "-1"},
      {"net.ipv4.ip_local_port_range", "1000 2000", false, "32768\t60999"},
      {"net.ipv4.ip_local_port_range", "1023 1023", false, "32768\t60999"},
      {"net.ipv4.ip_local_port_range", "2000 1000", false, "32768\t60999"},
      {"net.ipv4.ip_local_port_range", "1024 65536", false, "32768\t60999"},
      {"net.ipv4.ip_local_port_range", "1024 1024", true, "1024\t1024"},
      {"net.ipv4.ip_local_port_range", "5000 5001", true, "5000\t5001"},
      {"net.ipv4.ip_local_port_range", "30000", false, "5000\t5001"},
      {"net.ipv4.ip_local_port_range", "30000 30001 5", true, "30000\t30001"},
      {"net.ipv4.tcp_rmem", "0 1 2", false, "4096\t131072\t33554432"},
      {"net.ipv4.tcp_rmem", "1 1 1", true, "1\t1\t1"},
      {"net.ipv4.tcp_rmem", "4096 131072", true, "4096\t131072\t1"},
      {"net.ipv4.tcp_rmem", "5 4 3", true, "5\t4\t3"},
  };
  Sysctls s;
  for (const Case& c : cases) {
    const std::string error = s.Set(c.name, c.value);
    EXPECT_EQ(error.empty(), c.ok) << c.name << " = '" << c.value << "': " << error;
    EXPECT_EQ(Get(s, c.name), c.after) << c.name << " = '" << c.value << "'";
  }
}

// Sysctls scripts set that the stack does not act on are kept and read
// back (measured defaults; tcp_fastopen=0x70403 reads back 459779).
TEST(SysctlsTest, UnmodelledButAccepted) {
  Sysctls s;
  EXPECT_EQ(Get(s, "net.ipv4.tcp_congestion_control"), "bbr");
  EXPECT_EQ(s.Set("net.ipv4.tcp_congestion_control", "cubic\n"), "");
  EXPECT_EQ(Get(s, "net.ipv4.tcp_congestion_control"), "cubic");
  EXPECT_NE(s.Set("net.ipv4.tcp_congestion_control", "foo"), "");
  EXPECT_EQ(Get(s, "net.ipv4.tcp_congestion_control"), "cubic");
  EXPECT_EQ(Get(s, "net.ipv4.tcp_notsent_lowat"), "4294967295");
  EXPECT_EQ(Get(s, "net.ipv4.tcp_frto"), "2");
  EXPECT_EQ(s.Set("net.ipv4.tcp_fastopen", "0x70403"), "");
  EXPECT_EQ(Get(s, "net.ipv4.tcp_fastopen"), "459779");
  EXPECT_EQ(s.Set("net.ipv4.tcp_min_tso_segs", "0"), "EINVAL: 0 outside 1..255");
}

TEST(SysctlsTest, ErrorsSayWhy) {
  Sysctls s;
  EXPECT_EQ(s.Set("net.ipv4.tcp_syn_retries", "200"), "EINVAL: 200 outside 1..127");
  EXPECT_EQ(s.Set("net.ipv4.ip_local_port_range", "1000 2000"),
            "EINVAL: low end below 1024");
  EXPECT_EQ(s.Set("net.ipv4.tcp_sack", "-1"), "EINVAL: negative value");
}

TEST(SysctlsTest, NamesAreSorted) {
  const std::vector<std::string> names = Sysctls::Names();
  ASSERT_FALSE(names.empty());
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_NE(std::find(names.begin(), names.end(), "net.ipv4.tcp_syncookies"), names.end());
}

}  // namespace
}  // namespace synack::stack
