// Three-way handshakes both ways: options and their order, windows and
// window scale, MSS, as measured on Linux 6.18.
#include <netinet/tcp.h>

#include "runtime/stack/stack_test_util.h"

namespace synack::stack::test {
namespace {

class HandshakeTest : public StackTest {};

// Measured: `S 0:0(0) win 64240 <mss 1460,sackOK,TS val X ecr 0,nop,wscale 10>`,
// then the ACK of the SYN-ACK with win 63 (64240 scaled by 2^10, rounded up).
TEST_F(HandshakeTest, ActiveOpenWithAllOptions) {
  const int fd = ConnectedSocket();
  EXPECT_EQ(TcpState(0.1, fd), 1);  // ESTABLISHED
  // The non-blocking connect completes: 0 once, then EISCONN.
  const sockaddr_in addr = Sin(kRemote, 8080);
  EXPECT_EQ(stack().Connect(T(0.1), fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), Ok(0));
  EXPECT_EQ(stack().Connect(T(0.1), fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr),
            Err(EISCONN));
  const TcpInfo info = Info(0.1, fd);
  EXPECT_EQ(info.tcpi_options, kTcpiOptTimestamps | kTcpiOptSack | kTcpiOptWscale);
  EXPECT_EQ(info.tcpi_snd_wscale, 7);
  EXPECT_EQ(info.tcpi_rcv_wscale, 10);
  EXPECT_EQ(info.tcpi_snd_mss, 1448u);  // 1460 less the timestamp option
  // RTT 100 ms: RTO = srtt + max(2 * rtt, 200 ms) = 300 ms.
  EXPECT_EQ(info.tcpi_rto, 300000u);
  EXPECT_EQ(info.tcpi_rtt, 100000u);
  EXPECT_EQ(Counter("TcpActiveOpens"), 1);
  EXPECT_EQ(Counter("TcpCurrEstab"), 1);
}

// Measured SYNs with options turned off by sysctl.
TEST_F(HandshakeTest, SynOptionsFollowSysctls) {
  struct Case {
    int timestamps, sack, window_scaling;
    const char* syn;
  };
  const Case cases[] = {
      {0, 1, 1, "S 0:0(0) win 64240 <mss 1460,nop,nop,sackOK,nop,wscale 10>"},
      {1, 0, 0, "S 0:0(0) win 64240 <mss 1460,nop,nop,TS val 0 ecr 0>"},
      {1, 0, 1, "S 0:0(0) win 64240 <mss 1460,nop,nop,TS val 0 ecr 0,nop,wscale 10>"},
      {0, 0, 1, "S 0:0(0) win 64240 <mss 1460,nop,wscale 10>"},
      {0, 1, 0, "S 0:0(0) win 64240 <mss 1460,nop,nop,sackOK>"},
      {0, 0, 0, "S 0:0(0) win 64240 <mss 1460>"},
  };
  for (const Case& c : cases) {
    Reset(StackConfig{});
    sysctls().tcp_timestamps = c.timestamps;
    sysctls().tcp_sack = c.sack;
    sysctls().tcp_window_scaling = c.window_scaling;
    const int fd = static_cast<int>(stack().Socket(T(0), AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0).ret);
    const sockaddr_in addr = Sin(kRemote, 8080);
    stack().Connect(T(0), fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    ExpectSent(0, c.syn);
  }
}

// Measured: tcp_rmem[1] sets the SYN's window (half of it, in whole MSS),
// tcp_rmem[2] the window scale.
TEST_F(HandshakeTest, SynWindowFromTcpRmem) {
  struct Case {
    const char* rmem;
    const char* syn;
  };
  const Case cases[] = {
      {"4096 87380 6291456", "S 0:0(0) win 42340 <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 7>"},
      {"4096 131072 6291456", "S 0:0(0) win 64240 <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 7>"},
      {"4096 262144 33554432", "S 0:0(0) win 65535 <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 10>"},
  };
  for (const Case& c : cases) {
    Reset(StackConfig{});
    ASSERT_EQ(sysctls().Set("net.ipv4.tcp_rmem", c.rmem), "");
    const int fd = static_cast<int>(stack().Socket(T(0), AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0).ret);
    const sockaddr_in addr = Sin(kRemote, 8080);
    stack().Connect(T(0), fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    ExpectSent(0, c.syn);
  }
}

// Measured with tcp_rmem[1] = 262144: the ACK of the SYN-ACK offers 127
// (129940 rounded up to 1024, scaled), beyond what the SYN could say.
TEST_F(HandshakeTest, WindowAfterHandshakeIsNotCappedAt65535) {
  ASSERT_EQ(sysctls().Set("net.ipv4.tcp_rmem", "4096 262144 33554432"), "");
  const int fd = static_cast<int>(stack().Socket(T(0), AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0).ret);
  const sockaddr_in addr = Sin(kRemote, 8080);
  stack().Connect(T(0), fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  ExpectSent(0, "S 0:0(0) win 65535 <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 10>");
  Send(0.01, "S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>", active_);
  ExpectSent(0.01, ". 1:1(0) ack 1 win 127 <nop,nop,TS val 10 ecr 100>");
}

// Measured SYN-ACKs for SYNs with different options (tcp_synack_options).
TEST_F(HandshakeTest, SynAckVariants) {
  struct Case {
    const char* syn;
    const char* synack;
  };
  const Case cases[] = {
      {"S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>",
       "S. 0:0(0) ack 1 win 65160 <mss 1460,sackOK,TS val 0 ecr 100,nop,wscale 10>"},
      {"S 0:0(0) win 65535 <mss 1460,nop,nop,sackOK,nop,wscale 7>",
       "S. 0:0(0) ack 1 win 64240 <mss 1460,nop,nop,sackOK,nop,wscale 10>"},
      {"S 0:0(0) win 65535 <mss 1460>", "S. 0:0(0) ack 1 win 64240 <mss 1460>"},
      // Our MSS is announced whatever the peer's.
      {"S 0:0(0) win 65535 <mss 1000,nop,nop,TS val 100 ecr 0>",
       "S. 0:0(0) ack 1 win 65160 <mss 1460,nop,nop,TS val 0 ecr 100>"},
      {"S 0:0(0) win 65535", "S. 0:0(0) ack 1 win 64240 <mss 1460>"},
  };
  for (const Case& c : cases) {
    Reset(StackConfig{});
    ListeningSocket();
    Send(0, c.syn);
    ExpectSent(0, c.synack);
  }
}

// Measured with tcp_timestamps=0 and tcp_sack=0 on the listener's side.
TEST_F(HandshakeTest, SynAckWithoutTimestampsAndSack) {
  sysctls().tcp_timestamps = 0;
  sysctls().tcp_sack = 0;
  ListeningSocket();
  Send(0, "S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>");
  ExpectSent(0, "S. 0:0(0) ack 1 win 64240 <mss 1460,nop,wscale 10>");
}

// Measured: a peer that offers an unscaled window of 514 gets TCP_MAXSEG
// 514 (tcp_bound_to_half_wnd() only halves windows above 536).
TEST_F(HandshakeTest, MssBoundByPeersWindow) {
  const int listener = ListeningSocket();
  Send(0, "S 0:0(0) win 65535 <mss 1460>");
  ExpectSent(0, "S. 0:0(0) ack 1 win 64240 <mss 1460>");
  Send(0.01, ". 1:1(0) ack 1 win 514");
  const int fd = static_cast<int>(stack().Accept(T(0.01), listener, nullptr, nullptr).ret);
  int mss = 0;
  socklen_t len = sizeof mss;
  EXPECT_EQ(stack().Getsockopt(T(0.01), fd, IPPROTO_TCP, TCP_MAXSEG, &mss, &len), Ok(0));
  EXPECT_EQ(mss, 514);
  // Data goes out with the window of the handshake (64240, no scaling).
  EXPECT_EQ(Write(0.02, fd, 10), Ok(10));
  ExpectSent(0.02, "P. 1:11(10) ack 1 win 64240");
}

TEST_F(HandshakeTest, PassiveOpenCountsAndInfo) {
  const int fd = EstablishedSocket();
  EXPECT_EQ(Counter("TcpPassiveOpens"), 1);
  EXPECT_EQ(Counter("TcpCurrEstab"), 1);
  const TcpInfo info = Info(0.1, fd);
  EXPECT_EQ(info.tcpi_state, 1);
  EXPECT_EQ(info.tcpi_snd_mss, 1448u);
  EXPECT_EQ(info.tcpi_rto, 300000u);
  // Measured: the first data segment offers 64 (65160 rounded up, scaled).
  EXPECT_EQ(Write(0.2, fd, 10), Ok(10));
  ExpectSent(0.2, "P. 1:11(10) ack 1 win 64 <nop,nop,TS val 200 ecr 110>");
  sockaddr_in peer{};
  socklen_t len = sizeof peer;
  EXPECT_EQ(stack().Getpeername(T(0.2), fd, reinterpret_cast<sockaddr*>(&peer), &len), Ok(0));
  EXPECT_EQ(ntohs(peer.sin_port), 40000);
}

// RFC 9293 §3.5 figure 8: crossed SYNs.
TEST_F(HandshakeTest, SimultaneousOpen) {
  const int fd = static_cast<int>(stack().Socket(T(0), AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0).ret);
  const sockaddr_in addr = Sin(kRemote, 8080);
  stack().Connect(T(0), fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  ExpectSent(0, "S 0:0(0) win 64240 <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 10>");
  Send(0.01, "S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>", active_);
  ExpectSent(0.01, "S. 0:0(0) ack 1 win 64240 <mss 1460,sackOK,TS val 10 ecr 100,nop,wscale 10>");
  EXPECT_EQ(TcpState(0.01, fd), 3);  // SYN_RECV
  Send(0.02, "S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 110 ecr 0,nop,wscale 7>", active_);
  EXPECT_EQ(TcpState(0.02, fd), 1);
  // Its SYN is one already received: a duplicate ACK with a D-SACK for it
  // (scripts/simultaneous_open/simultaneous-open.pkt, on the kernel).
  ExpectSent(0.02, ". 1:1(0) ack 1 win 63 <nop,nop,TS val 20 ecr 110,nop,nop,sack 0:1>");
  EXPECT_EQ(Write(0.03, fd, 5), Ok(5));
  ExpectSent(0.03, "P. 1:6(5) ack 1 win 63 <nop,nop,TS val 30 ecr 110>");
}

}  // namespace
}  // namespace synack::stack::test
