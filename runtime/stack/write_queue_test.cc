// The write queue as measured on Linux 6.18 through the kernel backend:
// TSO packets sized by the pacing rate and marked PSH, RTO and loss
// resends of single segments, MSG_MORE and corking, the device's offload
// switched off, a blocked writer's wake-up, a device queue that drops.
#include <netinet/tcp.h>

#include "runtime/stack/stack_test_util.h"

namespace synack::stack::test {
namespace {

class WriteQueueTest : public StackTest {
 protected:
  WriteQueueTest() {
    // The corpus's defaults.sh: cubic, buffers, no timestamps here.
    EXPECT_EQ(sysctls().Set("net.ipv4.tcp_congestion_control", "cubic"), "");
    EXPECT_EQ(sysctls().Set("net.ipv4.tcp_rmem", "4096 540000 15728640"), "");
    EXPECT_EQ(sysctls().Set("net.ipv4.tcp_wmem", "4096 262144 4194304"), "");
  }

  // A passive open from a peer with MSS 1000, window 257 << 7 and no
  // other options; RTT 10 ms. Returns the accepted descriptor.
  int Accepted() {
    const int listener = ListeningSocket();
    Send(0, "S 0:0(0) win 32792 <mss 1000,nop,wscale 7>");
    ExpectSent(0, "S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 8>");
    Send(0.01, ". 1:1(0) ack 1 win 257");
    const CallResult fd = stack().Accept(T(0.01), listener, nullptr, nullptr);
    EXPECT_GE(fd.ret, 3);
    return static_cast<int>(fd.ret);
  }

