// SipHash test vectors, option encoding order, the initial window choice,
// SYN cookie encoding, and ISN/timestamp-offset properties.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "runtime/stack/isn.h"
#include "runtime/stack/options.h"
#include "runtime/stack/siphash.h"
#include "runtime/stack/syn_cookies.h"
#include "runtime/stack/window.h"
#include "runtime/wire/tcp_options.h"

namespace synack::stack {
namespace {

// The reference vectors of the SipHash paper: key 00..0f, messages
// 00..(n-1).
TEST(SipHashTest, ReferenceVectors) {
  const SipKey key{0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
  std::vector<uint8_t> message;
  EXPECT_EQ(SipHash24(key, message), 0x726fdb47dd0e0e31ull);
  for (uint8_t i = 0; i < 15; ++i) message.push_back(i);
  EXPECT_EQ(SipHash24(key, message), 0xa129ca6149be45e5ull);
  message.push_back(15);
  EXPECT_EQ(SipHash24(key, message), 0x3f2acc7f57c29bdbull);
}

std::string Hex(const std::vector<wire::TcpOption>& options) {
  const std::vector<uint8_t> bytes = wire::EncodeTcpOptions(options).bytes;
  std::string out;
  char buf[3];
  for (uint8_t b : bytes) {
    snprintf(buf, sizeof buf, "%02x", b);
    out += buf;
  }
  return out;
}

// Golden bytes of Linux's SYN options (the SYN captured on 6.18 carried
// 020405b4 0402 080a <val> 00000000 01 03030a).
TEST(OptionsTest, SynOptionOrder) {
  SynOptions all{1460, true, true, 0x70c55f41, 0, uint8_t{10}};
  EXPECT_EQ(Hex(BuildSynOptions(all)), "020405b40402080a70c55f41000000000103030a");
  SynOptions no_ts{1460, true, false, 0, 0, uint8_t{10}};
  EXPECT_EQ(Hex(BuildSynOptions(no_ts)), "020405b40101040201030" "30a");
  SynOptions ts_only{1460, false, true, 1, 0, std::nullopt};
  EXPECT_EQ(Hex(BuildSynOptions(ts_only)), "020405b40101080a0000000100000000");
  SynOptions mss_only{536, false, false, 0, 0, std::nullopt};
  EXPECT_EQ(Hex(BuildSynOptions(mss_only)), "02040218");
}

TEST(OptionsTest, SegmentOptions) {
  EXPECT_EQ(Hex(BuildSegmentOptions(true, 2, 3, {})), "0101080a0000000200000003");
  EXPECT_EQ(Hex(BuildSegmentOptions(false, 0, 0, {{10, 20}})), "0101050a0000000a00000014");
  // Next to a timestamp only three blocks fit.
  const std::vector<SackBlock> four = {{1, 2}, {3, 4}, {5, 6}, {7, 8}};
  EXPECT_EQ(wire::EncodeTcpOptions(BuildSegmentOptions(true, 0, 0, four)).bytes.size(), 40u);
  EXPECT_EQ(wire::EncodeTcpOptions(BuildSegmentOptions(false, 0, 0, four)).bytes.size(), 36u);
}

TEST(OptionsTest, ParseIgnoresWrongLengthsAndNonSynOptions) {
  std::vector<wire::TcpOption> options = {
      {wire::tcp_opt::kMss, {0x05, 0xb4}},
      {wire::tcp_opt::kWscale, {7}},
      {wire::tcp_opt::kSackOk, {}},
      {wire::tcp_opt::kTimestamp, {0, 0, 0, 5, 0, 0, 0, 6}},
  };
  ReceivedOptions syn = ParseOptions(options, true);
  EXPECT_EQ(syn.mss, 1460);
  EXPECT_EQ(syn.wscale, 7);
  EXPECT_TRUE(syn.sack_permitted);
  EXPECT_TRUE(syn.saw_tstamp);
  EXPECT_EQ(syn.tsval, 5u);
  EXPECT_EQ(syn.tsecr, 6u);
  ReceivedOptions ack = ParseOptions(options, false);
  EXPECT_FALSE(ack.mss.has_value());
  EXPECT_FALSE(ack.wscale.has_value());
  EXPECT_FALSE(ack.sack_permitted);
  EXPECT_TRUE(ack.saw_tstamp);
  ReceivedOptions bad = ParseOptions({{wire::tcp_opt::kMss, {0, 0}},
                                      {wire::tcp_opt::kTimestamp, {1, 2, 3}}},
                                     true);
  EXPECT_FALSE(bad.mss.has_value());
  EXPECT_FALSE(bad.saw_tstamp);
}

// The SYN windows measured on 6.18 for three tcp_rmem settings.
TEST(WindowTest, InitialWindowAsMeasured) {
  Sysctls s;
  InitialWindow w = SelectInitialWindow(WinFromSpace(131072), 1460, 0, true, s);
  EXPECT_EQ(w.rcv_wnd, 64240u);
  EXPECT_EQ(w.rcv_wscale, 10);
  EXPECT_EQ(w.window_clamp, 65535u << 10);
  // The SYN-ACK's window is quantized to the MSS less the TS option.
  EXPECT_EQ(SelectInitialWindow(WinFromSpace(131072), 1448, 0, true, s).rcv_wnd, 65160u);
  s.tcp_rmem = {4096, 87380, 6291456};
  w = SelectInitialWindow(WinFromSpace(87380), 1460, 0, true, s);
  EXPECT_EQ(w.rcv_wnd, 42340u);
  EXPECT_EQ(w.rcv_wscale, 7);
  EXPECT_EQ(SelectInitialWindow(WinFromSpace(87380), 1460, 0, false, s).rcv_wscale, 0);
  // A clamp (a locked SO_RCVBUF) bounds both the window and the scale.
  w = SelectInitialWindow(2048, 1460, 2048, true, s);
  EXPECT_EQ(w.rcv_wnd, 1460u);
  EXPECT_EQ(w.rcv_wscale, 0);
  EXPECT_EQ(w.window_clamp, 2048u);
}

class SynCookieTest : public ::testing::Test {
 protected:
  Secrets secrets = Secrets::FromSeed(7);
  FourTuple tuple{{*wire::IpAddress::Parse("192.168.0.1"), 8080},
                  {*wire::IpAddress::Parse("192.0.2.1"), 40000}};
};

TEST_F(SynCookieTest, EncodesMssIndex) {
  const std::pair<uint16_t, uint16_t> cases[] = {
      {1460, 1460}, {9000, 1460}, {1459, 1440}, {1440, 1440}, {1300, 1300},
      {1299, 536}, {536, 536}, {100, 536}};
  for (auto [mss_in, mss_out] : cases) {
    uint16_t mss = mss_in;
    const uint32_t cookie = CookieInitSequence(secrets, tuple, 1000, &mss, 5);
    EXPECT_EQ(mss, mss_out);
    EXPECT_EQ(CookieCheck(secrets, tuple, cookie, 1000, 5), mss_out);
  }
}

// An IPv6 tuple rounds to net/ipv6/syncookies.c's table (measured:
// scripts/syn_queue/syncookies-mss-table-v6.pkt).
TEST_F(SynCookieTest, EncodesMssIndexOverIpv6) {
  const FourTuple tuple6{{*wire::IpAddress::Parse("fd3d:a0b:17d6::1"), 8080},
                         {*wire::IpAddress::Parse("fd3d:fa7b:d17d::1"), 40000}};
  const std::pair<uint16_t, uint16_t> cases[] = {
      {9000, 8940}, {8940, 8940}, {8939, 1440}, {1460, 1440},
      {1439, 1420}, {1420, 1420}, {1419, 1220}, {536, 1220}};
  for (auto [mss_in, mss_out] : cases) {
    uint16_t mss = mss_in;
    const uint32_t cookie = CookieInitSequence(secrets, tuple6, 1000, &mss, 5);
    EXPECT_EQ(mss, mss_out) << mss_in;
    EXPECT_EQ(CookieCheck(secrets, tuple6, cookie, 1000, 5), mss_out) << mss_in;
  }
}

TEST_F(SynCookieTest, RejectsForgedAndExpiredCookies) {
  uint16_t mss = 1460;
  const uint32_t cookie = CookieInitSequence(secrets, tuple, 1000, &mss, 5);
  EXPECT_EQ(CookieCheck(secrets, tuple, cookie, 1000, 6), 1460);  // a minute later
  EXPECT_EQ(CookieCheck(secrets, tuple, cookie, 1000, 7), 0);     // two minutes
  EXPECT_EQ(CookieCheck(secrets, tuple, cookie + 1, 1000, 5), 0);
  // As in Linux, the MSS index is all the cookie checks beyond the hash
  // and the minute: a sequence number one off shifts the index by one.
  EXPECT_EQ(CookieCheck(secrets, tuple, cookie, 1001, 5), 1440);
  EXPECT_EQ(CookieCheck(secrets, tuple, cookie, 999, 5), 0);
  FourTuple other = tuple;
  other.remote.port = 40001;
  EXPECT_EQ(CookieCheck(secrets, other, cookie, 1000, 5), 0);
  EXPECT_EQ(CookieCheck(Secrets::FromSeed(8), tuple, cookie, 1000, 5), 0);
}

TEST_F(SynCookieTest, TimestampCarriesOptions) {
  // Low six bits: window scale (0xf for none), SACK at bit 4, ECN at bit 5;
  // never later than now.
  EXPECT_EQ(CookieInitTimestamp(1000, true, 7, true, false), (1000u & ~63u) | 7u | 16u);
  EXPECT_EQ(CookieInitTimestamp(1000, false, 0, false, false), 975u);  // 960 | 0xf
  // Options above the low bits of now go back one step: 1024 | 0x3e > 1024.
  EXPECT_EQ(CookieInitTimestamp(1024, true, 14, true, true), 1024u - 64u + 62u);
  Sysctls s;
  auto decoded = CookieTimestampDecode(CookieInitTimestamp(5000, true, 7, true, false), s);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_TRUE(decoded->sack_ok);
  EXPECT_TRUE(decoded->wscale_ok);
  EXPECT_EQ(decoded->snd_wscale, 7);
  decoded = CookieTimestampDecode(CookieInitTimestamp(5000, false, 0, false, false), s);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_FALSE(decoded->wscale_ok);
  s.tcp_sack = 0;
  EXPECT_FALSE(CookieTimestampDecode(CookieInitTimestamp(5000, true, 7, true, false), s));
  s.tcp_sack = 1;
  s.tcp_timestamps = 0;
  EXPECT_FALSE(CookieTimestampDecode(0, s));
}

// RFC 6528: the ISN advances with the clock (64 ns per step) and differs
// between tuples; the TS offset depends on the whole tuple (measured:
// different ports, unrelated TS values).
TEST(IsnTest, ClockAndTuple) {
  const Secrets secrets = Secrets::FromSeed(1);
  FourTuple a{{*wire::IpAddress::Parse("192.168.0.1"), 8080},
              {*wire::IpAddress::Parse("192.0.2.1"), 40000}};
  FourTuple b = a;
  b.remote.port = 40001;
  const Instant t0{};
  const Instant t1 = t0 + std::chrono::microseconds(64);
  EXPECT_EQ(InitialSequence(secrets, a, t1) - InitialSequence(secrets, a, t0), 1000u);
  EXPECT_NE(InitialSequence(secrets, a, t0), InitialSequence(secrets, b, t0));
  EXPECT_NE(TimestampOffset(secrets, a), TimestampOffset(secrets, b));
  EXPECT_EQ(TimestampOffset(secrets, a), TimestampOffset(Secrets::FromSeed(1), a));
  EXPECT_NE(TimestampOffset(secrets, a), TimestampOffset(Secrets::FromSeed(2), a));
}

}  // namespace
}  // namespace synack::stack
