// Flows in the shape of tiny scripts: handshakes, sequence and timestamp
// translation, several flows at once.
#include "interpreter/flows.h"

#include <gtest/gtest.h>

#include "interpreter/flow_test_util.h"

namespace synack::interpreter {
namespace {

using testing::FlowsTest;
using testing::Mss;
using testing::Nop;
using testing::Sack;
using testing::SackOk;
using testing::Seg;
using testing::TcpOf;
using testing::Ts;
using testing::Wscale;
namespace flag = testing::flag;

constexpr uint32_t kIsn = 3735928559;  // the stack's ISN in these tests

// A passive open as in most corpus scripts:
//   bind, listen, < S, > S., < ., > P., < .
TEST_F(FlowsTest, PassiveOpen) {
  flows_.OnBind(8080);
  flows_.OnListen(8080);

  wire::Packet syn =
      Send("< S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>");
  EXPECT_EQ(syn.src.ToString(), "192.0.2.1");
  EXPECT_EQ(syn.dst.ToString(), "192.168.0.1");
  const wire::TcpHeader& s = TcpOf(syn);
  EXPECT_EQ(s.src_port, 48000);
  EXPECT_EQ(s.dst_port, 8080);
  EXPECT_EQ(s.flags, flag::kSyn);
  EXPECT_EQ(s.seq, 0u);
  EXPECT_EQ(s.ack, 0u);
  EXPECT_EQ(s.window, 32792);
  EXPECT_EQ(s.options, (std::vector<wire::TcpOption>{Mss(1000), SackOk(), Nop(),
                                                     Nop(), Nop(), Wscale(7)}));

  EXPECT_EQ(Expect("> S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>",
                   Seg{.flags = flag::kSyn | flag::kAck,
                       .seq = kIsn,
                       .ack = 1,
                       .options = {Mss(1460), Nop(), Nop(), SackOk(), Nop(),
                                   Wscale(8)}}),
            "");

  const wire::TcpHeader& ack = SendTcp("< . 1:1(0) ack 1 win 257");
  EXPECT_EQ(ack.seq, 1u);
  EXPECT_EQ(ack.ack, kIsn + 1);

  EXPECT_EQ(
      Expect("> P. 1:1001(1000) ack 1", Seg{.flags = flag::kPsh | flag::kAck,
                                            .seq = kIsn + 1,
                                            .ack = 1,
                                            .length = 1000}),
      "");
  EXPECT_EQ(SendTcp("< . 1:1(0) ack 1001 win 257").ack, kIsn + 1001);
}

// SYN numbers are absolute, later ones count from the ISN
// (tcp/fastopen/server/simple1.pkt: `< S 1428932:...`, then `< . 1:1(0)`).
TEST_F(FlowsTest, ScriptIsnOtherThanZero) {
  flows_.OnListen(8080);
  EXPECT_EQ(SendTcp("< S 999000:999040(40) win 32792").seq, 999000u);
  EXPECT_EQ(
      Expect("> S. 1234:1234(0) ack 999001",
             Seg{.flags = flag::kSyn | flag::kAck, .seq = 77, .ack = 999001}),
      "");
  const wire::TcpHeader& ack = SendTcp("< . 1:1(0) ack 1 win 100");
  EXPECT_EQ(ack.seq, 999001u);
  EXPECT_EQ(ack.ack, 78u);
  // A retransmitted SYN-ACK keeps the ISN it taught.
  EXPECT_EQ(
      Expect("> S. 1234:1234(0) ack 999001",
             Seg{.flags = flag::kSyn | flag::kAck, .seq = 77, .ack = 999001}),
      "");
  EXPECT_EQ(
      Expect("> F. 1:1(0) ack 1",
             Seg{.flags = flag::kFin | flag::kAck, .seq = 78, .ack = 999001}),
      "");
}

// connect(): the stack's port and ISN come from its SYN; timestamps map
// both ways.
TEST_F(FlowsTest, ActiveOpenWithTimestamps) {
  flows_.OnConnect(8080);
  EXPECT_EQ(SendError("< S. 0:0(0) ack 1 win 5792"),
            "the stack's port for this connection is not known yet: it has "
            "sent no packet since connect()");

  EXPECT_EQ(Expect("> S 0:0(0) <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 8>",
                   Seg{.sport = 40000,
                       .dport = 8080,
                       .flags = flag::kSyn,
                       .seq = 1000000,
                       .options = {Mss(1460), SackOk(), Ts(5555, 0), Nop(),
                                   Wscale(8)}}),
            "");

  const wire::TcpHeader& syn_ack = SendTcp(
      "< S. 0:0(0) ack 1 win 5792 <mss 1460,sackOK,TS val 700 ecr 100,nop,"
      "wscale 7>");
  EXPECT_EQ(syn_ack.src_port, 8080);
  EXPECT_EQ(syn_ack.dst_port, 40000);
  EXPECT_EQ(syn_ack.seq, 0u);
  EXPECT_EQ(syn_ack.ack, 1000001u);
  EXPECT_EQ(syn_ack.options[2], Ts(700, 5555));

  // TS val is not checked without a tick: 5655 is "200" by the script.
  EXPECT_EQ(Expect("> . 1:1(0) ack 1 <nop,nop,TS val 200 ecr 700>",
                   Seg{.sport = 40000,
                       .dport = 8080,
                       .flags = flag::kAck,
                       .seq = 1000001,
                       .ack = 1,
                       .options = {Nop(), Nop(), Ts(5655, 700)}}),
            "");
  // An ecr the stack sent maps to its live value ...
  EXPECT_EQ(SendTcp("< . 1:1(0) ack 1 win 257 <nop,nop,TS val 800 ecr 200>")
                .options[2],
            Ts(800, 5655));
  // ... any other by the offset of the first TS val.
  EXPECT_EQ(SendTcp("< . 1:1(0) ack 1 win 257 <nop,nop,TS val 801 ecr 150>")
                .options[2],
            Ts(801, 5605));
}

TEST_F(FlowsTest, EcrBeforeAnyTsValIsAnError) {
  flows_.OnListen(8080);
  Send("< S 0:0(0) win 1000 <TS val 1 ecr 0>");  // SYN: ecr not translated
  Expect("> S. 0:0(0) ack 1", Seg{.flags = flag::kSyn | flag::kAck, .ack = 1});
  EXPECT_EQ(SendError("< . 1:1(0) ack 1 win 257 <nop,nop,TS val 2 ecr 10000>"),
            "TS ecr 10000: the stack has sent no TS val on this connection to "
            "echo");
}

TEST_F(FlowsTest, AckBeforeTheStacksIsnIsKnown) {
  flows_.OnListen(8080);
  EXPECT_EQ(SendError("< . 1:1(0) ack 1 win 257"),
            "ack 1: the stack's initial sequence number is not known yet (it "
            "has sent no SYN on this connection)");
  EXPECT_EQ(SendError("< . 1:1(0) ack 1 win 257 <sack 1:2>"),
            "ack 1: the stack's initial sequence number is not known yet (it "
            "has sent no SYN on this connection)");
  // Without an ack number there is nothing to translate.
  const wire::TcpHeader& rst = SendTcp("< R. 11:11(0) win 32792");
  EXPECT_EQ(rst.flags, flag::kRst | flag::kAck);
  EXPECT_EQ(rst.ack, 0u);
  EXPECT_EQ(SendTcp("< R 0:0(0) win 0").ack, 0u);
}

// tcp/fastopen/client/nonblocking-connect-bypass-errno.pkt: after connect()
// a sendto(MSG_FASTOPEN) fails with EALREADY. Its caller reported a connect
// before knowing; the connection stays the default until a new one shows.
TEST_F(FlowsTest, ConnectAgainOnAConnectingSocket) {
  flows_.OnConnect(8080);
  EXPECT_EQ(
      Expect(
          "> S 0:0(0)",
          Seg{.sport = 40000, .dport = 8080, .flags = flag::kSyn, .seq = 5000}),
      "");
  flows_.OnConnect(8080);  // sendto(MSG_FASTOPEN) = -1 EALREADY
  EXPECT_EQ(SendTcp("< S. 0:0(0) ack 1 win 5840").ack, 5001u);
  const Seg ack{.sport = 40000,
                .dport = 8080,
                .flags = flag::kAck,
                .seq = 5001,
                .ack = 1};
  EXPECT_EQ(flows_.Describe(LiveSeg(ack)), "> . 1:1(0) ack 1 win 65535");
  EXPECT_EQ(Expect("> . 1:1(0) ack 1", ack), "");

  // A new socket's connection: a SYN from a new port.
  flows_.OnConnect(8080);
  EXPECT_EQ(
      Expect(
          "> S 0:0(0)",
          Seg{.sport = 40001, .dport = 8080, .flags = flag::kSyn, .seq = 9000}),
      "");
  EXPECT_EQ(SendTcp("< S. 0:0(0) ack 1 win 5840").dst_port, 40001);
  EXPECT_EQ(flows_.Describe(LiveSeg(ack)),
            "> 40000>8080 . 1:1(0) ack 1 win 65535");
}

// tcp/fastopen/client/syn-data-rtt-from-syn-data.pkt: a SYN-ACK is injected
// on one socket and a new socket's sendto(MSG_FASTOPEN) follows at once; the
// first connection's ACK comes while the script waits for the new SYN. It is
// of another connection, to be skipped, not a mismatch.
TEST_F(FlowsTest, SynLineSkipsThePreviousConnectionsPackets) {
  flows_.OnConnect(8080);
  EXPECT_EQ(Expect("> S 0:700(700)", Seg{.sport = 40000,
                                         .dport = 8080,
                                         .flags = flag::kSyn,
                                         .seq = 5000,
                                         .length = 700}),
            "");
  Send("< S. 0:0(0) ack 701 win 5840");
  flows_.OnConnect(8080);  // the next socket's sendto(MSG_FASTOPEN)

  const Seg old_ack{.sport = 40000,
                    .dport = 8080,
                    .flags = flag::kAck,
                    .seq = 5701,
                    .ack = 1};
  MatchResult skipped =
      flows_.MatchOutbound(testing::Line("> S 0:700(700)"), LiveSeg(old_ack));
  EXPECT_FALSE(skipped.ok);
  EXPECT_TRUE(skipped.other_flow);
  EXPECT_EQ(skipped.difference,
            "connection: expected the SYN of the connection connect() "
            "started, actual a packet of the one before (40000>8080)");

  // A line about the earlier connection still matches its packets...
  EXPECT_EQ(Expect("> . 701:701(0) ack 1", old_ack), "");
  // ...and the new connection's SYN is the SYN line's.
  EXPECT_EQ(Expect("> S 0:700(700)", Seg{.sport = 40001,
                                         .dport = 8080,
                                         .flags = flag::kSyn,
                                         .seq = 9000,
                                         .length = 700}),
            "");
  EXPECT_EQ(SendTcp("< S. 0:0(0) ack 1 win 5840").dst_port, 40001);
}

// The previous connection's SYN again (its ISN: a retransmission after it
// answered an unacceptable SYN-ACK with a RST, as in
// tcp/fastopen/client/syn-data-partial-or-over-ack.pkt) is not the new
// connection's SYN; a SYN with another ISN from the same port is.
TEST_F(FlowsTest, SynLineSkipsThePreviousConnectionsRetransmittedSyn) {
  flows_.OnConnect(8080);
  EXPECT_EQ(Expect("> S 0:100(100)", Seg{.sport = 40000,
                                         .dport = 8080,
                                         .flags = flag::kSyn,
                                         .seq = 5000,
                                         .length = 100}),
            "");
  flows_.OnConnect(8080);  // the next socket's sendto(MSG_FASTOPEN)
  MatchResult skipped = flows_.MatchOutbound(
      testing::Line("> S 0:800(800)"),
      LiveSeg(Seg{.sport = 40000, .dport = 8080, .flags = flag::kSyn,
                  .seq = 5000}));
  EXPECT_FALSE(skipped.ok);
  EXPECT_TRUE(skipped.other_flow);
  EXPECT_EQ(Expect("> S 0:800(800)", Seg{.sport = 40000,
                                         .dport = 8080,
                                         .flags = flag::kSyn,
                                         .seq = 7000,
                                         .length = 800}),
            "");
}

// A packet of the right connection that differs is a mismatch, not another
// connection's packet.
TEST_F(FlowsTest, MismatchOnTheLinesConnectionIsNotOtherFlow) {
  flows_.OnConnect(8080);
  MatchResult result = flows_.MatchOutbound(
      testing::Line("> S 0:0(0)"),
      LiveSeg(Seg{.sport = 40000, .dport = 8080, .flags = flag::kSyn,
                  .seq = 1, .length = 10}));
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(result.other_flow);
  EXPECT_EQ(result.difference, "payload length: expected 0, actual 10");
}

// A RST refusing a connect(): seq 0 before any SYN from the script side.
TEST_F(FlowsTest, ResetInSynSent) {
  flows_.OnConnect(8080);
  Expect("> S 0:0(0)",
         Seg{.sport = 40000, .dport = 8080, .flags = flag::kSyn, .seq = 5000});
  const wire::TcpHeader& rst = SendTcp("< R. 0:0(0) ack 1 win 0");
  EXPECT_EQ(rst.dst_port, 40000);
  EXPECT_EQ(rst.seq, 0u);
  EXPECT_EQ(rst.ack, 5001u);
}

// tcp/fastopen/client/simultaneous-fast-open.pkt's numbers.
TEST_F(FlowsTest, SimultaneousOpen) {
  flows_.OnConnect(8080);
  EXPECT_EQ(Expect("> S 0:1000(1000)", Seg{.sport = 40000,
                                           .dport = 8080,
                                           .flags = flag::kSyn,
                                           .seq = 7000,
                                           .length = 1000}),
            "");
  EXPECT_EQ(SendTcp("< S 1234:1734(500) win 14600").seq, 1234u);
  EXPECT_EQ(Expect("> S. 0:0(0) ack 1235", Seg{.sport = 40000,
                                               .dport = 8080,
                                               .flags = flag::kSyn | flag::kAck,
                                               .seq = 7000,
                                               .ack = 1235}),
            "");
  EXPECT_EQ(SendTcp("< S. 1234:1234(0) ack 1001 win 14600").ack, 8001u);
  EXPECT_EQ(Expect("> . 1001:1001(0) ack 1 <nop,nop,sack 0:1>",
                   Seg{.sport = 40000,
                       .dport = 8080,
                       .flags = flag::kAck,
                       .seq = 8001,
                       .ack = 1235,
                       .options = {Nop(), Nop(), Sack({{1234, 1235}})}}),
            "");
}

TEST_F(FlowsTest, SackBlocksBothWays) {
  flows_.OnListen(8080);
  Send("< S 100:100(0) win 1000");
  Expect("> S. 0:0(0) ack 101",
         Seg{.flags = flag::kSyn | flag::kAck, .seq = kIsn, .ack = 101});
  // Inbound blocks acknowledge the stack's bytes.
  EXPECT_EQ(SendTcp("< . 1:1(0) ack 1 win 257 <sack 1001:2001 3001:4001,"
                    "nop,nop>")
                .options[0],
            Sack({{kIsn + 1001, kIsn + 2001}, {kIsn + 3001, kIsn + 4001}}));
  // Outbound blocks acknowledge the script side's.
  EXPECT_EQ(Expect("> . 1:1(0) ack 1 <nop,nop,sack 101:201>",
                   Seg{.flags = flag::kAck,
                       .seq = kIsn + 1,
                       .ack = 101,
                       .options = {Nop(), Nop(), Sack({{201, 301}})}}),
            "");
  EXPECT_EQ(Expect("> . 1:1(0) ack 1 <nop,nop,sack 101:201>",
                   Seg{.flags = flag::kAck,
                       .seq = kIsn + 1,
                       .ack = 101,
                       .options = {Nop(), Nop(), Sack({{201, 401}})}}),
            "options: expected <nop,nop,sack 101:201>, actual "
            "<nop,nop,sack 101:301>");
}

// What packetdrill cannot: two connections on one listener, told apart by
// `sport>dport` on inbound and outbound lines, each with its own numbers.
TEST_F(FlowsTest, TwoFlowsInterleaved) {
  flows_.OnListen(8080);
  const wire::TcpHeader& a = SendTcp("< 5001>8080 S 0:0(0) win 1000");
  EXPECT_EQ(a.src_port, 5001);
  EXPECT_EQ(a.dst_port, 8080);
  Send("< 5002>8080 S 100:100(0) win 1000");

  EXPECT_EQ(Expect("> 8080>5002 S. 0:0(0) ack 101",
                   Seg{.dport = 5002,
                       .flags = flag::kSyn | flag::kAck,
                       .seq = 7000,
                       .ack = 101}),
            "");
  // The stack answers 5002 where the script waits for 5001.
  EXPECT_EQ(Expect("> 8080>5001 S. 0:0(0) ack 1",
                   Seg{.dport = 5002,
                       .flags = flag::kSyn | flag::kAck,
                       .seq = 7000,
                       .ack = 101}),
            "ports: expected 8080>5001, actual 8080>5002");
  EXPECT_TRUE(flows_
                  .MatchOutbound(testing::Line("> 8080>5001 S. 0:0(0) ack 1"),
                                 LiveSeg(Seg{.dport = 5002,
                                             .flags = flag::kSyn | flag::kAck,
                                             .seq = 7000,
                                             .ack = 101}))
                  .other_flow);
  EXPECT_EQ(Expect("> 8080>5001 S. 0:0(0) ack 1",
                   Seg{.dport = 5001,
                       .flags = flag::kSyn | flag::kAck,
                       .seq = 9000,
                       .ack = 1}),
            "");

  const wire::TcpHeader& ack1 = SendTcp("< 5001>8080 . 1:1(0) ack 1 win 1000");
  EXPECT_EQ(ack1.seq, 1u);
  EXPECT_EQ(ack1.ack, 9001u);
  const wire::TcpHeader& ack2 = SendTcp("< 5002>8080 . 1:1(0) ack 1 win 1000");
  EXPECT_EQ(ack2.seq, 101u);
  EXPECT_EQ(ack2.ack, 7001u);

  EXPECT_EQ(flows_.Describe(LiveSeg(Seg{.dport = 5002,
                                        .flags = flag::kAck,
                                        .seq = 7001,
                                        .ack = 101,
                                        .win = 1000})),
            "> 8080>5002 . 1:1(0) ack 1 win 1000");
  // A line without ports is the default flow, which no SYN has opened.
  EXPECT_EQ(SendError("< . 1:1(0) ack 1 win 1000"),
            "ack 1: the stack's initial sequence number is not known yet (it "
            "has sent no SYN on this connection)");
}

// Issue 17, hole 2: a SYN-ACK that reopens a connection from TIME_WAIT
// (a new SYN above rcv_nxt on the same ports) keeps the first handshake's
// numbers, as packetdrill keeps a socket's ISNs: Linux's new ISN is the old
// snd_nxt + 65537, which the script writes as `S. 65539:65539(0)`. Its seq
// is compared: before, the ISN was learned afresh and any seq passed.
TEST_F(FlowsTest, ReopeningSynAckSeqIsCompared) {
  flows_.OnListen(8080);
  Send("< 5001>8080 S 0:0(0) win 1000");
  EXPECT_EQ(Expect("> 8080>5001 S. 0:0(0) ack 1",
                   Seg{.dport = 5001, .flags = flag::kSyn | flag::kAck,
                       .seq = kIsn, .ack = 1}),
            "");
  Send("< 5001>8080 F. 1:1(0) ack 1 win 1000");
  EXPECT_EQ(SendTcp("< 5001>8080 S 1000:1000(0) win 1000").seq, 1000u);
  const Seg reopened{.dport = 5001, .flags = flag::kSyn | flag::kAck,
                     .seq = kIsn + 65539, .ack = 1001};
  EXPECT_EQ(Expect("> 8080>5001 S. 0:0(0) ack 1001", reopened),
            "seq: expected 0, actual 65539 (live " +
                std::to_string(kIsn + 65539) + ")");
  EXPECT_EQ(Expect("> 8080>5001 S. 12345:12345(0) ack 1001", reopened),
            "seq: expected 12345, actual 65539 (live " +
                std::to_string(kIsn + 65539) + ")");
  EXPECT_EQ(Expect("> 8080>5001 S. 65539:65539(0) ack 1001", reopened), "");
  // Issue 17, hole 3: the data that follows counts from the first ISNs on
  // both sides, as in packetdrill: `ack 65540` is the new SYN-ACK's.
  const wire::TcpHeader& ack =
      SendTcp("< 5001>8080 . 1001:1001(0) ack 65540 win 1000");
  EXPECT_EQ(ack.seq, 1001u);
  EXPECT_EQ(ack.ack, kIsn + 65540);
}

// A SYN that repeats on a flow (`S 2:2(0)` with seq == rcv_nxt, then
// `S 3:3(0)`) does not move the script side's ISN: the stack's ACKs are
// still written relative to the first SYN's, as packetdrill writes them.
TEST_F(FlowsTest, ALaterSynKeepsTheFirstIsn) {
  flows_.OnListen(8080);
  Send("< S 0:0(0) win 1000");
  EXPECT_EQ(Expect("> S. 0:0(0) ack 1",
                   Seg{.flags = flag::kSyn | flag::kAck, .seq = kIsn,
                       .ack = 1}),
            "");
  Send("< . 1:1(0) ack 1 win 1000");
  EXPECT_EQ(SendTcp("< S 2:2(0) win 1000").seq, 2u);
  EXPECT_EQ(Expect("> . 1:1(0) ack 1",
                   Seg{.flags = flag::kAck, .seq = kIsn + 1, .ack = 1}),
            "");
  EXPECT_EQ(SendTcp("< S 3:3(0) win 1000").seq, 3u);
  EXPECT_EQ(Expect("> . 1:1(0) ack 2",
                   Seg{.flags = flag::kAck, .seq = kIsn + 1, .ack = 2}),
            "");
}

// Each listen() starts a new default flow on a new remote port, so a second
// connection does not run into the first one's TIME_WAIT.
TEST_F(FlowsTest, NewRemotePortPerListen) {
  flows_.OnListen(8080);
  EXPECT_EQ(SendTcp("< S 0:0(0) win 1000").src_port, 48000);
  EXPECT_EQ(SendTcp("< S 0:0(0) win 1000").src_port, 48000);
  flows_.OnBind(8080);
  flows_.OnListen(8080);
  EXPECT_EQ(SendTcp("< S 0:0(0) win 1000").src_port, 48001);
}

// Nothing is learned from a packet that does not match.
TEST_F(FlowsTest, FailedMatchTeachesNothing) {
  flows_.OnListen(8080);
  Send("< S 0:0(0) win 1000");
  EXPECT_EQ(Expect("> S. 0:0(0) ack 2",
                   Seg{.flags = flag::kSyn | flag::kAck, .seq = 500, .ack = 1}),
            "ack: expected 2, actual 1 (live 1)");
  EXPECT_EQ(SendError("< . 1:1(0) ack 1 win 257"),
            "ack 1: the stack's initial sequence number is not known yet (it "
            "has sent no SYN on this connection)");
  EXPECT_EQ(Expect("> S. 0:0(0) ack 1",
                   Seg{.flags = flag::kSyn | flag::kAck, .seq = 900, .ack = 1}),
            "");
  EXPECT_EQ(SendTcp("< . 1:1(0) ack 1 win 257").ack, 901u);
}

TEST_F(FlowsTest, DescribeDefaultFlow) {
  flows_.OnListen(8080);
  Send("< S 0:0(0) win 1000 <TS val 5 ecr 0>");
  wire::Packet syn_ack = LiveSeg(
      Seg{.flags = flag::kSyn | flag::kAck,
          .seq = kIsn,
          .ack = 1,
          .options = {Mss(1460), SackOk(), Ts(90000, 5), Nop(), Wscale(8)}});
  // Before it matched: the ISN is unknown, a SYN shows seq 0.
  EXPECT_EQ(flows_.Describe(syn_ack),
            "> S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 90000 ecr 5,"
            "nop,wscale 8>");
  Expect("> S. 0:0(0) ack 1 <...>", syn_ack);
  EXPECT_EQ(flows_.Describe(LiveSeg(Seg{.flags = flag::kPsh | flag::kAck,
                                        .seq = kIsn + 1,
                                        .ack = 1,
                                        .win = 229,
                                        .options = {Nop(), Nop(), Ts(90010, 7)},
                                        .length = 10})),
            "> P. 1:11(10) ack 1 win 229 <nop,nop,TS val 90010 ecr 7>");
  // <...> taught no TS val; a line with one does.
  Expect("> S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 100 ecr 5,nop,wscale 8>",
         syn_ack);
  EXPECT_EQ(
      flows_.Describe(LiveSeg(Seg{.flags = flag::kAck,
                                  .seq = kIsn + 1,
                                  .ack = 1,
                                  .win = 229,
                                  .options = {Nop(), Nop(), Ts(90010, 7)}})),
      "> . 1:1(0) ack 1 win 229 <nop,nop,TS val 110 ecr 7>");
  // An unknown flow: its ports and absolute numbers.
  EXPECT_EQ(flows_.Describe(LiveSeg(
                Seg{.dport = 6000, .flags = flag::kRst, .seq = 42, .win = 0})),
            "> 8080>6000 R 42:42(0) win 0");
}

}  // namespace
}  // namespace synack::interpreter
