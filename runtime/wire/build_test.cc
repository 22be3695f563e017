// Golden-byte tests for Build(): every header field and checksum checked.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/wire/packet.h"
#include "runtime/wire/wire_test_util.h"

namespace synack::wire {
namespace {

using ::testing::ElementsAreArray;
using namespace synack::wire::test_util;

std::vector<uint8_t> MustBuild(const Packet& packet) {
  BuildResult result = Build(packet);
  EXPECT_TRUE(result.ok()) << result.error;
  return result.bytes;
}

// Golden arrays below were derived field by field (offsets noted) and their
// checksums computed with a separate implementation; these checks confirm
// the checksums in the golden arrays themselves with the test's own sum.
void ExpectValidIpv4(const std::vector<uint8_t>& bytes) {
  EXPECT_EQ(FoldedSum({bytes.begin(), bytes.begin() + 20}), 0xffff);
}

TEST(Build, SynWithOptionsOverIpv4) {
  const std::vector<uint8_t> expected = Hex(
      // IPv4: len 60, id 0, DF, ttl 64, TCP, 192.0.2.1 > 192.168.0.1
      "45 00 00 3c 00 00 40 00 40 06 b8 11 c0 00 02 01 c0 a8 00 01"
      // TCP: 40000 > 8080, seq 0, ack 0, offset 10 words, SYN, win 65535
      "9c 40 1f 90 00 00 00 00 00 00 00 00 a0 02 ff ff 09 21 00 00"
      // mss 1460, sackOK, TS val 100 ecr 0, nop, wscale 7
      "02 04 05 b4 04 02 08 0a 00 00 00 64 00 00 00 00 01 03 03 07");
  ExpectValidIpv4(expected);
  EXPECT_EQ(FoldedSum(WithPseudoHeader(expected, 20)), 0xffff);
  EXPECT_THAT(MustBuild(GoldenSyn4()), ElementsAreArray(expected));
}

TEST(Build, SynWithOptionsOverIpv6) {
  const std::vector<uint8_t> expected = Hex(
      // version 6, class 0, flow 0x12345, payload 40, TCP, hop limit 64
      "60 01 23 45 00 28 06 40"
      "fd 3d fa 7b d1 7d 00 00 00 00 00 00 00 00 00 01"
      "fd 3d 0a 0b 17 d6 00 00 00 00 00 00 00 00 00 01"
      "9c 40 1f 90 00 00 00 00 00 00 00 00 a0 02 ff ff a3 73 00 00"
      "02 04 05 b4 04 02 08 0a 00 00 00 64 00 00 00 00 01 03 03 07");
  EXPECT_EQ(FoldedSum(WithPseudoHeader(expected, 40)), 0xffff);
  EXPECT_THAT(MustBuild(GoldenSyn6()), ElementsAreArray(expected));
}

TEST(Build, Ipv6TrafficClassAndFullFlowLabel) {
  // Every flow-label bit set checks the bits libnet 1.1.6 drops.
  Packet packet = GoldenSyn6();
  packet.tos = 0xb9;
  packet.flow_label = 0xfedcb;
  const std::vector<uint8_t> bytes = MustBuild(packet);
  EXPECT_THAT(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 4),
              ElementsAreArray(Hex("6b 9f ed cb")));
}

TEST(Build, DataSegmentWithPayload) {
  TcpHeader tcp;
  tcp.src_port = 8080;
  tcp.dst_port = 40000;
  tcp.seq = 1;
  tcp.ack = 1;
  tcp.flags = tcp_flag::kPsh | tcp_flag::kAck;
  tcp.window = 502;
  tcp.options = {{tcp_opt::kNop, {}},
                 {tcp_opt::kNop, {}},
                 {tcp_opt::kTimestamp, {0, 0, 0, 200, 0, 0, 0, 100}}};
  Packet packet =
      TcpPacket("192.168.0.1", "192.0.2.1", tcp, Bytes("hello, world"));
  packet.tos = 0x02;  // ECT(0)
  packet.ip_id = 0x1234;
  packet.dont_fragment = true;
  const std::vector<uint8_t> expected = Hex(
      // tos 0x02, len 64, id 0x1234, DF
      "45 02 00 40 12 34 40 00 40 06 a5 d7 c0 a8 00 01 c0 00 02 01"
      // 8080 > 40000, seq 1, ack 1, offset 8 words, PSH|ACK, win 502
      "1f 90 9c 40 00 00 00 01 00 00 00 01 80 18 01 f6 f4 bd 00 00"
      "01 01 08 0a 00 00 00 c8 00 00 00 64"
      "68 65 6c 6c 6f 2c 20 77 6f 72 6c 64");  // "hello, world"
  ExpectValidIpv4(expected);
  EXPECT_EQ(FoldedSum(WithPseudoHeader(expected, 20)), 0xffff);
  EXPECT_THAT(MustBuild(packet), ElementsAreArray(expected));
}

TEST(Build, UdpDatagramWithOddLengthPayload) {
  Packet packet;
  packet.src = Ip("192.0.2.1");
  packet.dst = Ip("192.168.0.1");
  packet.protocol = ip_proto::kUdp;
  packet.l4 = UdpHeader{5353, 53};
  packet.payload = Bytes("abc");
  const std::vector<uint8_t> expected = Hex(
      "45 00 00 1f 00 00 00 00 40 11 f8 23 c0 00 02 01 c0 a8 00 01"
      // 5353 > 53, length 11
      "14 e9 00 35 00 0b a3 ac 61 62 63");
  ExpectValidIpv4(expected);
  EXPECT_EQ(FoldedSum(WithPseudoHeader(expected, 20)), 0xffff);
  EXPECT_THAT(MustBuild(packet), ElementsAreArray(expected));
}

// The IPv4 header and first 8 TCP bytes of 192.168.0.1:8080 > 192.0.2.1:40000
// seq 1001 with 1000 bytes of data: what an ICMP error quotes.
std::vector<uint8_t> QuotedTcp4() {
  return Hex(
      "45 00 04 10 00 00 40 00 40 06 b4 3d c0 a8 00 01 c0 00 02 01"
      "1f 90 9c 40 00 00 03 e9");
}

Packet FragNeeded() {
  Packet packet;
  packet.src = Ip("192.0.2.1");
  packet.dst = Ip("192.168.0.1");
  packet.protocol = ip_proto::kIcmp;
  packet.l4 = IcmpHeader{3, 4, 1400, QuotedTcp4()};
  return packet;
}

TEST(Build, IcmpFragNeededQuotingTcp) {
  std::vector<uint8_t> expected = Hex(
      "45 00 00 38 00 00 00 00 40 01 f8 1a c0 00 02 01 c0 a8 00 01"
      // type 3 code 4, checksum, unused 0, next-hop MTU 1400
      "03 04 37 ca 00 00 05 78");
  const std::vector<uint8_t> quoted = QuotedTcp4();
  expected.insert(expected.end(), quoted.begin(), quoted.end());
  ExpectValidIpv4(expected);
  // ICMPv4 has no pseudo-header: the sum covers the message alone.
  EXPECT_EQ(FoldedSum({expected.begin() + 20, expected.end()}), 0xffff);
  EXPECT_THAT(MustBuild(FragNeeded()), ElementsAreArray(expected));
}

TEST(Build, Icmpv6PacketTooBigQuotingTcp) {
  std::vector<uint8_t> quoted = Hex(
      "60 00 00 00 05 14 06 40"
      "fd 3d 0a 0b 17 d6 00 00 00 00 00 00 00 00 00 01"
      "fd 3d fa 7b d1 7d 00 00 00 00 00 00 00 00 00 01"
      "1f 90 9c 40 00 00 03 e9");
  Packet packet;
  packet.src = Ip("fd3d:fa7b:d17d::1");
  packet.dst = Ip("fd3d:a0b:17d6::1");
  packet.protocol = ip_proto::kIcmpv6;
  packet.l4 = IcmpHeader{2, 0, 1280, quoted};
  std::vector<uint8_t> expected = Hex(
      "60 00 00 00 00 38 3a 40"
      "fd 3d fa 7b d1 7d 00 00 00 00 00 00 00 00 00 01"
      "fd 3d 0a 0b 17 d6 00 00 00 00 00 00 00 00 00 01"
      // type 2 code 0, checksum, MTU 1280
      "02 00 fc cd 00 00 05 00");
  expected.insert(expected.end(), quoted.begin(), quoted.end());
  EXPECT_EQ(FoldedSum(WithPseudoHeader(expected, 40)), 0xffff);
  EXPECT_THAT(MustBuild(packet), ElementsAreArray(expected));
}

TEST(Build, AeFlagSetsReservedBitAndKeepsChecksumRight) {
  Packet packet = GoldenSyn4();
  packet.tcp()->flags |= tcp_flag::kAe | tcp_flag::kEce | tcp_flag::kCwr;
  const std::vector<uint8_t> bytes = MustBuild(packet);
  EXPECT_EQ(bytes[20 + 12], 0xa1);
  EXPECT_EQ(bytes[20 + 13], 0xc2);
  EXPECT_EQ(FoldedSum(WithPseudoHeader(bytes, 20)), 0xffff);
}

TEST(Build, OddOptionLengthIsPaddedWithEol) {
  Packet packet = GoldenSyn4();
  packet.tcp()->options = {{tcp_opt::kMss, {0x05, 0xb4}}, {tcp_opt::kWscale, {7}}};
  const std::vector<uint8_t> bytes = MustBuild(packet);
  ASSERT_EQ(bytes.size(), 48u);
  EXPECT_EQ(bytes[20 + 12], 0x70);  // 7 words: 20 + 8 bytes
  EXPECT_THAT(std::vector<uint8_t>(bytes.begin() + 40, bytes.end()),
              ElementsAreArray(Hex("02 04 05 b4 03 03 07 00")));
  EXPECT_EQ(FoldedSum(WithPseudoHeader(bytes, 20)), 0xffff);
}

TEST(Build, RejectsTooManyOptionBytes) {
  Packet packet = GoldenSyn4();
  // 20 bytes of SYN options plus a 20-byte Fast Open option fill all 40.
  packet.tcp()->options.push_back({tcp_opt::kFastOpen, std::vector<uint8_t>(18)});
  const BuildResult full = Build(packet);
  EXPECT_TRUE(full.ok()) << full.error;
  EXPECT_EQ(full.bytes[20 + 12], 0xf0);  // data offset 15 words
  packet.tcp()->options.push_back({tcp_opt::kNop, {}});
  EXPECT_EQ(Build(packet).error, "TCP options take 41 bytes, at most 40 fit");
}

TEST(Build, RejectsDataOnNop) {
  Packet packet = GoldenSyn4();
  packet.tcp()->options = {{tcp_opt::kNop, {1}}};
  EXPECT_EQ(Build(packet).error, "TCP option kind 1 carries no data");
}

TEST(Build, RejectsMixedAddressFamilies) {
  Packet packet = GoldenSyn4();
  packet.dst = Ip("::1");
  EXPECT_EQ(Build(packet).error,
            "source and destination addresses are of different families");
}

TEST(Build, RejectsUnsetAddresses) {
  EXPECT_EQ(Build(Packet{}).error, "source address not set");
}

TEST(Build, RejectsOversizedIpv4Packet) {
  Packet packet = GoldenSyn4();
  packet.tcp()->options.clear();
  packet.payload.resize(65535 - 40 + 1);
  EXPECT_EQ(Build(packet).error, "IPv4 packet too long");
  packet.payload.resize(65535 - 40);
  EXPECT_EQ(Build(packet).bytes.size(), 65535u);
}

}  // namespace
}  // namespace synack::wire
