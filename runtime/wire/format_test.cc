// Golden text for Format() and FormatTcpOptions().
#include <gtest/gtest.h>

#include "runtime/wire/packet.h"
#include "runtime/wire/wire_test_util.h"

namespace synack::wire {
namespace {

using namespace synack::wire::test_util;

TcpHeader SynAck() {
  TcpHeader tcp;
  tcp.src_port = 8080;
  tcp.dst_port = 40000;
  tcp.seq = 3735928559;
  tcp.ack = 1;
  tcp.flags = tcp_flag::kSyn | tcp_flag::kAck;
  tcp.window = 65535;
  tcp.options = SynOptions(100, 8);
  return tcp;
}

TEST(Format, SynAckOverIpv4) {
  EXPECT_EQ(Format(TcpPacket("192.168.0.1", "192.0.2.1", SynAck())),
            "192.168.0.1:8080 > 192.0.2.1:40000 S. 3735928559:3735928559(0) "
            "ack 1 win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 8>");
}

TEST(Format, SynOverIpv6BracketsAddressesAndShowsFlowLabel) {
  EXPECT_EQ(Format(GoldenSyn6()),
            "[fd3d:fa7b:d17d::1]:40000 > [fd3d:a0b:17d6::1]:8080 S 0:0(0) "
            "win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7> "
            "(flowlabel 0x12345)");
}

TEST(Format, DataSegmentWithEcnCodepoint) {
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
  Packet packet = TcpPacket("192.168.0.1", "192.0.2.1", tcp, Bytes("hello, world"));
  packet.tos = 0x02;
  EXPECT_EQ(Format(packet),
            "192.168.0.1:8080 > 192.0.2.1:40000 P. 1:13(12) ack 1 win 502 "
            "<nop,nop,TS val 200 ecr 100> (ect0)");
}

TEST(Format, IpInfo) {
  Packet packet = TcpPacket("192.0.2.1", "192.168.0.1", TcpHeader{});
  const std::string base = "192.0.2.1:0 > 192.168.0.1:0 - 0:0(0) win 0";
  packet.tos = 0x01;
  EXPECT_EQ(Format(packet), base + " (ect1)");
  packet.tos = 0x03;
  EXPECT_EQ(Format(packet), base + " (ce)");
  packet.tos = 0x10;
  EXPECT_EQ(Format(packet), base + " (tos 0x10)");
  packet.tos = 0xb9;  // DSCP and ECN both set: the whole byte
  EXPECT_EQ(Format(packet), base + " (tos 0xb9)");
  packet.tos = 0;
  packet.flow_label = 0x12345;  // ignored for IPv4
  EXPECT_EQ(Format(packet), base);

  Packet v6 = TcpPacket("::1", "::2", TcpHeader{});
  v6.tos = 0x03;
  v6.flow_label = 0xabc;
  EXPECT_EQ(Format(v6), "[::1]:0 > [::2]:0 - 0:0(0) win 0 (ce, flowlabel 0xabc)");
}

TEST(Format, FlagsInScriptOrder) {
  TcpHeader tcp;
  tcp.flags = 0x1ff;
  tcp.urgent = 5;
  EXPECT_EQ(Format(TcpPacket("192.0.2.1", "192.168.0.1", tcp)),
            "192.0.2.1:0 > 192.168.0.1:0 FSRP.UEWA 0:0(0) ack 0 win 0 urg 5");
  tcp.flags = tcp_flag::kFin | tcp_flag::kAck;
  tcp.urgent = 0;
  EXPECT_EQ(Format(TcpPacket("192.0.2.1", "192.168.0.1", tcp)),
            "192.0.2.1:0 > 192.168.0.1:0 F. 0:0(0) ack 0 win 0");
  tcp.flags = tcp_flag::kRst;
  EXPECT_EQ(Format(TcpPacket("192.0.2.1", "192.168.0.1", tcp)),
            "192.0.2.1:0 > 192.168.0.1:0 R 0:0(0) win 0");
}

TEST(Format, SequenceEndWrapsAround) {
  TcpHeader tcp;
  tcp.seq = 4294967295u;
  tcp.flags = tcp_flag::kAck;
  EXPECT_EQ(Format(TcpPacket("192.0.2.1", "192.168.0.1", tcp, Bytes("ab"))),
            "192.0.2.1:0 > 192.168.0.1:0 . 4294967295:1(2) ack 0 win 0");
}

TEST(Format, Udp) {
  Packet packet;
  packet.src = Ip("192.0.2.1");
  packet.dst = Ip("192.168.0.1");
  packet.l4 = UdpHeader{5353, 53};
  packet.payload = Bytes("abc");
  EXPECT_EQ(Format(packet), "192.0.2.1:5353 > 192.168.0.1:53 udp (3)");
}

Packet Icmp(std::string_view src, std::string_view dst, IcmpHeader icmp) {
  Packet packet;
  packet.src = Ip(src);
  packet.dst = Ip(dst);
  packet.l4 = std::move(icmp);
  return packet;
}

TEST(Format, IcmpFragNeededSummarizesQuotedTcp) {
  // Quoted: IPv4 total length 1040, 20-byte header, TCP seq 1001; the data
  // offset is cut off, so a 20-byte TCP header is assumed: 1000 data bytes.
  const std::vector<uint8_t> quoted = Hex(
      "45 00 04 10 00 00 40 00 40 06 b4 3d c0 a8 00 01 c0 00 02 01"
      "1f 90 9c 40 00 00 03 e9");
  EXPECT_EQ(Format(Icmp("192.0.2.1", "192.168.0.1", {3, 4, 1400, quoted})),
            "192.0.2.1 > 192.168.0.1 icmp unreachable frag_needed mtu 1400 "
            "[1001:2001(1000)]");
}

TEST(Format, IcmpQuotedTcpWithDataOffsetPresent) {
  // Full quoted TCP header with 12 option bytes (offset 8 words): total
  // 1072 - 20 - 32 = 1020 data bytes.
  const std::vector<uint8_t> quoted = Hex(
      "45 00 04 30 00 00 40 00 40 06 00 00 c0 a8 00 01 c0 00 02 01"
      "1f 90 9c 40 00 00 03 e9 00 00 00 01 80 10 01 f6");
  EXPECT_EQ(Format(Icmp("192.0.2.1", "192.168.0.1", {3, 3, 0, quoted})),
            "192.0.2.1 > 192.168.0.1 icmp unreachable port_unreachable "
            "[1001:2021(1020)]");
}

TEST(Format, IcmpQuotedTcpFollowedByZeros) {
  // Total length 140 = 20 + 20 + 100; the quote holds 8 TCP bytes and then
  // zeros, so its zero "data offset" is not taken for one.
  std::vector<uint8_t> quoted = Hex(
      "45 00 00 8c 00 00 40 00 40 06 00 00 c0 a8 00 01 c0 00 02 01"
      "1f 90 9c 40 00 00 00 01");
  quoted.resize(quoted.size() + 100, 0);
  EXPECT_EQ(Format(Icmp("192.0.2.1", "192.168.0.1", {3, 1, 0, quoted})),
            "192.0.2.1 > 192.168.0.1 icmp unreachable host_unreachable "
            "[1:101(100)]");
}

TEST(Format, IcmpPortUnreachableQuotingUdp) {
  const std::vector<uint8_t> quoted = Hex(
      "45 00 00 1f 00 00 00 00 40 11 f8 23 c0 a8 00 01 c0 00 02 01"
      "14 e9 00 35 00 0b a3 ac");
  EXPECT_EQ(Format(Icmp("192.0.2.1", "192.168.0.1", {3, 3, 0, quoted})),
            "192.0.2.1 > 192.168.0.1 icmp unreachable port_unreachable "
            "[udp (3)]");
}

TEST(Format, Icmpv6PacketTooBig) {
  const std::vector<uint8_t> quoted = Hex(
      "60 00 00 00 05 14 06 40"
      "fd 3d 0a 0b 17 d6 00 00 00 00 00 00 00 00 00 01"
      "fd 3d fa 7b d1 7d 00 00 00 00 00 00 00 00 00 01"
      "1f 90 9c 40 00 00 03 e9");
  EXPECT_EQ(Format(Icmp("fd3d:fa7b:d17d::1", "fd3d:a0b:17d6::1",
                        {2, 0, 1280, quoted})),
            "fd3d:fa7b:d17d::1 > fd3d:a0b:17d6::1 icmp packet_too_big mtu 1280 "
            "[1001:2281(1280)]");
}

TEST(Format, IcmpOtherShapes) {
  EXPECT_EQ(Format(Icmp("192.0.2.1", "192.168.0.1", {8, 0, 0x00070001, {}})),
            "192.0.2.1 > 192.168.0.1 icmp echo_request id 7");
  EXPECT_EQ(Format(Icmp("192.0.2.1", "192.168.0.1", {42, 3, 0, {}})),
            "192.0.2.1 > 192.168.0.1 icmp type 42 code 3");
  EXPECT_EQ(Format(Icmp("192.0.2.1", "192.168.0.1", {3, 99, 0, Hex("01 02 03 04")})),
            "192.0.2.1 > 192.168.0.1 icmp unreachable code 99 [raw (12)]");
  EXPECT_EQ(Format(Icmp("::1", "::2", {1, 4, 0, {}})),
            "::1 > ::2 icmp unreachable port_unreachable");
  EXPECT_EQ(Format(Icmp("::1", "::2", {3, 0, 0, {}})),
            "::1 > ::2 icmp time_exceeded exceeded_hop_limit");
}

TEST(FormatTcpOptions, EveryKnownKind) {
  const std::vector<TcpOption> options = {
      {tcp_opt::kMss, {0x05, 0xb4}},
      {tcp_opt::kSackOk, {}},
      {tcp_opt::kSack, {0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0x10, 0, 0, 0, 0x20, 0}},
      {tcp_opt::kTimestamp, {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1}},
      {tcp_opt::kNop, {}},
      {tcp_opt::kWscale, {14}},
      {tcp_opt::kEol, {}},
  };
  EXPECT_EQ(FormatTcpOptions(options),
            "<mss 1460,sackOK,sack 1:2 4096:8192,TS val 4294967295 ecr 1,nop,"
            "wscale 14,eol>");
}

TEST(FormatTcpOptions, CookiesAndDigests) {
  std::vector<uint8_t> digest(16);
  for (size_t i = 0; i < digest.size(); ++i) digest[i] = static_cast<uint8_t>(i * 17);
  EXPECT_EQ(FormatTcpOptions({{tcp_opt::kMd5, digest}}),
            "<md5 00112233445566778899aabbccddeeff>");
  EXPECT_EQ(FormatTcpOptions({{tcp_opt::kFastOpen, {}}}), "<FO>");
  EXPECT_EQ(FormatTcpOptions({{tcp_opt::kFastOpen, Hex("11 22 33 44 55 66")}}),
            "<FO 112233445566>");
  EXPECT_EQ(FormatTcpOptions({{tcp_opt::kExperimental, Hex("f9 89")}}), "<FOEXP>");
  EXPECT_EQ(FormatTcpOptions({{tcp_opt::kExperimental, Hex("f9 89 ab cd")}}),
            "<FOEXP abcd>");
}

// AccECN's option in packetdrill's spelling, its counters in the kind's
// order, as many as its length holds; none, or a part of one, is misshapen.
TEST(FormatTcpOptions, AccEcnCounters) {
  EXPECT_EQ(FormatTcpOptions({{tcp_opt::kAccEcn0, Hex("00 00 01 00 01 00 01 00 00")}}),
            "<ECN e0b 1 ceb 256 e1b 65536>");
  EXPECT_EQ(FormatTcpOptions({{tcp_opt::kAccEcn1, Hex("ff ff ff 00 00 02")}}),
            "<ECN e1b 16777215 ceb 2>");
  EXPECT_EQ(FormatTcpOptions({{tcp_opt::kAccEcn0, Hex("00 00 07")}}), "<ECN e0b 7>");
  EXPECT_EQ(FormatTcpOptions({{tcp_opt::kAccEcn0, {}}}), "<opt-172[2]>");
  EXPECT_EQ(FormatTcpOptions({{tcp_opt::kAccEcn1, Hex("00 01")}}), "<opt-174[4]>");
}

TEST(FormatTcpOptions, UnknownAndMisshapenOptions) {
  EXPECT_EQ(FormatTcpOptions({{99, {1, 2}}}), "<opt-99[4]>");
  EXPECT_EQ(FormatTcpOptions({{tcp_opt::kExperimental, Hex("12 34")}}),
            "<opt-254[4]>");
  EXPECT_EQ(FormatTcpOptions({{tcp_opt::kMss, {5}}}), "<opt-2[3]>");
  EXPECT_EQ(FormatTcpOptions({{tcp_opt::kSack, {1, 2, 3}}}), "<opt-5[5]>");
  EXPECT_EQ(FormatTcpOptions({{tcp_opt::kTimestamp, {}}}), "<opt-8[2]>");
  EXPECT_EQ(FormatTcpOptions({}), "<>");
}

}  // namespace
}  // namespace synack::wire
