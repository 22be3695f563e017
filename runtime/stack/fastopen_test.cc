// Fast Open cookies and keys against what Linux 6.18 computes: the cookies
// packetdrill's runner defines as TFO_COOKIE, and those the kernel sent in
// the corpus's SYN-ACKs for other addresses and keys.
#include "runtime/stack/fastopen.h"

#include <gtest/gtest.h>

#include <string>

namespace synack::stack {
namespace {

std::string Hex(const std::vector<uint8_t>& bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

FourTuple Tuple(const char* local, const char* remote) {
  FourTuple tuple;
  tuple.local.addr = *wire::IpAddress::Parse(local);
  tuple.remote.addr = *wire::IpAddress::Parse(remote);
  return tuple;
}

// The corpus's defaults.sh key; the cookies are TFO_COOKIE for ipv4 and
// ipv6, and what the kernel answered on 192.168.0.1 (reset-non-tfo-socket).
TEST(FastOpenCookieTest, SysctlKeyGivesTheKernelsCookies) {
  const std::vector<SipKey> keys = ParseFastOpenKeys("a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(Hex(FastOpenCookieFor(keys[0], Tuple("192.168.0.2", "192.0.2.1"))),
            "de4f234f0f433a55");
  EXPECT_EQ(Hex(FastOpenCookieFor(keys[0], Tuple("fd3d:fa7b:d17d::0", "2001:DB8::1"))),
            "6aa6ae70c288023b");
  EXPECT_EQ(Hex(FastOpenCookieFor(keys[0], Tuple("192.168.0.1", "192.0.2.1"))),
            "3021b9d889017eeb");
}

// server/simple1.pkt's key, a0bf63f7-ed803d81-cd641d30-cebc4a90: the
// kernel's SYN-ACK carried FOEXP a7915cd480e45f7e for the runner's client
// address 192.0.2.1 (synack keeps the runner's address over the script's
// --remote_ip); for the script's 10.248.0.2 the cookie is the one the
// script expects.
TEST(FastOpenCookieTest, OtherKeyAndAddresses) {
  const std::vector<SipKey> keys = ParseFastOpenKeys("a0bf63f7-ed803d81-cd641d30-cebc4a90");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(Hex(FastOpenCookieFor(keys[0], Tuple("192.168.0.2", "192.0.2.1"))),
            "a7915cd480e45f7e");
  EXPECT_EQ(Hex(FastOpenCookieFor(keys[0], Tuple("192.168.0.2", "10.248.0.2"))),
            "00abaaabe8e954c2");
}

TEST(FastOpenCookieTest, KeysParseAndRoundTrip) {
  EXPECT_TRUE(ParseFastOpenKeys("").empty());
  EXPECT_TRUE(ParseFastOpenKeys("1-2-3").empty());
  const std::vector<SipKey> two =
      ParseFastOpenKeys("00000001-00000002-00000003-00000004,a-b-c-d");
  ASSERT_EQ(two.size(), 2u);
  // Each word little-endian: 01 00 00 00 02 00 00 00 ... as the key bytes.
  EXPECT_EQ(two[0].k0, 0x0000000200000001u);
  EXPECT_EQ(two[0].k1, 0x0000000400000003u);
  EXPECT_EQ(two[1].k0, 0x0000000b0000000au);
  uint8_t bytes[kFastOpenKeyLength];
  FastOpenKeyToBytes(two[1], bytes);
  const SipKey back = FastOpenKeyFromBytes(bytes);
  EXPECT_EQ(back.k0, two[1].k0);
  EXPECT_EQ(back.k1, two[1].k1);
}

}  // namespace
}  // namespace synack::stack
