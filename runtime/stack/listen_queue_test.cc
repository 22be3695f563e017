// The SYN queue and the accept queue: backlog and somaxconn, overflow
// under tcp_abort_on_overflow, SYN cookies under tcp_syncookies 0, 1, 2,
// and the counters Linux 6.18 shows for each (all measured with nstat-style
// reads of /proc/net/netstat in a fresh namespace).
#include "runtime/stack/stack_test_util.h"

namespace synack::stack::test {
namespace {

constexpr const char* kSyn =
    "S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>";
constexpr const char* kSynAck =
    "S. 0:0(0) ack 1 win 65160 <mss 1460,sackOK,TS val 0 ecr 100,nop,wscale 10>";
constexpr const char* kAck = ". 1:1(0) ack 1 win 514 <nop,nop,TS val 101 ecr 0>";

class ListenQueueTest : public StackTest {
 protected:
  static Flow From(uint16_t port) { return Flow{port, 8080}; }
  void Handshake(double t, uint16_t port) {
    Send(t, kSyn, From(port));
    ExpectSent(t, kSynAck);
    Send(t, kAck, From(port));
  }
  // An ACK with absolute numbers taken from a SYN-ACK read by TakePacket.
  void SendRawAck(double t, uint16_t port) {
    wire::Packet packet;
    packet.src = *wire::IpAddress::Parse(kRemote);
    packet.dst = *wire::IpAddress::Parse(kLocal);
    wire::TcpHeader th;
    th.src_port = port;
    th.dst_port = 8080;
    th.seq = kRemoteIsn + 1;
    th.ack = acks_[port];
    th.flags = wire::tcp_flag::kAck;
    th.window = 514;
    if (tsvals_.count(port) != 0) {
      wire::TcpOption ts{wire::tcp_opt::kTimestamp, std::vector<uint8_t>(8)};
      wire::Store32(&ts.data[0], 101);
      wire::Store32(&ts.data[4], tsvals_[port]);
      th.options = {{wire::tcp_opt::kNop, {}}, {wire::tcp_opt::kNop, {}}, ts};
    }
    packet.l4 = th;
    ASSERT_EQ(stack().Input(wire::Build(packet).bytes, T(t)), "");
  }
  std::map<uint16_t, uint32_t> acks_, tsvals_;

