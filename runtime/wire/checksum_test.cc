// Checksum arithmetic against RFC 1071's worked example and known headers.
#include "runtime/wire/checksum.h"

#include <gtest/gtest.h>

#include "runtime/wire/wire_test_util.h"

namespace synack::wire {
namespace {

using namespace synack::wire::test_util;

TEST(Checksum, Rfc1071Example) {
  // RFC 1071 §3: these bytes sum to 0xddf2, so the checksum is ~0xddf2.
  const std::vector<uint8_t> data = Hex("00 01 f2 03 f4 f5 f6 f7");
  EXPECT_EQ(Checksum(data, data.size()), 0x220d);
}

TEST(Checksum, OddLengthPadsTheLastByteLow) {
  EXPECT_EQ(Checksum(Hex("01"), 1), 0xfeff);
  EXPECT_EQ(Checksum(Hex("00 00 01"), 3), 0xfeff);
}

TEST(Checksum, SkipsTheChecksumField) {
  // A real IPv4 header whose checksum field holds 0xb811.
  const std::vector<uint8_t> header =
      Hex("45 00 00 3c 00 00 40 00 40 06 b8 11 c0 00 02 01 c0 a8 00 01");
  EXPECT_EQ(Checksum(header, 10), 0xb811);
  std::vector<uint8_t> zeroed = header;
  zeroed[10] = zeroed[11] = 0xaa;  // whatever the field holds is skipped
  EXPECT_EQ(Checksum(zeroed, 10), 0xb811);
}

TEST(Checksum, FieldAtTheVeryEnd) {
  EXPECT_EQ(Checksum(Hex("12 34 ff ff"), 2), 0xedcb);
}

TEST(TransportChecksum, UdpOverIpv4) {
  // 192.0.2.1:5353 > 192.168.0.1:53 "abc", checksum 0xa3ac.
  const std::vector<uint8_t> udp = Hex("14 e9 00 35 00 0b a3 ac 61 62 63");
  EXPECT_EQ(TransportChecksum(Ip("192.0.2.1"), Ip("192.168.0.1"),
                              ip_proto::kUdp, udp, 6),
            0xa3ac);
}

TEST(TransportChecksum, TcpOverIpv6) {
  const std::vector<uint8_t> tcp = Hex(
      "9c 40 1f 90 00 00 00 00 00 00 00 00 a0 02 ff ff a3 73 00 00"
      "02 04 05 b4 04 02 08 0a 00 00 00 64 00 00 00 00 01 03 03 07");
  EXPECT_EQ(TransportChecksum(Ip("fd3d:fa7b:d17d::1"), Ip("fd3d:a0b:17d6::1"),
                              ip_proto::kTcp, tcp, 16),
            0xa373);
}

}  // namespace
}  // namespace synack::wire