  CallResult WriteFlags(double t, int fd, size_t n, int flags) {
    std::vector<uint8_t> data(n, 'w');
    return stack().Write(T(t), fd, data, flags);
  }
};

// Measured: a 9100-byte write 100 ms after a 10 ms handshake leaves in
// TSO packets of two segments (200% of 10 x 1000 bytes per 10 ms is under
// 2 kB per millisecond, so tcp_min_tso_segs decides), every one with PSH;
// unanswered, the RTO resends the first segment alone, without PSH.
TEST_F(WriteQueueTest, TsoPacketsOfTwoSegmentsWithPsh) {
  const int fd = Accepted();
  EXPECT_EQ(Write(0.11, fd, 9100), Ok(9100));
  ExpectSent(0.11, "P. 1:2001(2000) ack 1 win 1050");
  ExpectSent(0.11, "P. 2001:4001(2000) ack 1 win 1050");
  ExpectSent(0.11, "P. 4001:6001(2000) ack 1 win 1050");
  ExpectSent(0.11, "P. 6001:8001(2000) ack 1 win 1050");
  ExpectSent(0.11, "P. 8001:9101(1100) ack 1 win 1050");
  EXPECT_EQ(Counter("TcpOutSegs"), 1 + 10);  // the SYN-ACK and ten segments
  // The RTO: srtt 10 ms plus tcp_rto_min (measured 213 ms; timer slack).
  ExpectNothing(0.321);
  ExpectSent(0.322, ". 1:1001(1000) ack 1 win 1050");
}

// Measured: after the RTO's resend and an ACK of it, the rest goes again
// one segment per packet; a segment cut from a TSO packet has no PSH,
// the skb that ended the write keeps its own.
TEST_F(WriteQueueTest, LossRecoveryResendsSegmentsOfTsoPackets) {
  const int fd = Accepted();
  EXPECT_EQ(Write(0.11, fd, 3000), Ok(3000));
  ExpectSent(0.11, "P. 1:2001(2000) ack 1 win 1050");
  ExpectSent(0.11, "P. 2001:3001(1000) ack 1 win 1050");
  ExpectSent(0.322, ". 1:1001(1000) ack 1 win 1050");
  Send(0.33, ". 1:1(0) ack 1001 win 257");
  ExpectSent(0.33, ". 1001:2001(1000) ack 1 win 1050");
  ExpectSent(0.33, "P. 2001:3001(1000) ack 1 win 1050");
}

// Measured: MSG_MORE holds a short write back like a cork (nothing in
// flight, so only the zero-window probe timer, one RTO later, sends it,
// with PSH); a write longer than the window's worth sends whole segments
// and keeps the tail.
TEST_F(WriteQueueTest, MsgMoreHoldsShortData) {
  const int fd = Accepted();
  EXPECT_EQ(WriteFlags(0.01, fd, 40, MSG_MORE), Ok(40));
  ExpectNothing(0.221);
  ExpectSent(0.222, "P. 1:41(40) ack 1 win 1050");
  Send(0.23, ". 1:1(0) ack 41 win 257");
  EXPECT_EQ(WriteFlags(0.33, fd, 5100, MSG_MORE), Ok(5100));
  ExpectSent(0.33, "P. 41:2041(2000) ack 1 win 1050");
  ExpectSent(0.33, "P. 2041:4041(2000) ack 1 win 1050");
  ExpectSent(0.33, ". 4041:5041(1000) ack 1 win 1050");
  ExpectNothing(0.339);
}

// TCP_CORK holds short writes; uncorking, or TCP_NODELAY, sends them as
// one packet (nagle/sockopt_cork_nodelay.pkt's behaviour).
TEST_F(WriteQueueTest, CorkAndNodelay) {
  const int fd = Accepted();
  const int on = 1, off = 0;
  EXPECT_EQ(stack().Setsockopt(T(0.01), fd, IPPROTO_TCP, TCP_CORK, &on, sizeof on), Ok(0));
  EXPECT_EQ(Write(0.01, fd, 40), Ok(40));
  EXPECT_EQ(Write(0.06, fd, 40), Ok(40));
  ExpectNothing(0.069);
  EXPECT_EQ(stack().Setsockopt(T(0.07), fd, IPPROTO_TCP, TCP_CORK, &off, sizeof off), Ok(0));
  ExpectSent(0.07, "P. 1:81(80) ack 1 win 1050");
  Send(0.08, ". 1:1(0) ack 81 win 257");
  EXPECT_EQ(stack().Setsockopt(T(0.08), fd, IPPROTO_TCP, TCP_CORK, &on, sizeof on), Ok(0));
  EXPECT_EQ(Write(0.08, fd, 40), Ok(40));
  EXPECT_EQ(Write(0.13, fd, 40), Ok(40));
  EXPECT_EQ(stack().Setsockopt(T(0.13), fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on), Ok(0));
  ExpectSent(0.13, "P. 81:161(80) ack 1 win 1050");
}

// `ethtool -K tun0 tso off gso off`: the device cuts each TSO packet into
// segments, PSH on the last (nagle/https_client.pkt's 974-byte segments).
TEST_F(WriteQueueTest, DeviceWithoutTsoSendsSegments) {
  stack().SetDeviceTso(false);
  const int fd = Accepted();
  EXPECT_EQ(Write(0.11, fd, 3000), Ok(3000));
  ExpectSent(0.11, ". 1:1001(1000) ack 1 win 1050");
  ExpectSent(0.11, "P. 1001:2001(1000) ack 1 win 1050");
  ExpectSent(0.11, "P. 2001:3001(1000) ack 1 win 1050");
  EXPECT_EQ(Counter("TcpOutSegs"), 1 + 3);
}

// A blocked writer sleeps until free space is half of what is queued
// (blocking/blocking-write.pkt): skbs cost 1280 bytes beyond their data,
// and cutting an skb into TSO packets makes new ones.
TEST_F(WriteQueueTest, BlockedWriterWakesWhenWritable) {
  EXPECT_EQ(sysctls().Set("net.ipv4.tcp_min_tso_segs", "10"), "");
  const int listener = ListeningSocket();
  Send(0.1, "S 0:0(0) win 50000 <mss 1000,nop,wscale 0>");
  ExpectSent(0.1, "S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 8>");
  Send(0.2, ". 1:1(0) ack 1 win 50000");
  const int fd = static_cast<int>(stack().Accept(T(0.2), listener, nullptr, nullptr).ret);
  const int sndbuf = 21000;
  EXPECT_EQ(stack().Setsockopt(T(0.2), fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf),
            Ok(0));
  std::vector<uint8_t> data(61000, 'w');
  const CallResult first = stack().Write(T(0.2), fd, data);
  ASSERT_TRUE(first.would_block);
  ASSERT_GT(first.ret, 0);
  size_t taken = static_cast<size_t>(first.ret);
  auto retry = [&](double t) {
    const CallResult r =
        stack().Write(T(t), fd, std::span<const uint8_t>(data).subspan(taken));
    if (r.ret > 0) taken += static_cast<size_t>(r.ret);
    return r;
  };
  Send(0.3, ". 1:1(0) ack 10001 win 50000");
  EXPECT_TRUE(retry(0.3).would_block);
  Send(0.4, ". 1:1(0) ack 30001 win 50000");
  EXPECT_TRUE(retry(0.4).would_block);
  Send(0.5, ". 1:1(0) ack 35001 win 50000");
  EXPECT_TRUE(retry(0.5).would_block);
  Send(0.5, ". 1:1(0) ack 36001 win 50000");
  const CallResult last = retry(0.5);
  EXPECT_FALSE(last.would_block);
  EXPECT_EQ(taken, data.size());
}

// A device queue that drops everything (`tc qdisc ... pfifo limit 0`) is
// local congestion: the data stays queued and the probe timer retries it
// every 500 ms without backing off, until TCP_USER_TIMEOUT (3 s from the
// first probe) gives up (user_timeout/user-timeout-probe.pkt).
TEST_F(WriteQueueTest, DroppingQueueProbesEveryHalfSecond) {
  const int listener = ListeningSocket();
  Send(0, "S 0:0(0) win 0 <mss 1460>");
  ExpectSent(0, "S. 0:0(0) ack 1 win 65535 <mss 1460>");
  Send(0.1, ". 1:1(0) ack 1 win 65530");
  const int fd = static_cast<int>(stack().Accept(T(0.1), listener, nullptr, nullptr).ret);
  const int timeout_ms = 3000;
  EXPECT_EQ(stack().Setsockopt(T(0.1), fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &timeout_ms,
                               sizeof timeout_ms),
            Ok(0));
  EXPECT_EQ(Write(0.1, fd, 24), Ok(24));
  ExpectSent(0.1, "P. 1:25(24) ack 1 win 65535");
  Send(0.2, ". 1:1(0) ack 25 win 65530");
  stack().SetQdiscLimit(0);
  EXPECT_EQ(Write(0.2, fd, 24), Ok(24));
  ExpectNothing(3.45);
  EXPECT_EQ(Write(3.45, fd, 24), Ok(24));
  const TcpInfo info = Info(3.45, fd);
  EXPECT_EQ(info.tcpi_probes, 6);
  EXPECT_EQ(info.tcpi_backoff, 0);
  EXPECT_EQ(Write(3.55, fd, 24), Err(ETIMEDOUT));
}

// TCP Fast Open, client: TCP_FASTOPEN_CONNECT asks for a cookie in the
// SYN (FO after the other options, padded to a word); the SYN-ACK's
// cookie is kept; the next connect() to that peer returns 0 at once and
// its SYN, carrying the cookie, waits for the first write.
TEST_F(WriteQueueTest, FastOpenCookieRequestThenDeferredConnect) {
  EXPECT_EQ(sysctls().Set("net.ipv4.tcp_timestamps", "0"), "");
  const int on = 1;
  const int a = static_cast<int>(stack().Socket(T(0), AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0).ret);
  EXPECT_EQ(stack().Setsockopt(T(0), a, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &on, sizeof on), Ok(0));
  const sockaddr_in addr = Sin(kRemote, 8080);
  const auto* sa = reinterpret_cast<const sockaddr*>(&addr);
  EXPECT_EQ(stack().Connect(T(0), a, sa, sizeof addr), Err(EINPROGRESS));
  ExpectSent(0, "S 0:0(0) win 65535 <mss 1460,nop,nop,sackOK,nop,wscale 8,kind 34,nop,nop>");
  Send(0, "S. 0:0(0) ack 1 win 14600 <mss 1460,nop,nop,sackOK,nop,wscale 6>", active_);
  ExpectSent(0, ". 1:1(0) ack 1 win 1050");
  // No cookie in that answer: the next connect asks again.
  const int b = static_cast<int>(stack().Socket(T(0), AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0).ret);
  EXPECT_EQ(stack().Setsockopt(T(0), b, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &on, sizeof on), Ok(0));
  EXPECT_EQ(stack().Connect(T(0), b, sa, sizeof addr), Err(EINPROGRESS));
  std::optional<wire::Packet> syn = TakePacket(0);
  ASSERT_TRUE(syn.has_value());
  const wire::TcpHeader* th = syn->tcp();
  ASSERT_NE(th, nullptr);
  // A SYN-ACK with a cookie.
  wire::Packet synack;
  synack.src = syn->dst;
  synack.dst = syn->src;
  wire::TcpHeader reply;
  reply.src_port = th->dst_port;
  reply.dst_port = th->src_port;
  reply.seq = 5000;
  reply.ack = th->seq + 1;
  reply.flags = wire::tcp_flag::kSyn | wire::tcp_flag::kAck;
  reply.window = 14600;
  reply.options = {{wire::tcp_opt::kMss, {0x05, 0xb4}},
                   {wire::tcp_opt::kFastOpen, {0xab, 0xcd, 0x12, 0x34}}};
  synack.l4 = reply;
  ASSERT_EQ(stack().Input(wire::Build(synack).bytes, T(0.01)), "");
  TakePacket(0.01);  // the ACK
  const int c = static_cast<int>(stack().Socket(T(0.1), AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0).ret);
  EXPECT_EQ(stack().Setsockopt(T(0.1), c, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &on, sizeof on), Ok(0));
  EXPECT_EQ(stack().Connect(T(0.1), c, sa, sizeof addr), Ok(0));
  ExpectNothing(0.2);
  // The first write sends the SYN with the cookie and the data; a
  // non-blocking write returns what the SYN took.
  EXPECT_EQ(Write(0.2, c, 10), Ok(10));
  syn = TakePacket(0.2);
  ASSERT_TRUE(syn.has_value());
  ASSERT_NE(syn->tcp(), nullptr);
  EXPECT_EQ(syn->tcp()->flags, wire::tcp_flag::kSyn);
  EXPECT_EQ(syn->payload.size(), 10u);
  const std::vector<wire::TcpOption>& options = syn->tcp()->options;
  ASSERT_GE(options.size(), 3u);
  EXPECT_EQ(options[options.size() - 1].kind, wire::tcp_opt::kNop);
  EXPECT_EQ(options[options.size() - 3].kind, wire::tcp_opt::kFastOpen);
  EXPECT_EQ(options[options.size() - 3].data, (std::vector<uint8_t>{0xab, 0xcd, 0x12, 0x34}));
}

// TCP_INQ: what is left to read, and one more once the FIN is in.
TEST_F(WriteQueueTest, InqHint) {
  const int fd = Accepted();
  EXPECT_FALSE(stack().InqHint(fd).has_value());
  const int on = 1;
  EXPECT_EQ(stack().Setsockopt(T(0.01), fd, IPPROTO_TCP, TCP_INQ, &on, sizeof on), Ok(0));
  Send(0.02, "P. 1:1001(1000) ack 1 win 257");
  EXPECT_EQ(stack().InqHint(fd), 1000);
  EXPECT_EQ(Read(0.02, fd, 400), Ok(400));
  EXPECT_EQ(stack().InqHint(fd), 600);
  Send(0.03, "F. 1001:1001(0) ack 1 win 257");
  EXPECT_EQ(stack().InqHint(fd), 601);
  EXPECT_EQ(Read(0.03, fd, 600), Ok(600));
  EXPECT_EQ(stack().InqHint(fd), 1);
}

}  // namespace
}  // namespace synack::stack::test
