// Parse(): round trips through Build() and the exact rejection messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/wire/packet.h"
#include "runtime/wire/wire_test_util.h"

namespace synack::wire {
namespace {

using namespace synack::wire::test_util;

std::vector<uint8_t> MustBuild(const Packet& packet) {
  BuildResult result = Build(packet);
  EXPECT_TRUE(result.ok()) << result.error;
  return result.bytes;
}

std::string ParseError(const std::vector<uint8_t>& bytes) {
  ParseResult result = Parse(bytes);
  EXPECT_FALSE(result.packet.has_value());
  return result.error;
}

// Rewrites the IPv4 header checksum after a test has changed a field, using
// the test's own RFC 1071 sum.
void RefreshIpv4Checksum(std::vector<uint8_t>& bytes) {
  const size_t header_size = (bytes[0] & 0x0f) * 4;
  bytes[10] = bytes[11] = 0;
  const uint16_t sum = static_cast<uint16_t>(
      ~FoldedSum({bytes.begin(), bytes.begin() + header_size}));
  bytes[10] = static_cast<uint8_t>(sum >> 8);
  bytes[11] = static_cast<uint8_t>(sum);
}

void ExpectRoundTrip(const Packet& packet) {
  const ParseResult parsed = Parse(MustBuild(packet));
  ASSERT_TRUE(parsed.packet.has_value()) << parsed.error;
  EXPECT_EQ(*parsed.packet, packet);
}

// --- Round trips -----------------------------------------------------------

TEST(ParseRoundTrip, SynOverIpv4) {
  ExpectRoundTrip(GoldenSyn4());
}

TEST(ParseRoundTrip, SynOverIpv6WithTrafficClassAndFlowLabel) {
  Packet packet = GoldenSyn6();
  packet.tos = 0xb9;
  packet.flow_label = 0xfedcb;
  packet.ttl = 3;
  ExpectRoundTrip(packet);
}

TEST(ParseRoundTrip, DataSegmentWithEveryHeaderField) {
  TcpHeader tcp;
  tcp.src_port = 8080;
  tcp.dst_port = 40000;
  tcp.seq = 3735928559;
  tcp.ack = 0x80000001;
  tcp.flags = tcp_flag::kPsh | tcp_flag::kAck | tcp_flag::kUrg |
              tcp_flag::kEce | tcp_flag::kCwr | tcp_flag::kAe;
  tcp.window = 502;
  tcp.urgent = 7;
  tcp.options = {{tcp_opt::kNop, {}},
                 {tcp_opt::kNop, {}},
                 {tcp_opt::kSack, {0, 0, 0, 1, 0, 0, 0, 2}},
                 {tcp_opt::kEol, {}},
                 {tcp_opt::kEol, {}},
                 {tcp_opt::kEol, {}},
                 {tcp_opt::kEol, {}}};
  Packet packet = TcpPacket("192.168.0.1", "192.0.2.1", tcp, Bytes("xyz"));
  packet.tos = 0x03;
  packet.ttl = 255;
  packet.ip_id = 0xbeef;
  packet.dont_fragment = true;
  ExpectRoundTrip(packet);
}

TEST(ParseRoundTrip, PaddingBecomesEolOptions) {
  // 13 option bytes go out padded to 16: the three padding bytes come back
  // as EOLs after the one given.
  Packet packet = GoldenSyn4();
  packet.tcp()->options = {{tcp_opt::kNop, {}},
                           {tcp_opt::kNop, {}},
                           {tcp_opt::kSack, {0, 0, 0, 1, 0, 0, 0, 2}},
                           {tcp_opt::kEol, {}}};
  const ParseResult parsed = Parse(MustBuild(packet));
  ASSERT_TRUE(parsed.packet.has_value()) << parsed.error;
  packet.tcp()->options.push_back({tcp_opt::kEol, {}});
  packet.tcp()->options.push_back({tcp_opt::kEol, {}});
  packet.tcp()->options.push_back({tcp_opt::kEol, {}});
  EXPECT_EQ(*parsed.packet, packet);
}

TEST(ParseRoundTrip, UdpOverIpv4AndIpv6) {
  Packet packet;
  packet.src = Ip("192.0.2.1");
  packet.dst = Ip("192.168.0.1");
  packet.protocol = ip_proto::kUdp;
  packet.l4 = UdpHeader{5353, 53};
  packet.payload = Bytes("abc");
  ExpectRoundTrip(packet);
  packet.src = Ip("fd3d:fa7b:d17d::1");
  packet.dst = Ip("fd3d:a0b:17d6::1");
  ExpectRoundTrip(packet);
}

TEST(ParseRoundTrip, IcmpErrorsKeepQuotedBytes) {
  Packet packet;
  packet.src = Ip("192.0.2.1");
  packet.dst = Ip("192.168.0.1");
  packet.protocol = ip_proto::kIcmp;
  packet.l4 = IcmpHeader{3, 4, 1400, Hex("45 00 00 28 01 02 03 04")};
  ExpectRoundTrip(packet);
  packet.src = Ip("fd3d:fa7b:d17d::1");
  packet.dst = Ip("fd3d:a0b:17d6::1");
  packet.protocol = ip_proto::kIcmpv6;
  packet.l4 = IcmpHeader{2, 0, 1280, Hex("60 00 00 00 01 02 03 04")};
  ExpectRoundTrip(packet);
}

TEST(ParseRoundTrip, IcmpEchoKeepsDataAsPayload) {
  Packet packet;
  packet.src = Ip("192.0.2.1");
  packet.dst = Ip("192.168.0.1");
  packet.protocol = ip_proto::kIcmp;
  packet.l4 = IcmpHeader{8, 0, 0x00070001, {}};
  packet.payload = Bytes("ping");
  ExpectRoundTrip(packet);
}

// --- What Parse tolerates ---------------------------------------------------

TEST(Parse, IgnoresBytesPastIpv4TotalLength) {
  std::vector<uint8_t> bytes = MustBuild(GoldenSyn4());
  bytes.insert(bytes.end(), {0, 0, 0, 0, 0, 0});  // Ethernet-style padding
  const ParseResult parsed = Parse(bytes);
  ASSERT_TRUE(parsed.packet.has_value()) << parsed.error;
  EXPECT_EQ(*parsed.packet, GoldenSyn4());
}

TEST(Parse, SkipsIpv4Options) {
  std::vector<uint8_t> bytes = MustBuild(GoldenSyn4());
  // Four NOP options after the 20-byte header: IHL 6, total length +4.
  bytes.insert(bytes.begin() + 20, {1, 1, 1, 1});
  bytes[0] = 0x46;
  bytes[3] += 4;
  RefreshIpv4Checksum(bytes);
  const ParseResult parsed = Parse(bytes);
  ASSERT_TRUE(parsed.packet.has_value()) << parsed.error;
  EXPECT_EQ(*parsed.packet, GoldenSyn4());
}

TEST(Parse, SkipsIpv6HopByHopAndDestinationOptions) {
  std::vector<uint8_t> bytes = MustBuild(GoldenSyn6());
  // Hop-by-hop (next: destination options), 8 bytes with a PadN; then
  // destination options (next: TCP), 16 bytes.
  const std::vector<uint8_t> extensions = Hex(
      "3c 00 01 04 00 00 00 00"
      "06 01 01 0c 00 00 00 00 00 00 00 00 00 00 00 00");
  bytes.insert(bytes.begin() + 40, extensions.begin(), extensions.end());
  bytes[5] += 24;  // payload length
  bytes[6] = 0;    // next header: hop-by-hop
  const ParseResult parsed = Parse(bytes);
  ASSERT_TRUE(parsed.packet.has_value()) << parsed.error;
  EXPECT_EQ(*parsed.packet, GoldenSyn6());
}

TEST(Parse, AcceptsZeroUdpChecksumOverIpv4Only) {
  Packet packet;
  packet.src = Ip("192.0.2.1");
  packet.dst = Ip("192.168.0.1");
  packet.protocol = ip_proto::kUdp;
  packet.l4 = UdpHeader{1, 2};
  std::vector<uint8_t> bytes = MustBuild(packet);
  bytes[26] = bytes[27] = 0;  // "no checksum" (RFC 768)
  EXPECT_TRUE(Parse(bytes).packet.has_value());

  packet.src = Ip("fd3d:fa7b:d17d::1");
  packet.dst = Ip("fd3d:a0b:17d6::1");
  bytes = MustBuild(packet);
  const uint16_t real = static_cast<uint16_t>((bytes[46] << 8) | bytes[47]);
  bytes[46] = bytes[47] = 0;
  char expected[64];
  std::snprintf(expected, sizeof expected,
                "bad UDP checksum 0x0000 (expected 0x%04x)", real);
  EXPECT_EQ(ParseError(bytes), expected);
}

// --- Rejections -------------------------------------------------------------

TEST(ParseRejects, EmptyAndTruncatedIpHeaders) {
  EXPECT_EQ(ParseError({}), "truncated IP header: empty packet");
  EXPECT_EQ(ParseError(Hex("45 00 00 3c 00 00 40 00 40 06")),
            "truncated IPv4 header: 10 bytes, need 20");
  std::vector<uint8_t> v6 = MustBuild(GoldenSyn6());
  v6.resize(39);
  EXPECT_EQ(ParseError(v6), "truncated IPv6 header: 39 bytes, need 40");
}

TEST(ParseRejects, UnknownIpVersion) {
  std::vector<uint8_t> bytes = MustBuild(GoldenSyn4());
  bytes[0] = 0x55;
  EXPECT_EQ(ParseError(bytes), "unknown IP version 5");
}

TEST(ParseRejects, BadIhl) {
  std::vector<uint8_t> bytes = MustBuild(GoldenSyn4());
  bytes[0] = 0x44;
  EXPECT_EQ(ParseError(bytes), "bad IPv4 header length 4");
  bytes.resize(40);
  bytes[0] = 0x4f;  // 60 bytes of header in a 40-byte buffer
  EXPECT_EQ(ParseError(bytes), "truncated IPv4 header: 40 bytes, need 60");
}

TEST(ParseRejects, TotalLengthBeyondBuffer) {
  std::vector<uint8_t> bytes = MustBuild(GoldenSyn4());
  bytes.resize(59);
  EXPECT_EQ(ParseError(bytes), "IPv4 total length 60 exceeds packet size 59");
  std::vector<uint8_t> v6 = MustBuild(GoldenSyn6());
  v6.resize(79);
  EXPECT_EQ(ParseError(v6), "IPv6 payload length 40 exceeds packet size 39");
}

TEST(ParseRejects, TotalLengthShorterThanHeader) {
  std::vector<uint8_t> bytes = MustBuild(GoldenSyn4());
  bytes[3] = 19;
  RefreshIpv4Checksum(bytes);
  EXPECT_EQ(ParseError(bytes), "bad IPv4 total length 19");
}

TEST(ParseRejects, BadIpv4HeaderChecksum) {
  std::vector<uint8_t> bytes = MustBuild(GoldenSyn4());
  bytes[11] ^= 0x03;  // golden checksum is 0xb811
  EXPECT_EQ(ParseError(bytes),
            "bad IPv4 header checksum 0xb812 (expected 0xb811)");
}

TEST(ParseRejects, Fragments) {
  std::vector<uint8_t> bytes = MustBuild(GoldenSyn4());
  bytes[6] = 0x20;  // more fragments
  RefreshIpv4Checksum(bytes);
  EXPECT_EQ(ParseError(bytes), "fragmented packet");
  bytes[6] = 0x00;
  bytes[7] = 0x10;  // offset 128 bytes
  RefreshIpv4Checksum(bytes);
  EXPECT_EQ(ParseError(bytes), "fragmented packet");

  std::vector<uint8_t> v6 = MustBuild(GoldenSyn6());
  const std::vector<uint8_t> fragment = Hex("06 00 00 01 00 00 00 2a");
  v6.insert(v6.begin() + 40, fragment.begin(), fragment.end());
  v6[5] += 8;
  v6[6] = 44;
  EXPECT_EQ(ParseError(v6), "fragmented packet");
}

TEST(ParseRejects, TruncatedIpv6ExtensionHeader) {
  std::vector<uint8_t> v6 = MustBuild(GoldenSyn6());
  v6[6] = 60;   // destination options, claiming (255 + 1) * 8 bytes
  v6[40] = 6;
  v6[41] = 255;
  EXPECT_EQ(ParseError(v6), "truncated IPv6 extension header: 40 bytes, need 2048");
}

TEST(ParseRejects, UnsupportedProtocol) {
  std::vector<uint8_t> bytes = MustBuild(GoldenSyn4());
  bytes[9] = 47;  // GRE
  RefreshIpv4Checksum(bytes);
  EXPECT_EQ(ParseError(bytes), "unsupported IP protocol 47");
  bytes[9] = ip_proto::kIcmpv6;  // ICMPv6 over IPv4
  RefreshIpv4Checksum(bytes);
  EXPECT_EQ(ParseError(bytes), "unsupported IP protocol 58");
}

TEST(ParseRejects, TruncatedTcpHeader) {
  std::vector<uint8_t> bytes = MustBuild(GoldenSyn4());
  bytes[3] = 30;
  RefreshIpv4Checksum(bytes);
  EXPECT_EQ(ParseError(bytes), "truncated TCP header: 10 bytes, need 20");
}

TEST(ParseRejects, BadTcpDataOffset) {
  std::vector<uint8_t> bytes = MustBuild(GoldenSyn4());
  bytes[32] = 0x40;
  EXPECT_EQ(ParseError(bytes), "bad TCP data offset 4 (16 bytes, segment has 40)");
  bytes[32] = 0xf0;
  EXPECT_EQ(ParseError(bytes), "bad TCP data offset 15 (60 bytes, segment has 40)");
}

TEST(ParseRejects, BadTcpOptionLength) {
  std::vector<uint8_t> bytes = MustBuild(GoldenSyn4());
  bytes[41] = 1;  // mss length
  EXPECT_EQ(ParseError(bytes), "bad TCP option length 1 for kind 2");
  bytes[41] = 4;
  // The option area is bytes 40..59; the timestamp starts at 46, so 14
  // bytes reach its end exactly and 15 run past it.
  bytes[47] = 15;
  EXPECT_EQ(ParseError(bytes), "bad TCP option length 15 for kind 8");
  bytes[47] = 10;
  // wscale at 57 shrunk to 2 bytes: byte 59 becomes a kind with no length.
  bytes[58] = 2;
  bytes[59] = 3;
  EXPECT_EQ(ParseError(bytes), "truncated TCP option kind 3");
}

TEST(ParseRejects, BadTcpChecksum) {
  std::vector<uint8_t> bytes = MustBuild(GoldenSyn4());
  bytes[37] ^= 0x03;  // golden checksum is 0x0921
  EXPECT_EQ(ParseError(bytes), "bad TCP checksum 0x0922 (expected 0x0921)");
  std::vector<uint8_t> v6 = MustBuild(GoldenSyn6());
  v6[59] ^= 0x01;  // a payload-side bit: the wscale value
  EXPECT_EQ(ParseError(v6), "bad TCP checksum 0xa373 (expected 0xa372)");
}

TEST(ParseRejects, BadUdpLengthAndChecksum) {
  Packet packet;
  packet.src = Ip("192.0.2.1");
  packet.dst = Ip("192.168.0.1");
  packet.protocol = ip_proto::kUdp;
  packet.l4 = UdpHeader{5353, 53};
  packet.payload = Bytes("abc");
  std::vector<uint8_t> bytes = MustBuild(packet);  // checksum 0xa3ac
  // 'c' -> 'x' adds 0x1500 to the sum (an odd last byte is a high byte).
  bytes[30] = 'x';
  EXPECT_EQ(ParseError(bytes), "bad UDP checksum 0xa3ac (expected 0x8eac)");
  bytes[25] = 12;
  EXPECT_EQ(ParseError(bytes), "bad UDP length 12 (segment has 11 bytes)");
  bytes[25] = 7;
  EXPECT_EQ(ParseError(bytes), "bad UDP length 7 (segment has 11 bytes)");
}

TEST(ParseRejects, BadIcmpChecksums) {
  Packet packet;
  packet.src = Ip("192.0.2.1");
  packet.dst = Ip("192.168.0.1");
  packet.protocol = ip_proto::kIcmp;
  packet.l4 = IcmpHeader{3, 3, 0, Hex("45 00 00 1c")};
  std::vector<uint8_t> bytes = MustBuild(packet);
  bytes[21] = 1;  // code 3 -> 1: the checksum no longer matches
  EXPECT_EQ(ParseError(bytes).substr(0, 18), "bad ICMP checksum ");

  packet.src = Ip("fd3d:fa7b:d17d::1");
  packet.dst = Ip("fd3d:a0b:17d6::1");
  packet.protocol = ip_proto::kIcmpv6;
  bytes = MustBuild(packet);
  // Changing the destination breaks only the pseudo-header part of the sum.
  bytes[39] = 2;
  EXPECT_EQ(ParseError(bytes).substr(0, 20), "bad ICMPv6 checksum ");
}

TEST(ParseRejects, TruncatedUdpAndIcmpHeaders) {
  std::vector<uint8_t> bytes = MustBuild(GoldenSyn4());
  bytes.resize(27);
  bytes[3] = 27;
  bytes[9] = ip_proto::kUdp;
  RefreshIpv4Checksum(bytes);
  EXPECT_EQ(ParseError(bytes), "truncated UDP header: 7 bytes, need 8");
  bytes[9] = ip_proto::kIcmp;
  RefreshIpv4Checksum(bytes);
  EXPECT_EQ(ParseError(bytes), "truncated ICMP header: 7 bytes, need 8");
}

}  // namespace
}  // namespace synack::wire
