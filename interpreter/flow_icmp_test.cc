// ICMP messages quoting the stack's packets, UDP, IP fields, option bytes,
// and the IPv6 and IPv4-mapped addressing.
#include "interpreter/flow_icmp.h"

#include <gtest/gtest.h>

#include "interpreter/flow_test_util.h"

namespace synack::interpreter {
namespace {

using testing::FlowsTest;
using testing::Opt;
using testing::Seg;
namespace flag = testing::flag;

std::vector<uint8_t> Bytes(std::initializer_list<uint8_t> bytes) {
  return bytes;
}

// The packet as the stack will read it: built and parsed back.
wire::Packet RoundTrip(const wire::Packet& packet) {
  wire::BuildResult built = wire::Build(packet);
  EXPECT_TRUE(built.ok()) << built.error;
  wire::ParseResult parsed = wire::Parse(built.bytes);
  EXPECT_TRUE(parsed.packet.has_value()) << parsed.error;
  return parsed.packet.value_or(wire::Packet{});
}

// tcp/fastopen/client/syn-data-icmp-unreach-frag-needed-with-seq.pkt:
// the SYN with data is too big, a router says so quoting its seq.
TEST_F(FlowsTest, IcmpFragNeededQuotesTheStacksSegment) {
  flows_.OnConnect(8080);
  Expect("> S 0:1000(1000)", Seg{.sport = 40000,
                                 .dport = 8080,
                                 .flags = flag::kSyn,
                                 .seq = 0x01020304,
                                 .length = 1000});
  wire::Packet icmp =
      RoundTrip(Send("< icmp unreachable frag_needed mtu 840 [0:1000(1000)]"));
  EXPECT_EQ(icmp.src.ToString(), "192.0.2.1");
  EXPECT_EQ(icmp.dst.ToString(), "192.168.0.1");
  EXPECT_EQ(icmp.protocol, wire::ip_proto::kIcmp);
  const auto& header = std::get<wire::IcmpHeader>(icmp.l4);
  EXPECT_EQ(header.type, 3);
  EXPECT_EQ(header.code, 4);
  EXPECT_EQ(header.rest, 840u);
  ASSERT_EQ(header.quoted.size(), 20u + 8u + 1000u);
  // The quoted IPv4 header: the stack's datagram of 20 + 20 + 1000 bytes.
  const std::vector<uint8_t> ip(header.quoted.begin(),
                                header.quoted.begin() + 20);
  EXPECT_EQ(ip, Bytes({0x45, 0,    0x04, 0x10, 0, 0, 0,   0, 64, 6,
                       0xf4, 0x3d, 192,  168,  0, 1, 192, 0, 2,  1}));
  // Its first 8 TCP bytes: ports, then the seq counted from the stack's ISN.
  const std::vector<uint8_t> tcp(header.quoted.begin() + 20,
                                 header.quoted.begin() + 28);
  EXPECT_EQ(tcp, Bytes({0x9c, 0x40, 0x1f, 0x90, 1, 2, 3, 4}));
  EXPECT_EQ(flows_.Describe(icmp),
            "< icmp unreachable frag_needed mtu 840 "
            "[16909060:16910060(1000)]");
}

// tcp/fastopen/server/icmp-baseline.pkt: no quote written means a TCP
// header with seq 0, and the undefined code `CODE` is host unreachable.
TEST_F(FlowsTest, IcmpDefaultsAndUnknownCode) {
  flows_.OnListen(8080);
  Send("< S 0:10(10) win 32792");
  Expect("> S. 0:0(0) ack 1",
         Seg{.flags = flag::kSyn | flag::kAck, .seq = 777, .ack = 1});
  wire::Packet icmp = RoundTrip(Send("< icmp unreachable CODE"));
  const auto& header = std::get<wire::IcmpHeader>(icmp.l4);
  EXPECT_EQ(header.type, 3);
  EXPECT_EQ(header.code, 1);
  ASSERT_EQ(header.quoted.size(), 28u);
  const std::vector<uint8_t> tcp(header.quoted.begin() + 20,
                                 header.quoted.end());
  EXPECT_EQ(tcp, Bytes({0x1f, 0x90, 0xbb, 0x80, 0, 0, 3, 9}));
  EXPECT_EQ(
      std::get<wire::IcmpHeader>(Send("< icmp unreachable code_13").l4).code,
      13);
  EXPECT_EQ(SendError("< icmp bogus"), "unknown ICMP type 'bogus'");
  EXPECT_EQ(SendError("< icmp unreachable port_unreachable mtu 1000"),
            "an MTU belongs only to ICMP 'unreachable frag_needed'");
}

TEST_F(FlowsTest, IcmpQuotingUdpAndRaw) {
  flows_.OnBind(8080);
  const wire::Packet packet =
      Send("< icmp unreachable port_unreachable [udp (100)]");
  const auto& udp = std::get<wire::IcmpHeader>(packet.l4);
  ASSERT_EQ(udp.quoted.size(), 20u + 8u + 100u);
  const std::vector<uint8_t> header(udp.quoted.begin() + 20,
                                    udp.quoted.begin() + 28);
  EXPECT_EQ(header, Bytes({0x1f, 0x90, 0xbb, 0x80, 0, 108, 0, 0}));
  wire::Packet raw = Send("< icmp echo_request id 7 [raw (20)]");
  EXPECT_EQ(std::get<wire::IcmpHeader>(raw.l4).rest, 7u << 16);
  EXPECT_TRUE(std::get<wire::IcmpHeader>(raw.l4).quoted.empty());
  EXPECT_EQ(raw.payload.size(), 12u);
}

TEST_F(FlowsTest, Udp) {
  flows_.OnBind(8080);
  wire::Packet in = RoundTrip(Send("< udp (100)"));
  const auto& udp = std::get<wire::UdpHeader>(in.l4);
  EXPECT_EQ(udp.src_port, 48000);
  EXPECT_EQ(udp.dst_port, 8080);
  EXPECT_EQ(in.payload.size(), 100u);

  wire::Packet out = LiveSeg(Seg{});
  out.l4 = wire::UdpHeader{8080, 48000};
  out.payload.assign(50, 0);
  EXPECT_EQ(Expect("> udp (100)", out),
            "payload length: expected 100, actual 50");
  out.payload.assign(100, 0);
  EXPECT_EQ(Expect("> udp (100)", out), "");
  EXPECT_EQ(flows_.Describe(out), "> udp (100)");
  EXPECT_EQ(std::get<wire::UdpHeader>(Send("< udp 53>8080 (1)").l4).src_port,
            53);
}

TEST_F(FlowsTest, InboundIpFields) {
  flows_.OnListen(8080);
  EXPECT_EQ(Send("< [ect0] S 0:0(0) win 1000").tos, 0x02);
  EXPECT_EQ(Send("< (ce) S 0:0(0) win 1000").tos, 0x03);
  EXPECT_EQ(Send("< (tos 0x10) S 0:0(0) win 1000").tos, 0x10);
  EXPECT_EQ(Send("< (ttl 3) S 0:0(0) win 1000").ttl, 3);
  EXPECT_EQ(SendError("< [ect01] S 0:0(0) win 1000"),
            "[ect01] means ECT(0) or ECT(1) and can only be checked on "
            "outbound packets");
  EXPECT_EQ(SendError("< S 0:0(0)"),
            "an inbound packet needs its window: add 'win N'");
  EXPECT_EQ(SendError("< S 0:0(0) win 1 <...>"),
            "<...> matches any options of an outbound packet; an inbound "
            "packet's options must be written out");
}

TEST_F(FlowsTest, InboundOptionBytes) {
  flows_.OnListen(8080);
  const wire::TcpHeader& syn = SendTcp(
      "< S 0:0(0) win 1000 <mss 1012,FOEXP 00abaaabe8e954c2,FO,md5 0102,eol>");
  ASSERT_EQ(syn.options.size(), 5u);
  EXPECT_EQ(syn.options[1], Opt(254, {0xf9, 0x89, 0x00, 0xab, 0xaa, 0xab, 0xe8,
                                      0xe9, 0x54, 0xc2}));
  EXPECT_EQ(syn.options[2], Opt(34));
  // A short md5 digest goes out as written (packetdrill's new_md5_option()).
  EXPECT_EQ(syn.options[3], Opt(19, {1, 2}));
  EXPECT_EQ(syn.options[4], Opt(0));
  EXPECT_EQ(SendError("< S 0:0(0) win 1000 <FO TFO_COOKIE>"),
            "Fast Open cookie 'TFO_COOKIE' is not an even number of hex "
            "digits");
}

TEST_F(FlowsTest, ScriptTraffic) {
  wire::Packet tcp = LiveSeg(Seg{});
  EXPECT_TRUE(flows_.IsScriptTraffic(tcp));
  std::swap(tcp.src, tcp.dst);
  EXPECT_TRUE(flows_.IsScriptTraffic(tcp));
  tcp.dst = testing::Ip("10.0.0.1");
  EXPECT_FALSE(flows_.IsScriptTraffic(tcp));
}

class Ipv6FlowsTest : public FlowsTest {
 protected:
  Ipv6FlowsTest() : FlowsTest(IpVersion::kIpv6) {}
};

TEST_F(Ipv6FlowsTest, Addressing) {
  flows_.OnListen(8080);
  wire::Packet syn = RoundTrip(Send("< (flowlabel 0x12345) S 0:0(0) win 1000"));
  EXPECT_TRUE(syn.is_ipv6());
  EXPECT_EQ(syn.src.ToString(), "fd3d:fa7b:d17d::1");
  EXPECT_EQ(syn.dst.ToString(), "fd3d:a0b:17d6::1");
  EXPECT_EQ(syn.flow_label, 0x12345u);
  EXPECT_EQ(Expect("> S. 0:0(0) ack 1",
                   Seg{.flags = flag::kSyn | flag::kAck, .seq = 9, .ack = 1}),
            "");
}

// tcp/fastopen/client/syn-data-icmp-unreach-frag-needed-with-seq-ipv6.pkt.
TEST_F(Ipv6FlowsTest, PacketTooBig) {
  flows_.OnConnect(8080);
  Expect("> S 0:1440(1440)", Seg{.sport = 40000,
                                 .dport = 8080,
                                 .flags = flag::kSyn,
                                 .seq = 100,
                                 .length = 1440});
  wire::Packet icmp =
      RoundTrip(Send("< icmp packet_too_big mtu 1400 [0:1440(1440)]"));
  EXPECT_EQ(icmp.protocol, wire::ip_proto::kIcmpv6);
  const auto& header = std::get<wire::IcmpHeader>(icmp.l4);
  EXPECT_EQ(header.type, 2);
  EXPECT_EQ(header.rest, 1400u);
  ASSERT_EQ(header.quoted.size(), 40u + 8u + 1440u);
  EXPECT_EQ(header.quoted[0], 0x60);
  EXPECT_EQ(header.quoted[6], 6);  // next header: TCP
  const std::vector<uint8_t> tcp(header.quoted.begin() + 40,
                                 header.quoted.begin() + 48);
  EXPECT_EQ(tcp, Bytes({0x9c, 0x40, 0x1f, 0x90, 0, 0, 0, 100}));
  // ICMPv6 has no "fragmentation needed" (RFC 4443), and an MTU only on
  // "packet too big".
  EXPECT_EQ(SendError("< icmp unreachable frag_needed mtu 800"),
            "unknown ICMPv6 code 'frag_needed' for type 'unreachable'");
  EXPECT_EQ(SendError("< icmp unreachable no_route mtu 800"),
            "an MTU belongs only to ICMPv6 'packet_too_big'");
}

// tcp/fastopen/server/icmp-baseline.pkt on IPv6: packetdrill rejects the
// undefined code name; named and numbered codes build.
TEST_F(Ipv6FlowsTest, UnknownCodeNameIsAnError) {
  flows_.OnListen(8080);
  Send("< S 0:10(10) win 32792");
  Expect("> S. 0:0(0) ack 1",
         Seg{.flags = flag::kSyn | flag::kAck, .seq = 777, .ack = 1});
  EXPECT_EQ(SendError("< icmp unreachable CODE"),
            "unknown ICMPv6 code 'CODE' for type 'unreachable'");
  EXPECT_EQ(std::get<wire::IcmpHeader>(
                Send("< icmp unreachable address_unreachable").l4)
                .code,
            3);
  EXPECT_EQ(
      std::get<wire::IcmpHeader>(Send("< icmp unreachable code_1").l4).code,
      1);
}

// Neighbour discovery to the remote address is not the script's.
TEST_F(Ipv6FlowsTest, NeighbourDiscoveryIsNotScriptTraffic) {
  wire::Packet packet = LiveSeg(Seg{});
  EXPECT_TRUE(flows_.IsScriptTraffic(packet));
  packet.protocol = wire::ip_proto::kIcmpv6;
  packet.l4 = wire::IcmpHeader{135, 0, 0, {}};
  EXPECT_FALSE(flows_.IsScriptTraffic(packet));
  packet.l4 = wire::IcmpHeader{1, 4, 0, {}};
  EXPECT_TRUE(flows_.IsScriptTraffic(packet));
}

class MappedFlowsTest : public FlowsTest {
 protected:
  MappedFlowsTest() : FlowsTest(IpVersion::kIpv4MappedIpv6) {}
};

// AF_INET6 sockets with ::ffff:a.b.c.d addresses; IPv4 on the wire.
TEST_F(MappedFlowsTest, WireIsIpv4) {
  EXPECT_EQ(net_.local_ip.ToString(), "::ffff:192.168.0.1");
  flows_.OnListen(8080);
  wire::Packet syn = RoundTrip(Send("< S 0:0(0) win 1000"));
  EXPECT_FALSE(syn.is_ipv6());
  EXPECT_EQ(syn.src.ToString(), "192.0.2.1");
  EXPECT_EQ(syn.dst.ToString(), "192.168.0.1");
  wire::Packet syn_ack =
      LiveSeg(Seg{.flags = flag::kSyn | flag::kAck, .seq = 9, .ack = 1});
  EXPECT_EQ(syn_ack.src.ToString(), "192.168.0.1");
  EXPECT_TRUE(flows_.IsScriptTraffic(syn_ack));
  EXPECT_EQ(Expect("> S. 0:0(0) ack 1", syn_ack), "");
}

}  // namespace
}  // namespace synack::interpreter
