// What %{ }% blocks see of a socket: TCP_INFO, TCP_CC_INFO and SO_MEMINFO
// by packetdrill's names.
#include "interpreter/socket_values.h"

#include <gtest/gtest.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>

#include <cstring>

namespace synack::interpreter {
namespace {

int64_t ValueOf(const NamedValues& values, const std::string& name) {
  for (const auto& [n, v] : values) {
    if (n == name) return v;
  }
  return -12345;
}

bool Has(const NamedValues& values, const std::string& name) {
  return ValueOf(values, name) != -12345;
}

TEST(TcpInfoValuesTest, NamesEveryFieldTheBackendFilled) {
  tcp_info info{};
  info.tcpi_state = 1;
  info.tcpi_ca_state = 3;
  info.tcpi_snd_wscale = 8;
  info.tcpi_rcv_wscale = 7;
  info.tcpi_options = 7;
  info.tcpi_snd_cwnd = 10;
  info.tcpi_rtt = 20000;
  info.tcpi_bytes_acked = 1ull << 40;
  info.tcpi_snd_wnd = 65535;
  uint8_t bytes[sizeof info + 16] = {};
  std::memcpy(bytes, &info, sizeof info);
  NamedValues values = TcpInfoValues(bytes, sizeof info);
  EXPECT_EQ(ValueOf(values, "tcpi_state"), 1);
  EXPECT_EQ(ValueOf(values, "tcpi_ca_state"), 3);
  EXPECT_EQ(ValueOf(values, "tcpi_snd_wscale"), 8);
  EXPECT_EQ(ValueOf(values, "tcpi_rcv_wscale"), 7);
  EXPECT_EQ(ValueOf(values, "tcpi_options"), 7);
  EXPECT_EQ(ValueOf(values, "tcpi_snd_cwnd"), 10);
  EXPECT_EQ(ValueOf(values, "tcpi_rtt"), 20000);
  EXPECT_EQ(ValueOf(values, "tcpi_bytes_acked"), int64_t{1} << 40);
  EXPECT_EQ(ValueOf(values, "tcpi_snd_wnd"), 65535);
  // Newer kernels' fields only when the length covers them.
  EXPECT_FALSE(Has(values, "tcpi_rcv_wnd"));
  EXPECT_TRUE(Has(TcpInfoValues(bytes, sizeof info + 16), "tcpi_rcv_wnd"));
  // An old kernel's shorter struct: only what it filled.
  NamedValues old = TcpInfoValues(bytes, 104);
  EXPECT_TRUE(Has(old, "tcpi_total_retrans"));
  EXPECT_FALSE(Has(old, "tcpi_pacing_rate"));
}

// BBR's 20 bytes: its names, and the union's two shorter readings too (as
// packetdrill emits them); cubic's empty answer: none.
TEST(CcInfoValuesTest, EveryReadingTheLengthCovers) {
  tcp_cc_info info{};
  info.bbr.bbr_bw_lo = 5;
  info.bbr.bbr_bw_hi = 1;
  info.bbr.bbr_min_rtt = 20000;
  info.bbr.bbr_pacing_gain = 739;
  info.bbr.bbr_cwnd_gain = 512;
  uint8_t bytes[sizeof info];
  std::memcpy(bytes, &info, sizeof info);
  const NamedValues bbr = CcInfoValues(bytes, sizeof(tcp_bbr_info));
  EXPECT_EQ(5, ValueOf(bbr, "bbr_bw_lo"));
  EXPECT_EQ((int64_t{1} << 32) + 5, ValueOf(bbr, "bbr_bw"));
  EXPECT_EQ(20000, ValueOf(bbr, "bbr_min_rtt"));
  EXPECT_EQ(739, ValueOf(bbr, "bbr_pacing_gain"));
  EXPECT_EQ(512, ValueOf(bbr, "bbr_cwnd_gain"));
  // The same bytes as vegas's: tcpv_rtt is the third u32, named tcp_rtt.
  EXPECT_EQ(20000, ValueOf(bbr, "tcp_rtt"));
  EXPECT_TRUE(Has(bbr, "dctcp_alpha"));
  // DCTCP's 16 bytes: no BBR reading.
  const NamedValues dctcp = CcInfoValues(bytes, sizeof(tcp_dctcp_info));
  EXPECT_FALSE(Has(dctcp, "bbr_bw"));
  EXPECT_TRUE(Has(dctcp, "dctcp_ab_tot"));
  EXPECT_TRUE(CcInfoValues(bytes, 0).empty());
}

TEST(MeminfoValuesTest, NamesEachCounterInSockDiagsOrder) {
  uint32_t meminfo[SK_MEMINFO_VARS] = {};
  meminfo[SK_MEMINFO_RCVBUF] = 131072;
  meminfo[SK_MEMINFO_SNDBUF] = 16384;
  meminfo[SK_MEMINFO_DROPS] = 2;
  uint8_t bytes[sizeof meminfo];
  std::memcpy(bytes, meminfo, sizeof meminfo);
  const NamedValues values = MeminfoValues(bytes, sizeof bytes);
  EXPECT_EQ(9u, values.size());
  EXPECT_EQ(131072, ValueOf(values, "SK_MEMINFO_RCVBUF"));
  EXPECT_EQ(16384, ValueOf(values, "SK_MEMINFO_SNDBUF"));
  EXPECT_EQ(2, ValueOf(values, "SK_MEMINFO_DROPS"));
  EXPECT_EQ(0, ValueOf(values, "SK_MEMINFO_RMEM_ALLOC"));
  EXPECT_TRUE(MeminfoValues(bytes, sizeof bytes - 4).empty());
}

}  // namespace
}  // namespace synack::interpreter
