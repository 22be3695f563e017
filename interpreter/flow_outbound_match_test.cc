// The difference MatchOutbound names, one golden message per field.
#include "interpreter/flow_outbound_match.h"

#include <gtest/gtest.h>

#include "interpreter/flow_test_util.h"

namespace synack::interpreter {
namespace {

using testing::Mss;
using testing::Nop;
using testing::SackOk;
using testing::Seg;
using testing::Ts;
using testing::Wscale;
namespace flag = testing::flag;

constexpr uint32_t kIsn = 3735928559;

// A connection after `< S 0:0(0)` and `> S. 0:0(0) ack 1` with the stack's
// ISN kIsn, timestamps negotiated (the stack's "TS val 100" is live 5000).
class MismatchTest : public testing::FlowsTest {
 protected:
  MismatchTest() {
    flows_.OnListen(8080);
    Send("< S 0:0(0) win 1000 <TS val 1 ecr 0>");
    EXPECT_EQ(Expect("> S. 0:0(0) ack 1 <TS val 100 ecr 1>",
                     Seg{.flags = flag::kSyn | flag::kAck,
                         .seq = kIsn,
                         .ack = 1,
                         .options = {Ts(5000, 1)}}),
              "");
    Send("< . 1:1001(1000) ack 1 win 1000 <nop,nop,TS val 2 ecr 100>");
  }