  int AcceptAll(double t, int fd) {
    int n = 0;
    while (stack().Accept(T(t), fd, nullptr, nullptr).ret >= 0) ++n;
    return n;
  }
};

// listen(fd, 1) holds two connections: the accept queue is full only when
// longer than the backlog. The third SYN is dropped (measured: no SYN-ACK,
// ListenOverflows 1, ListenDrops 1).
TEST_F(ListenQueueTest, AcceptQueueFullDropsSyn) {
  const int fd = ListeningSocket(0, 1);
  Handshake(0, 40000);
  Handshake(0.1, 40001);
  Send(0.2, kSyn, From(40002));
  ExpectNothing(0.2);
  Send(0.3, kSyn, From(40003));
  ExpectNothing(0.3);
  EXPECT_EQ(Counter("TcpExtListenOverflows"), 2);
  EXPECT_EQ(Counter("TcpExtListenDrops"), 2);
  EXPECT_EQ(Counter("TcpPassiveOpens"), 2);
  EXPECT_EQ(Counter("TcpCurrEstab"), 2);
  EXPECT_EQ(Info(0.3, fd).tcpi_unacked, 2u);  // a listener's accept queue
  EXPECT_EQ(Info(0.3, fd).tcpi_sacked, 1u);   // and its backlog
  EXPECT_EQ(AcceptAll(0.4, fd), 2);
}

// The ACK that completes a handshake while the accept queue is full, with
// tcp_abort_on_overflow=0: dropped, the request marked acked, the SYN-ACK
// retransmitted by its timer; once accept() makes room the next ACK gets
// through (measured: SYN-ACKs at +1 s and +3 s, PassiveOpens on the later
// ACK).
TEST_F(ListenQueueTest, AcceptQueueOverflowWithoutAbort) {
  const int fd = ListeningSocket(0, 1);
  Send(0, kSyn, From(40000));
  ExpectSent(0, kSynAck);
  Send(0, kSyn, From(40001));
  ExpectSent(0, kSynAck);
  Send(0.1, kAck, From(40000));
  Send(0.1, kSyn, From(40002));
  ExpectSent(0.1, kSynAck);
  Send(0.2, kAck, From(40001));
  Send(0.3, kAck, From(40002));
  ExpectNothing(0.3);
  EXPECT_EQ(Counter("TcpExtListenOverflows"), 1);
  EXPECT_EQ(Counter("TcpExtListenDrops"), 1);
  EXPECT_EQ(Counter("TcpPassiveOpens"), 2);
  ExpectSent(1.1, "S. 0:0(0) ack 1 win 65160 <mss 1460,sackOK,TS val 1000 ecr 101,nop,wscale 10>");
  ExpectSent(3.1, "S. 0:0(0) ack 1 win 65160 <mss 1460,sackOK,TS val 3000 ecr 101,nop,wscale 10>");
  EXPECT_GE(stack().Accept(T(4), fd, nullptr, nullptr).ret, 3);
  Send(4, kAck, From(40002));
  EXPECT_EQ(Counter("TcpPassiveOpens"), 3);
  EXPECT_EQ(Counter("TcpExtTCPTimeouts"), 2);
  ExpectNothing(100);
  EXPECT_EQ(AcceptAll(100, fd), 2);
}

// TCP_DEFER_ACCEPT of 2 s (two SYN-ACK periods, read back as 3 s): a bare
// final ACK is dropped and counted, no SYN-ACK at 1 s, one at 3 s, and the
// ACK to that one makes the connection; data makes it at once (measured
// in scripts/defer_accept/defer-accept.pkt).
TEST_F(ListenQueueTest, DeferAcceptDropsBareAcks) {
  const int fd = ListeningSocket(0, 10);
  const int two = 2;
  EXPECT_EQ(stack().Setsockopt(T(0), fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &two, sizeof two), Ok(0));
  int seconds = 0;
  socklen_t len = sizeof seconds;
  EXPECT_EQ(stack().Getsockopt(T(0), fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &seconds, &len), Ok(0));
  EXPECT_EQ(seconds, 3);
  Handshake(0, 40000);
  EXPECT_EQ(Counter("TcpExtTCPDeferAcceptDrop"), 1);
  EXPECT_EQ(stack().Accept(T(0), fd, nullptr, nullptr).err, EAGAIN);
  Send(1.5, kAck, From(40000));
  EXPECT_EQ(Counter("TcpExtTCPDeferAcceptDrop"), 2);
  ExpectSent(3, "S. 0:0(0) ack 1 win 65160 <mss 1460,sackOK,TS val 3000 ecr 101,nop,wscale 10>");
  Send(3.1, kAck, From(40000));
  EXPECT_EQ(Counter("TcpExtTCPDeferAcceptDrop"), 2);
  EXPECT_EQ(AcceptAll(3.1, fd), 1);

  Send(4, kSyn, From(40001));
  ExpectSent(4, "S. 0:0(0) ack 1 win 65160 <mss 1460,sackOK,TS val 0 ecr 100,nop,wscale 10>");
  Send(4, kAck, From(40001));
  Send(4.1, "P. 1:11(10) ack 1 win 514 <nop,nop,TS val 102 ecr 0>", From(40001));
  EXPECT_EQ(Counter("TcpExtTCPDeferAcceptDrop"), 3);
  EXPECT_EQ(AcceptAll(4.1, fd), 1);
}

// A RST in the window of a request but not at rcv_nxt: a challenge ACK,
// then (10 ms later) nothing; at rcv_nxt the request is dropped (measured
// in scripts/rst/syn-recv-rst.pkt).
TEST_F(ListenQueueTest, RstInSynRecvWindowGetsChallengeAck) {
  ListeningSocket(0, 10);
  Send(0, kSyn, From(40000));
  ExpectSent(0, kSynAck);
  Send(0.01, "R 100:100(0) win 0", From(40000));
  ExpectSent(0.01, ". 1:1(0) ack 1 win 63 <nop,nop,TS val 10 ecr 100>");
  Send(0.02, "R 200:200(0) win 0", From(40000));
  ExpectNothing(0.02);
  EXPECT_EQ(Counter("TcpExtTCPChallengeACK"), 1);
  EXPECT_EQ(Counter("TcpExtTCPACKSkippedChallenge"), 1);
  Send(0.03, "R 1:1(0) win 0", From(40000));
  EXPECT_EQ(Counter("TcpExtEmbryonicRsts"), 1);
  ExpectNothing(10);
}

// With tcp_abort_on_overflow=1 the same ACK is answered with a RST from the
// request (measured: `R <ack>:<ack>(0)`, EmbryonicRsts 1, OutRsts 1) and
// the request is gone.
TEST_F(ListenQueueTest, AcceptQueueOverflowWithAbort) {
  sysctls().tcp_abort_on_overflow = 1;
  const int fd = ListeningSocket(0, 1);
  Send(0, kSyn, From(40000));
  ExpectSent(0, kSynAck);
  Send(0, kSyn, From(40001));
  ExpectSent(0, kSynAck);
  Send(0.1, kAck, From(40000));
  Send(0.1, kSyn, From(40002));
  ExpectSent(0.1, kSynAck);
  Send(0.2, kAck, From(40001));
  Send(0.3, kAck, From(40002));
  ExpectSent(0.3, "R 1:1(0) win 0");
  EXPECT_EQ(Counter("TcpExtListenOverflows"), 1);
  EXPECT_EQ(Counter("TcpExtListenDrops"), 1);
  EXPECT_EQ(Counter("TcpExtEmbryonicRsts"), 1);
  EXPECT_EQ(Counter("TcpOutRsts"), 1);
  ExpectNothing(10);
  EXPECT_EQ(AcceptAll(10, fd), 2);
}

// net.core.somaxconn caps the backlog.
TEST_F(ListenQueueTest, SomaxconnCapsBacklog) {
  sysctls().somaxconn = 0;
  const int fd = ListeningSocket(0, 100);
  EXPECT_EQ(Info(0, fd).tcpi_sacked, 0u);
  Handshake(0, 40000);
  Send(0.1, kSyn, From(40001));
  ExpectNothing(0.1);
  EXPECT_EQ(Counter("TcpExtListenOverflows"), 1);
  EXPECT_EQ(AcceptAll(0.2, fd), 1);
}

// Requests beyond the backlog under each tcp_syncookies value (measured
// with backlog 1 and four SYNs before any ACK):
//   0: the third and fourth SYN dropped, TCPReqQFullDrop 2, ListenDrops 2
//   1: they get cookies, SyncookiesSent 2; their ACKs are valid cookies
//      but the accept queue is full: ListenOverflows 2, no RST
//   2: every SYN gets a cookie, SyncookiesSent 4, SyncookiesRecv 4
TEST_F(ListenQueueTest, SyncookiesModes) {
  struct Expected {
    int mode;
    int synacks;
    int64_t sent, recv, req_full_drop, do_cookies, overflows, drops, passive;
  };
  const Expected cases[] = {
      {0, 2, 0, 0, 2, 0, 0, 2, 2},
      {1, 4, 2, 2, 0, 2, 2, 2, 2},
      {2, 4, 4, 4, 0, 4, 2, 2, 2},
  };
  for (const Expected& e : cases) {
    SCOPED_TRACE(e.mode);
    Reset(StackConfig{});
    sysctls().tcp_syncookies = e.mode;
    const int fd = ListeningSocket(0, 1);
    int synacks = 0;
    std::vector<uint16_t> answered;
    for (uint16_t port = 40000; port < 40004; ++port) {
      Send(0, kSyn, From(port));
      if (std::optional<wire::Packet> p = TakePacket(0)) {
        ++synacks;
        answered.push_back(port);
        // Complete each handshake later with the right ACK number.
        acks_[port] = p->tcp()->seq + 1;
        tsvals_[port] = wire::Load32(&p->tcp()->options[2].data[0]);
      }
    }
    EXPECT_EQ(synacks, e.synacks);
    for (uint16_t port : answered) SendRawAck(0.1, port);
    ExpectNothing(0.1);
    EXPECT_EQ(Counter("TcpExtSyncookiesSent"), e.sent);
    EXPECT_EQ(Counter("TcpExtSyncookiesRecv"), e.recv);
    EXPECT_EQ(Counter("TcpExtTCPReqQFullDrop"), e.req_full_drop);
    EXPECT_EQ(Counter("TcpExtTCPReqQFullDoCookies"), e.do_cookies);
    EXPECT_EQ(Counter("TcpExtListenOverflows"), e.overflows);
    EXPECT_EQ(Counter("TcpExtListenDrops"), e.drops);
    EXPECT_EQ(Counter("TcpPassiveOpens"), e.passive);
    EXPECT_EQ(Counter("TcpOutRsts"), 0);
    EXPECT_EQ(AcceptAll(0.2, fd), 2);
  }
}

// A cookie without the peer's timestamps cannot keep SACK or window scale
// (measured: `S. ... win 64240 <mss 1460>` for a SYN with sackOK and
// wscale but no TS); the connection still opens.
TEST_F(ListenQueueTest, CookieWithoutTimestamps) {
  sysctls().tcp_syncookies = 2;
  const int fd = ListeningSocket(0, 5);
  Send(0, "S 0:0(0) win 65535 <mss 1460,nop,nop,sackOK,nop,wscale 7>");
  ExpectSent(0, "S. 0:0(0) ack 1 win 64240 <mss 1460>");
  Send(0.1, ". 1:1(0) ack 1 win 514");
  EXPECT_EQ(Counter("TcpExtSyncookiesRecv"), 1);
  const int child = static_cast<int>(stack().Accept(T(0.1), fd, nullptr, nullptr).ret);
  ASSERT_GE(child, 3);
  EXPECT_EQ(Info(0.1, child).tcpi_options, 0);
  EXPECT_EQ(Write(0.2, child, 10), Ok(10));
  ExpectSent(0.2, "P. 1:11(10) ack 1 win 64240");
}

// The options a cookie keeps come back in the echoed timestamp.
TEST_F(ListenQueueTest, CookieKeepsOptionsInTimestamp) {
  sysctls().tcp_syncookies = 2;
  const int fd = ListeningSocket(0, 5);
  Send(0, "S 0:0(0) win 65535 <mss 1000,sackOK,TS val 100 ecr 0,nop,wscale 5>");
  std::optional<wire::Packet> synack = TakePacket(0);
  ASSERT_TRUE(synack.has_value());
  acks_[40000] = synack->tcp()->seq + 1;
  tsvals_[40000] = wire::Load32(&synack->tcp()->options[2].data[0]);
  SendRawAck(0.1, 40000);
  const int child = static_cast<int>(stack().Accept(T(0.1), fd, nullptr, nullptr).ret);
  ASSERT_GE(child, 3);
  const TcpInfo info = Info(0.1, child);
  EXPECT_EQ(info.tcpi_options, kTcpiOptTimestamps | kTcpiOptSack | kTcpiOptWscale);
  EXPECT_EQ(info.tcpi_snd_wscale, 5);
  // The peer's MSS 1000 comes back as the table's 536.
  EXPECT_EQ(info.tcpi_snd_mss, 536u - 12u);
}

// An ACK with a forged cookie: SyncookiesFailed and the listener's RST
// (measured: `R 12345:12345(0)`, OutRsts 1).
TEST_F(ListenQueueTest, BadCookieIsReset) {
  sysctls().tcp_syncookies = 2;
  ListeningSocket(0, 1);
  Send(0, kSyn, From(40000));
  ExpectSent(0, kSynAck);
  Send(0.1, ". 1:1(0) ack 12345 win 514", From(50000));
  ExpectSent(0.1, "R 12345:12345(0) win 0");
  EXPECT_EQ(Counter("TcpExtSyncookiesFailed"), 1);
  EXPECT_EQ(Counter("TcpOutRsts"), 1);
}

// Without a recent SYN-queue overflow an ACK is not taken as a cookie.
TEST_F(ListenQueueTest, NoCookieCheckWithoutOverflow) {
  ListeningSocket(0, 1);
  Send(0, ". 1:1(0) ack 777 win 514");
  ExpectSent(0, "R 777:777(0) win 0");
  EXPECT_EQ(Counter("TcpExtSyncookiesFailed"), 0);
}

// With cookies off, a SYN is dropped once fewer than a quarter of
// tcp_max_syn_backlog places are left (max - qlen < max / 4).
TEST_F(ListenQueueTest, MaxSynBacklogWithoutCookies) {
  sysctls().tcp_syncookies = 0;
  sysctls().tcp_max_syn_backlog = 4;
  ListeningSocket(0, 100);
  for (uint16_t port = 40000; port < 40005; ++port) Send(0, kSyn, From(port));
  int synacks = 0;
  while (TakePacket(0)) ++synacks;
  EXPECT_EQ(synacks, 4);
  EXPECT_EQ(Counter("TcpExtListenDrops"), 1);
  EXPECT_EQ(Counter("TcpExtTCPReqQFullDrop"), 0);
}

// A RST for a request drops it (RFC 9293: back to LISTEN).
TEST_F(ListenQueueTest, ResetInSynRecv) {
  ListeningSocket(0, 1);
  Send(0, kSyn);
  ExpectSent(0, kSynAck);
  Send(0.1, "R 1:1(0) win 0");
  ExpectNothing(5);
  EXPECT_EQ(Counter("TcpExtEmbryonicRsts"), 1);
  EXPECT_EQ(Counter("TcpAttemptFails"), 1);
  EXPECT_FALSE(stack().NextDeadline().has_value());
}

// Closing a listener resets the connections nobody accepted.
TEST_F(ListenQueueTest, CloseListenerResetsQueuedChildren) {
  const int fd = ListeningSocket(0, 1);
  Send(0, kSyn);
  ExpectSent(0, kSynAck);
  Send(0.1, kAck);
  EXPECT_EQ(stack().Close(T(0.2), fd), Ok(0));
  ExpectSent(0.2, "R. 1:1(0) ack 1 win 64 <nop,nop,TS val 200 ecr 101>");
  EXPECT_EQ(Counter("TcpEstabResets"), 1);
}

}  // namespace
}  // namespace synack::stack::test
