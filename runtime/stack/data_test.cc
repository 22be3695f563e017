// The data path: MSS segmentation and PSH, Nagle, delayed and quick ACKs,
// out-of-order data with SACK and D-SACK, receive windows and zero-window
// probes.
#include <linux/sockios.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>

#include "runtime/stack/stack_test_util.h"

namespace synack::stack::test {
namespace {

class DataTest : public StackTest {};

// Measured: a 3000-byte write leaves as 1448, 1448 and 104 bytes, PSH on
// the last.
// TSO: at 100 ms of RTT the pacing rate (200% of 10 x 1448 bytes per
// 100 ms) is worth less than a segment per millisecond, so packets carry
// tcp_min_tso_segs (2) segments; Linux marks every TSO packet PSH.
TEST_F(DataTest, SegmentsAtMssWithPshAtTheEnd) {
  const int fd = ConnectedSocket();
  EXPECT_EQ(Write(0.2, fd, 3000), Ok(3000));
  ExpectSent(0.2, "P. 1:2897(2896) ack 1 win 63 <nop,nop,TS val 200 ecr 200>");
  ExpectSent(0.2, "P. 2897:3001(104) ack 1 win 63 <nop,nop,TS val 200 ecr 200>");
  EXPECT_EQ(Counter("TcpExtTCPOrigDataSent"), 3);
  int outq = 0;
  EXPECT_EQ(stack().Ioctl(T(0.2), fd, SIOCOUTQ, &outq), Ok(0));
  EXPECT_EQ(outq, 3000);
  Send(0.3, ". 1:1(0) ack 3001 win 514 <nop,nop,TS val 300 ecr 200>", active_);
  EXPECT_EQ(stack().Ioctl(T(0.3), fd, SIOCOUTQ, &outq), Ok(0));
  EXPECT_EQ(outq, 0);
  // The SYN counts (measured: tcpi_bytes_acked is 1 after the handshake,
  // 1001 once 1000 bytes are acknowledged).
  EXPECT_EQ(Info(0.3, fd).tcpi_bytes_acked, 3001u);
}

// The initial window is 10 segments (RFC 6928); each ACK grows it in slow
// start.
TEST_F(DataTest, InitialWindowAndSlowStart) {
  const int fd = ConnectedSocket();
  EXPECT_EQ(Write(0.2, fd, 20 * 1448), Ok(20 * 1448));
  // Ten segments in TSO packets of two.
  for (int i = 0; i < 10; i += 2) {
    const int start = 1 + i * 1448;
    ExpectSent(0.2, "P. " + std::to_string(start) + ":" + std::to_string(start + 2896) +
                        "(2896) ack 1 win 63 <nop,nop,TS val 200 ecr 200>");
  }
  ExpectNothing(0.29);
  Send(0.3, ". 1:1(0) ack 2897 win 514 <nop,nop,TS val 300 ecr 200>", active_);
  // Two segments acknowledged: cwnd 12, 8 in flight, so four go.
  for (int i = 10; i < 14; i += 2) {
    const int start = 1 + i * 1448;
    ExpectSent(0.3, "P. " + std::to_string(start) + ":" + std::to_string(start + 2896) +
                        "(2896) ack 1 win 63 <nop,nop,TS val 300 ecr 300>");
  }
  ExpectNothing(0.3);
  EXPECT_EQ(Info(0.3, fd).tcpi_snd_cwnd, 12u);
}

// Nagle (Linux's Minshall variant): a short segment waits while another
// short one is unacknowledged; TCP_NODELAY sends at once.
TEST_F(DataTest, Nagle) {
  const int fd = ConnectedSocket();
  EXPECT_EQ(Write(0.2, fd, 10), Ok(10));
  ExpectSent(0.2, "P. 1:11(10) ack 1 win 63 <nop,nop,TS val 200 ecr 200>");
  EXPECT_EQ(Write(0.21, fd, 10), Ok(10));
  EXPECT_EQ(Write(0.22, fd, 10), Ok(10));
  ExpectNothing(0.29);
  Send(0.3, ". 1:1(0) ack 11 win 514 <nop,nop,TS val 300 ecr 200>", active_);
  ExpectSent(0.3, "P. 11:31(20) ack 1 win 63 <nop,nop,TS val 300 ecr 300>");
  const int one = 1;
  EXPECT_EQ(Write(0.31, fd, 5), Ok(5));
  ExpectNothing(0.31);
  EXPECT_EQ(stack().Setsockopt(T(0.32), fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one), Ok(0));
  ExpectSent(0.32, "P. 31:36(5) ack 1 win 63 <nop,nop,TS val 320 ecr 300>");
  EXPECT_EQ(Write(0.33, fd, 5), Ok(5));
  ExpectSent(0.33, "P. 36:41(5) ack 1 win 63 <nop,nop,TS val 330 ecr 300>");
}

// Measured: the first 16 data segments are ACKed at once (quick ACKs),
// the 17th 40 ms later, then the delayed ACK's ato doubles while ACKs are
// late: 80, 160, 200 ms with a 200 ms RTT. The delay is also bounded by
// the smoothed RTT, 100 ms here.
TEST_F(DataTest, QuickAcksThenDelayedAcks) {
  const int fd = EstablishedSocket();
  (void)fd;
  double t = 0.2;
  uint32_t seq = 1;
  for (int i = 0; i < 16; ++i, t += 0.3, seq += 100) {
    Send(t, "P. " + std::to_string(seq) + ":" + std::to_string(seq + 100) +
                "(100) ack 1 win 514 <nop,nop,TS val " + std::to_string(200 + i) + " ecr 0>");
    ExpectSent(t, ". 1:1(0) ack " + std::to_string(seq + 100) + " win 64 <nop,nop,TS val " +
                      std::to_string(static_cast<int>(std::lround(t * 1000))) + " ecr " +
                      std::to_string(200 + i) + ">");
  }
  const double delays[] = {0.04, 0.08, 0.1, 0.1};
  int i = 16;
  for (double delay : delays) {
    Send(t, "P. " + std::to_string(seq) + ":" + std::to_string(seq + 100) +
                "(100) ack 1 win 514 <nop,nop,TS val " + std::to_string(200 + i) + " ecr 0>");
    ExpectNothing(t + delay - 0.001);
    ExpectSent(t + delay, ". 1:1(0) ack " + std::to_string(seq + 100) +
                              " win 64 <nop,nop,TS val " +
                              std::to_string(static_cast<int>(std::lround((t + delay) * 1000))) +
                              " ecr " + std::to_string(200 + i) + ">");
    t += 0.3;
    seq += 100;
    ++i;
  }
  EXPECT_EQ(Counter("TcpExtDelayedACKs"), 4);
}

// Measured: an out-of-order segment is ACKed at once with a SACK block;
// filling the hole is ACKed at once; a duplicate gets a D-SACK block.
TEST_F(DataTest, OutOfOrderSackAndDsack) {
  const int fd = EstablishedSocket();
  Send(0.2, "P. 10:11(1) ack 1 win 514 <nop,nop,TS val 120 ecr 0>");
  ExpectSent(0.2, ". 1:1(0) ack 1 win 64 <nop,nop,TS val 200 ecr 110,nop,nop,sack 10:11>");
  Send(0.3, "P. 1:10(9) ack 1 win 514 <nop,nop,TS val 121 ecr 0>");
  ExpectSent(0.3, ". 1:1(0) ack 11 win 64 <nop,nop,TS val 300 ecr 121>");
  Send(0.4, "P. 1:10(9) ack 1 win 514 <nop,nop,TS val 122 ecr 0>");
  ExpectSent(0.4, ". 1:1(0) ack 11 win 64 <nop,nop,TS val 400 ecr 121,nop,nop,sack 1:10>");
  EXPECT_EQ(Read(0.5, fd, 100), Ok(10));
  EXPECT_EQ(Counter("TcpExtTCPOFOQueue"), 1);
  EXPECT_EQ(Counter("TcpExtTCPDSACKOldSent"), 1);
}

TEST_F(DataTest, SackBlocksMostRecentFirst) {
  EstablishedSocket();
  Send(0.2, "P. 11:21(10) ack 1 win 514 <nop,nop,TS val 120 ecr 0>");
  ExpectSent(0.2, ". 1:1(0) ack 1 win 64 <nop,nop,TS val 200 ecr 110,nop,nop,sack 11:21>");
  Send(0.2, "P. 31:41(10) ack 1 win 514 <nop,nop,TS val 120 ecr 0>");
  ExpectSent(0.2, ". 1:1(0) ack 1 win 64 <nop,nop,TS val 200 ecr 110,nop,nop,sack 31:41 11:21>");
  Send(0.2, "P. 21:31(10) ack 1 win 514 <nop,nop,TS val 120 ecr 0>");
  ExpectSent(0.2, ". 1:1(0) ack 1 win 64 <nop,nop,TS val 200 ecr 110,nop,nop,sack 11:41>");
  Send(0.2, "P. 1:11(10) ack 1 win 514 <nop,nop,TS val 120 ecr 0>");
  ExpectSent(0.2, ". 1:1(0) ack 41 win 64 <nop,nop,TS val 200 ecr 120>");
}

// A FIN that arrives ahead of missing data waits for it.
TEST_F(DataTest, OutOfOrderFin) {
  const int fd = EstablishedSocket();
  Send(0.2, "F. 11:11(0) ack 1 win 514 <nop,nop,TS val 120 ecr 0>");
  ExpectSent(0.2, ". 1:1(0) ack 1 win 64 <nop,nop,TS val 200 ecr 110,nop,nop,sack 11:12>");
  EXPECT_EQ(TcpState(0.2, fd), 1);
  Send(0.3, "P. 1:11(10) ack 1 win 514 <nop,nop,TS val 121 ecr 0>");
  ExpectSent(0.3, ". 1:1(0) ack 12 win 64 <nop,nop,TS val 300 ecr 121>");
  EXPECT_EQ(TcpState(0.3, fd), 8);
}

// A zero window holds data back; the probe timer sends a zero-window probe
// (an ACK one below snd_una), backing off; an opening window lets data go.
TEST_F(DataTest, ZeroWindowProbes) {
  const int fd = ConnectedSocket();
  Send(0.2, ". 1:1(0) ack 1 win 0 <nop,nop,TS val 300 ecr 100>", active_);
  EXPECT_EQ(Write(0.3, fd, 100), Ok(100));
  ExpectNothing(0.3);
  // RTO 300 ms from the 100 ms handshake.
  ExpectSent(0.6, ". 0:0(0) ack 1 win 63 <nop,nop,TS val 600 ecr 300>");
  ExpectSent(1.2, ". 0:0(0) ack 1 win 63 <nop,nop,TS val 1200 ecr 300>");
  ExpectSent(2.4, ". 0:0(0) ack 1 win 63 <nop,nop,TS val 2400 ecr 300>");
  Send(2.5, ". 1:1(0) ack 1 win 514 <nop,nop,TS val 310 ecr 2400>", active_);
  ExpectSent(2.5, "P. 1:101(100) ack 1 win 63 <nop,nop,TS val 2500 ecr 310>");
  EXPECT_EQ(Counter("TcpExtTCPWinProbe"), 3);
}

// A small SO_RCVBUF: the window closes once the buffer is half used (Linux
// moves to a zero window rather than offer less than an MSS); data in a
// zero window is dropped and answered; reading reopens the window with an
// update.
TEST_F(DataTest, ReceiveWindowClosesAndReopens) {
  const int listener = ListeningSocket();
  const int small = 2048;
  EXPECT_EQ(stack().Setsockopt(T(0), listener, SOL_SOCKET, SO_RCVBUF, &small, sizeof small), Ok(0));
  Send(0, "S 0:0(0) win 65535 <mss 1460>");
  // SO_RCVBUF 2048 is doubled: 4096 of buffer, 2048 of window, no scale.
  ExpectSent(0, "S. 0:0(0) ack 1 win 1460 <mss 1460>");
  Send(0.1, ". 1:1(0) ack 1 win 65535");
  const int fd = static_cast<int>(stack().Accept(T(0.1), listener, nullptr, nullptr).ret);
  int rcvbuf = 0;
  socklen_t len = sizeof rcvbuf;
  EXPECT_EQ(stack().Getsockopt(T(0.1), fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len), Ok(0));
  EXPECT_EQ(rcvbuf, 4096);
  Send(0.2, "P. 1:1461(1460) ack 1 win 65535");
  ExpectSent(0.2, ". 1:1(0) ack 1461 win 0");
  Send(0.3, "P. 1461:2049(588) ack 1 win 65535");
  ExpectSent(0.3, ". 1:1(0) ack 1461 win 0");
  int inq = 0;
  EXPECT_EQ(stack().Ioctl(T(0.4), fd, FIONREAD, &inq), Ok(0));
  EXPECT_EQ(inq, 1460);
  EXPECT_EQ(Read(0.5, fd, 4096), Ok(1460));
  ExpectSent(0.5, ". 1:1(0) ack 1461 win 1460");
  // The offer is never shrunk: 872 is what remains of the 1460.
  Send(0.6, "P. 1461:2049(588) ack 1 win 65535");
  ExpectSent(0.6, ". 1:1(0) ack 2049 win 872");
}

// SIOCINQ counts the bytes not yet read, never the FIN (tcp_inq()). The
// FIN, after data, is ACKed 40 ms late (tcp_fin enters interactive mode)
// as measured on 6.18 with this handshake; packetdrill's
// ioctl/ioctl-siocinq-fin.pkt, the source of this test, expects the ACK at
// once and fails there.
TEST_F(DataTest, InqLeavesOutTheFin) {
  sysctls().tcp_rmem = {4096, 540000, 15 * 1024 * 1024};  // as defaults.sh
  const int listener = ListeningSocket();
  Send(0.1, "S 0:0(0) win 20000 <mss 1000,sackOK,nop,nop>");
  ExpectSent(0.1, "S. 0:0(0) ack 1 win 65535 <mss 1460,nop,nop,sackOK>");
  Send(0.2, ". 1:1(0) ack 1 win 20000");
  const int fd = static_cast<int>(stack().Accept(T(0.2), listener, nullptr, nullptr).ret);
  Send(0.2, "P. 1:1001(1000) ack 1 win 257");
  ExpectSent(0.2, ". 1:1(0) ack 1001 win 65535");
  int inq = -1;
  EXPECT_EQ(stack().Ioctl(T(0.21), fd, SIOCINQ, &inq), Ok(0));
  EXPECT_EQ(inq, 1000);
  EXPECT_EQ(Read(0.22, fd, 1000), Ok(1000));
  EXPECT_EQ(stack().Ioctl(T(0.23), fd, SIOCINQ, &inq), Ok(0));
  EXPECT_EQ(inq, 0);
  Send(0.3, "FP. 1001:2001(1000) ack 1 win 257");
  ExpectNothing(0.339);
  ExpectSent(0.34, ". 1:1(0) ack 2002 win 65535");
  EXPECT_EQ(stack().Ioctl(T(0.35), fd, SIOCINQ, &inq), Ok(0));
  EXPECT_EQ(inq, 1000);
  EXPECT_EQ(Read(0.36, fd, 1000), Ok(1000));
  EXPECT_EQ(stack().Ioctl(T(0.37), fd, SIOCINQ, &inq), Ok(0));
  EXPECT_EQ(inq, 0);
  EXPECT_EQ(Read(0.38, fd, 1000), Ok(0));
}

}  // namespace
}  // namespace synack::stack::test