  // The stack's usual ACK of the 1000 bytes, then what the test changes.
  static Seg Ack() {
    return Seg{.flags = flag::kAck,
               .seq = kIsn + 1,
               .ack = 1001,
               .win = 500,
               .options = {Nop(), Nop(), Ts(5010, 2)}};
  }
  static constexpr char kAckLine[] =
      "> . 1:1(0) ack 1001 win 500 <nop,nop,TS val 110 ecr 2>";
};

TEST_F(MismatchTest, Matches) { EXPECT_EQ(Expect(kAckLine, Ack()), ""); }

TEST_F(MismatchTest, Flags) {
  Seg seg = Ack();
  seg.flags = flag::kRst | flag::kAck;
  EXPECT_EQ(Expect(kAckLine, seg), "flags: expected ., actual R.");
  seg.flags = flag::kSyn | flag::kAck | flag::kEce;
  EXPECT_EQ(Expect("> S. 0:0(0) ack 1", seg), "flags: expected S., actual SE.");
}

TEST_F(MismatchTest, AceDigitIsComparedAsThreeBits) {
  constexpr char kAce5[] =
      "> .5 1:1(0) ack 1001 win 500 <nop,nop,TS val 110 ecr 2>";
  Seg seg = Ack();
  seg.flags = flag::kAck | flag::kEce | flag::kAe;  // ACE 5: ECE and AE
  EXPECT_EQ(Expect(kAce5, seg), "");
  seg.flags = flag::kAck | flag::kEce | flag::kCwr;  // ACE 3
  EXPECT_EQ(Expect(kAce5, seg),
            "flags: expected EA., actual EW. (ACE field: expected 5, "
            "actual 3)");
}

TEST_F(MismatchTest, AccEcnOption) {
  constexpr char kLine[] =
      "> . 1:1(0) ack 1001 win 500 <nop,nop,TS val 110 ecr 2,"
      "ECN e1b 1 ceb 258>";
  Seg seg = Ack();
  // Kind 174 (e1b first), each counter 24 bits.
  seg.options.push_back(wire::TcpOption{174, {0, 0, 1, 0, 1, 2}});
  EXPECT_EQ(Expect(kLine, seg), "");
  seg.options.back().kind = 172;
  EXPECT_NE(Expect(kLine, seg), "");
  seg.options.back() = wire::TcpOption{174, {0, 0, 1, 0, 1, 3}};
  EXPECT_NE(Expect(kLine, seg), "");
}

TEST_F(MismatchTest, ShortMd5DigestIsAShortOption) {
  constexpr char kLine[] =
      "> . 1:1(0) ack 1001 win 500 <nop,nop,TS val 110 ecr 2,md5 0011>";
  Seg seg = Ack();
  // Kind 19 with the two bytes written: packetdrill's new_md5_option().
  seg.options.push_back(wire::TcpOption{19, {0x00, 0x11}});
  EXPECT_EQ(Expect(kLine, seg), "");
  seg.options.back().data.resize(16, 0);
  EXPECT_NE(Expect(kLine, seg), "");
}

TEST_F(MismatchTest, Seq) {
  Seg seg = Ack();
  seg.seq = kIsn + 5;
  EXPECT_EQ(Expect(kAckLine, seg),
            "seq: expected 1, actual 5 (live 3735928564)");
}

TEST_F(MismatchTest, PayloadLength) {
  Seg seg = Ack();
  seg.flags = flag::kPsh | flag::kAck;
  seg.length = 500;
  EXPECT_EQ(Expect("> P. 1:1001(1000) ack 1001 <...>", seg),
            "payload length: expected 1000, actual 500");
}

TEST_F(MismatchTest, Ack) {
  Seg seg = Ack();
  seg.ack = 1;
  EXPECT_EQ(Expect(kAckLine, seg), "ack: expected 1001, actual 1 (live 1)");
}

TEST_F(MismatchTest, Window) {
  Seg seg = Ack();
  seg.win = 29200;
  EXPECT_EQ(Expect(kAckLine, seg), "win: expected 500, actual 29200");
  // Not written, not checked.
  EXPECT_EQ(Expect("> . 1:1(0) ack 1001 <nop,nop,TS val 110 ecr 2>", seg), "");
}

TEST_F(MismatchTest, Urgent) {
  Seg seg = Ack();
  seg.urgent = 7;
  EXPECT_EQ(Expect(kAckLine, seg), "urg: expected 0, actual 7");
}

TEST_F(MismatchTest, Options) {
  Seg seg = Ack();
  seg.options = {Mss(1460), SackOk(), Ts(5000, 0), Nop(), Wscale(8)};
  EXPECT_EQ(Expect("> . 1:1(0) ack 1001 <mss 1460,nop,wscale 8>", seg),
            "options: expected <mss 1460,nop,wscale 8>, actual <mss 1460,"
            "sackOK,TS val 100 ecr 0,nop,wscale 8>");
  seg.options = {Mss(1400)};
  EXPECT_EQ(Expect("> . 1:1(0) ack 1001 <mss 1460>", seg),
            "options: expected <mss 1460>, actual <mss 1400>");
}

// No option list written: the segment must carry none, as in packetdrill;
// the corpus writes <nop,nop,TS ...> on each segment of a connection that
// negotiated timestamps.
TEST_F(MismatchTest, NoOptionListMeansNoOptions) {
  EXPECT_EQ(Expect("> . 1:1(0) ack 1001", Ack()),
            "options: expected none, actual <nop,nop,TS val 110 ecr 2>");
  Seg seg = Ack();
  seg.options = {};
  EXPECT_EQ(Expect("> . 1:1(0) ack 1001", seg), "");
  EXPECT_EQ(Expect(kAckLine, seg),
            "options: expected <nop,nop,TS val 110 ecr 2>, actual none");
  EXPECT_EQ(Expect("> . 1:1(0) ack 1001 <...>", Ack()), "");
}

TEST_F(MismatchTest, TimestampEcr) {
  Seg seg = Ack();
  seg.options = {Nop(), Nop(), Ts(5010, 1)};
  EXPECT_EQ(Expect(kAckLine, seg), "options: TS ecr: expected 2, actual 1");
}

TEST_F(MismatchTest, TimestampValWithTick) {
  // 1 ms a tick, 4 ms tolerance: 110 +- 4.
  flows_.SetTimestampCheck(1000, 4000);
  Seg seg = Ack();
  seg.options = {Nop(), Nop(), Ts(5014, 2)};
  EXPECT_EQ(Expect(kAckLine, seg), "");
  seg.options = {Nop(), Nop(), Ts(5015, 2)};
  EXPECT_EQ(Expect(kAckLine, seg),
            "options: TS val: expected 110, actual 115 (live 5015), more than "
            "4000 us at 1000 us a tick");
}

TEST_F(MismatchTest, AddressesAndProtocol) {
  wire::Packet live = LiveSeg(Ack());
  live.dst = testing::Ip("192.0.2.9");
  EXPECT_EQ(Expect(kAckLine, live),
            "addresses: expected 192.168.0.1 > 192.0.2.1, actual 192.168.0.1 "
            "> 192.0.2.9");
  live = LiveSeg(Ack());
  live.l4 = wire::UdpHeader{8080, 48000};
  EXPECT_EQ(Expect(kAckLine, live), "protocol: expected tcp, actual udp");
  EXPECT_EQ(Expect("> . 1:1(0) ack 1001", LiveSeg(Seg{.dport = 48001})),
            "ports: expected 8080>48000, actual 8080>48001");
}

TEST_F(MismatchTest, IpFields) {
  wire::Packet live = LiveSeg(Ack());
  EXPECT_EQ(Expect("> [ect0] . 1:1(0) ack 1001 <...>", live),
            "ip ecn: expected ect0, actual noecn");
  live.tos = 0x02;
  EXPECT_EQ(Expect("> [ect0] . 1:1(0) ack 1001 <...>", live), "");
  EXPECT_EQ(Expect("> [ect01] . 1:1(0) ack 1001 <...>", live), "");
  live.tos = 0x03;
  EXPECT_EQ(Expect("> [ect01] . 1:1(0) ack 1001 <...>", live),
            "ip ecn: expected ect0 or ect1, actual ce");
  EXPECT_EQ(Expect("> (tos 0x10) . 1:1(0) ack 1001 <...>", live),
            "tos: expected 0x10, actual 0x03");
  EXPECT_EQ(Expect("> (ttl 255) . 1:1(0) ack 1001 <...>", live),
            "ttl: expected 255, actual 64");
}

class Ipv6MismatchTest : public testing::FlowsTest {
 protected:
  Ipv6MismatchTest() : FlowsTest(IpVersion::kIpv6) {}
};

// The script's labels name the stack's: the same one must stay, a new one
// must change.
TEST_F(Ipv6MismatchTest, FlowLabel) {
  flows_.OnListen(8080);
  Send("< S 0:0(0) win 1000");
  wire::Packet live =
      LiveSeg(Seg{.flags = flag::kSyn | flag::kAck, .seq = kIsn, .ack = 1});
  EXPECT_EQ(Expect("> (flowlabel 0x1) S. 0:0(0) ack 1", live),
            "flow label: expected one (script 0x1), actual none");
  live.flow_label = 0xabcde;
  EXPECT_EQ(Expect("> (flowlabel 0x1) S. 0:0(0) ack 1", live), "");
  live.flow_label = 0x12345;
  EXPECT_EQ(Expect("> (flowlabel 0x1) S. 0:0(0) ack 1", live),
            "flow label: expected 0xabcde as before (script 0x1), actual "
            "0x12345");
  live.flow_label = 0xabcde;
  EXPECT_EQ(Expect("> (flowlabel 0x2) S. 0:0(0) ack 1", live),
            "flow label: expected a new one (script 0x2), actual the same "
            "0xabcde");
}

}  // namespace
}  // namespace synack::interpreter
