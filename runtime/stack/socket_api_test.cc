// The socket calls' Linux answers (values measured on 6.18 where noted),
// descriptors, readiness, and the blocking-call seam.
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>

#include "runtime/stack/stack_test_util.h"

namespace synack::stack::test {
namespace {

class SocketApiTest : public StackTest {
 protected:
  int NewSocket(int flags = 0) {
    return static_cast<int>(stack().Socket(T(0), AF_INET, SOCK_STREAM | flags, 0).ret);
  }
  CallResult ConnectTo(double t, int fd, const char* ip, uint16_t port) {
    const sockaddr_in addr = Sin(ip, port);
    return stack().Connect(T(t), fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  }
  CallResult BindTo(int fd, const char* ip, uint16_t port) {
    const sockaddr_in addr = Sin(ip, port);
    return stack().Bind(T(0), fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  }
  int GetInt(int fd, int level, int name) {
    int v = -1;
    socklen_t len = sizeof v;
    EXPECT_EQ(stack().Getsockopt(T(0), fd, level, name, &v, &len), Ok(0));
    return v;
  }
};

TEST_F(SocketApiTest, DescriptorsStartAtThreeAndAreReused) {
  EXPECT_EQ(stack().Socket(T(0), AF_INET, SOCK_STREAM, 0), Ok(3));
  EXPECT_EQ(stack().Socket(T(0), AF_INET6, SOCK_STREAM, IPPROTO_TCP), Ok(4));
  EXPECT_EQ(stack().Close(T(0), 3), Ok(0));
  EXPECT_EQ(stack().Socket(T(0), AF_INET, SOCK_STREAM, 0), Ok(3));
  EXPECT_EQ(stack().Close(T(0), 7), Err(EBADF));
  EXPECT_EQ(stack().Listen(T(0), 9, 1), Err(EBADF));
  EXPECT_EQ(stack().Socket(T(0), AF_UNIX, SOCK_STREAM, 0), Err(EAFNOSUPPORT));
  EXPECT_EQ(stack().Socket(T(0), AF_INET, SOCK_STREAM, IPPROTO_UDP), Err(EPROTONOSUPPORT));
}

// Measured defaults of a new socket.
TEST_F(SocketApiTest, NewSocketDefaults) {
  const int fd = NewSocket();
  EXPECT_EQ(GetInt(fd, IPPROTO_TCP, TCP_MAXSEG), 536);
  EXPECT_EQ(GetInt(fd, SOL_SOCKET, SO_RCVBUF), 131072);
  EXPECT_EQ(GetInt(fd, SOL_SOCKET, SO_SNDBUF), 16384);
  EXPECT_EQ(GetInt(fd, SOL_SOCKET, SO_ERROR), 0);
  EXPECT_EQ(GetInt(fd, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
  EXPECT_EQ(GetInt(fd, IPPROTO_TCP, TCP_SYNCNT), 6);
  EXPECT_EQ(GetInt(fd, IPPROTO_TCP, TCP_LINGER2), 60);
  // Measured: poll on a new socket gives POLLOUT|POLLWRNORM|POLLHUP (276).
  EXPECT_EQ(stack().PollEvents(T(0), fd, static_cast<short>(0xffff)), 276);
  EXPECT_EQ(stack().PollEvents(T(0), 42, POLLIN), POLLNVAL);
  sockaddr_in name{};
  socklen_t len = sizeof name;
  EXPECT_EQ(stack().Getsockname(T(0), fd, reinterpret_cast<sockaddr*>(&name), &len), Ok(0));
  EXPECT_EQ(name.sin_port, 0);
  EXPECT_EQ(stack().Getpeername(T(0), fd, reinterpret_cast<sockaddr*>(&name), &len),
            Err(ENOTCONN));
}

// Measured: write on an unconnected socket and on a listener is EPIPE,
// read is ENOTCONN; connect on a listener is EISCONN.
TEST_F(SocketApiTest, CallsInTheWrongState) {
  const int fd = NewSocket();
  EXPECT_EQ(Write(0, fd, 1), Err(EPIPE));
  EXPECT_EQ(Read(0, fd, 1), Err(ENOTCONN));
  EXPECT_EQ(stack().Shutdown(T(0), fd, SHUT_WR), Err(ENOTCONN));
  EXPECT_EQ(stack().Accept(T(0), fd, nullptr, nullptr), Err(EINVAL));
  const int listener = ListeningSocket();
  EXPECT_EQ(Write(0, listener, 1), Err(EPIPE));
  EXPECT_EQ(Read(0, listener, 1), Err(ENOTCONN));
  EXPECT_EQ(ConnectTo(0, listener, kRemote, 8080), Err(EISCONN));
  EXPECT_EQ(BindTo(listener, kLocal, 8081), Err(EINVAL));
  EXPECT_EQ(stack().Shutdown(T(0), listener, SHUT_WR), Ok(0));
  EXPECT_EQ(stack().Shutdown(T(0), listener, 7), Err(EINVAL));
  int inq = 0;
  EXPECT_EQ(stack().Ioctl(T(0), listener, SIOCINQ, &inq), Err(EINVAL));
}

TEST_F(SocketApiTest, BindRules) {
  const int a = NewSocket();
  const int b = NewSocket();
  EXPECT_EQ(BindTo(a, kLocal, 8080), Ok(0));
  EXPECT_EQ(BindTo(b, kLocal, 8080), Err(EADDRINUSE));
  EXPECT_EQ(BindTo(b, "0.0.0.0", 8080), Err(EADDRINUSE));
  EXPECT_EQ(BindTo(b, "10.9.9.9", 8080), Err(EADDRNOTAVAIL));
  EXPECT_EQ(BindTo(a, kLocal, 8081), Err(EINVAL));  // already bound
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  EXPECT_EQ(stack().Bind(T(0), b, reinterpret_cast<const sockaddr*>(&v6), sizeof v6),
            Err(EAFNOSUPPORT));
  EXPECT_EQ(stack().Bind(T(0), b, reinterpret_cast<const sockaddr*>(&v6), 4), Err(EINVAL));
  // With SO_REUSEADDR on both and no listener, the port can be shared.
  const int one = 1;
  const int c = NewSocket();
  const int d = NewSocket();
  stack().Setsockopt(T(0), c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  stack().Setsockopt(T(0), d, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  EXPECT_EQ(BindTo(c, kLocal, 9000), Ok(0));
  EXPECT_EQ(BindTo(d, kLocal, 9000), Ok(0));
  EXPECT_EQ(stack().Listen(T(0), c, 5), Ok(0));
  EXPECT_EQ(stack().Listen(T(0), d, 5), Err(EADDRINUSE));
}

// The ports held by bind() and connect() are found by port (BindTable):
// a port comes back when its socket is gone, connect() skips a port that
// bind() locked, and a range with every port taken gives EADDRNOTAVAIL.
TEST_F(SocketApiTest, PortsAreHeldUntilTheirSocketsGo) {
  const int a = NewSocket();
  EXPECT_EQ(BindTo(a, kLocal, 8080), Ok(0));
  EXPECT_EQ(stack().Close(T(0), a), Ok(0));
  const int b = NewSocket();
  EXPECT_EQ(BindTo(b, kLocal, 8080), Ok(0));

  sysctls().ip_local_port_range = {40000, 40001};
  const int locked = NewSocket();
  EXPECT_EQ(BindTo(locked, kLocal, 40000), Ok(0));
  const int c = NewSocket(SOCK_NONBLOCK);
  EXPECT_EQ(ConnectTo(0, c, kRemote, 9000), Err(EINPROGRESS));
  sockaddr_in name{};
  socklen_t len = sizeof name;
  EXPECT_EQ(stack().Getsockname(T(0), c, reinterpret_cast<sockaddr*>(&name), &len), Ok(0));
  EXPECT_EQ(ntohs(name.sin_port), 40001);
  const int d = NewSocket(SOCK_NONBLOCK);
  EXPECT_EQ(ConnectTo(0, d, kRemote, 9000), Err(EADDRNOTAVAIL));
  // The same port may connect to another destination...
  EXPECT_EQ(ConnectTo(0, d, kRemote, 9001), Err(EINPROGRESS));
  // ...and once the locking socket is closed, its port is free again.
  EXPECT_EQ(stack().Close(T(0), locked), Ok(0));
  const int e = NewSocket(SOCK_NONBLOCK);
  EXPECT_EQ(ConnectTo(0, e, kRemote, 9000), Err(EINPROGRESS));
  len = sizeof name;
  EXPECT_EQ(stack().Getsockname(T(0), e, reinterpret_cast<sockaddr*>(&name), &len), Ok(0));
  EXPECT_EQ(ntohs(name.sin_port), 40000);
}

// Listen without bind picks a port; getsockname reports it.
TEST_F(SocketApiTest, ListenAutobinds) {
  const int fd = NewSocket();
  EXPECT_EQ(stack().Listen(T(0), fd, 5), Ok(0));
  sockaddr_in name{};
  socklen_t len = sizeof name;
  EXPECT_EQ(stack().Getsockname(T(0), fd, reinterpret_cast<sockaddr*>(&name), &len), Ok(0));
  const int port = ntohs(name.sin_port);
  EXPECT_GE(port, 32768);
  EXPECT_LE(port, 60999);
  EXPECT_EQ(GetInt(fd, SOL_SOCKET, SO_ACCEPTCONN), 1);
}

// Measured non-blocking connect answers: EINPROGRESS, EALREADY while the
// handshake runs, 0 once when it completed, then EISCONN.
TEST_F(SocketApiTest, NonBlockingConnect) {
  const int fd = NewSocket(SOCK_NONBLOCK);
  EXPECT_EQ(ConnectTo(0, fd, kRemote, 8080), Err(EINPROGRESS));
  ExpectSent(0, "S 0:0(0) win 64240 <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 10>");
  EXPECT_EQ(ConnectTo(0.05, fd, kRemote, 8080), Err(EALREADY));
  EXPECT_EQ(stack().PollEvents(T(0.05), fd, POLLOUT), 0);
  EXPECT_EQ(Write(0.05, fd, 1), Err(EAGAIN));
  EXPECT_EQ(Read(0.05, fd, 1), Err(EAGAIN));
  Send(0.1, "S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 200 ecr 0,nop,wscale 7>", active_);
  ExpectSent(0.1, ". 1:1(0) ack 1 win 63 <nop,nop,TS val 100 ecr 200>");
  EXPECT_EQ(stack().PollEvents(T(0.1), fd, POLLOUT | POLLIN), POLLOUT);
  EXPECT_EQ(ConnectTo(0.1, fd, kRemote, 8080), Ok(0));
  EXPECT_EQ(ConnectTo(0.1, fd, kRemote, 8080), Err(EISCONN));
  // Connecting uses an even ephemeral port (Linux's preference).
  EXPECT_EQ(active_.local_port % 2, 0);
  EXPECT_GE(active_.local_port, 32768);
}

// Measured: a refused non-blocking connect reports ECONNREFUSED once;
// the next connect starts again (EINPROGRESS).
TEST_F(SocketApiTest, RefusedConnect) {
  const int fd = NewSocket(SOCK_NONBLOCK);
  EXPECT_EQ(ConnectTo(0, fd, kRemote, 8080), Err(EINPROGRESS));
  ExpectSent(0, "S 0:0(0) win 64240 <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 10>");
  Send(0.1, "R. 0:0(0) ack 1 win 0", active_);
  EXPECT_EQ(stack().PollEvents(T(0.1), fd, POLLOUT), POLLOUT | POLLERR | POLLHUP);
  EXPECT_EQ(ConnectTo(0.1, fd, kRemote, 8080), Err(ECONNREFUSED));
  EXPECT_EQ(ConnectTo(0.2, fd, kRemote, 8080), Err(EINPROGRESS));
  EXPECT_EQ(Counter("TcpAttemptFails"), 1);
  EXPECT_EQ(Counter("TcpActiveOpens"), 2);
}

// An ACK for something never sent, in SYN_SENT: a RST, and the SYN goes
// again two jiffies later (TCP_TIMEOUT_MIN).
TEST_F(SocketApiTest, BadAckInSynSent) {
  const int fd = NewSocket(SOCK_NONBLOCK);
  ConnectTo(0, fd, kRemote, 8080);
  ExpectSent(0, "S 0:0(0) win 64240 <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 10>");
  Send(0.1, "S. 0:0(0) ack 77 win 65535 <mss 1460>", active_);
  ExpectSent(0.1, "R 77:77(0) win 0");
  ExpectSent(0.108, "S 0:0(0) win 64240 <mss 1460,sackOK,TS val 108 ecr 0,nop,wscale 10>");
  EXPECT_EQ(TcpState(0.2, fd), 2);
}

// The blocking seam: a blocking call that would sleep reports would_block;
// retrying after the stack moves on completes it.
TEST_F(SocketApiTest, BlockingCallsReportWouldBlock) {
  const int listener = ListeningSocket();
  EXPECT_EQ(stack().Accept(T(0), listener, nullptr, nullptr), WouldBlock());
  Send(0, "S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>");
  ExpectSent(0, "S. 0:0(0) ack 1 win 65160 <mss 1460,sackOK,TS val 0 ecr 100,nop,wscale 10>");
  EXPECT_EQ(stack().Accept(T(0.05), listener, nullptr, nullptr), WouldBlock());
  Send(0.1, ". 1:1(0) ack 1 win 514 <nop,nop,TS val 110 ecr 0>");
  sockaddr_in peer{};
  socklen_t len = sizeof peer;
  const CallResult accepted =
      stack().Accept(T(0.1), listener, reinterpret_cast<sockaddr*>(&peer), &len);
  ASSERT_GE(accepted.ret, 3);
  EXPECT_EQ(ntohs(peer.sin_port), 40000);
  const int fd = static_cast<int>(accepted.ret);
  EXPECT_EQ(Read(0.1, fd, 10), WouldBlock());
  std::vector<uint8_t> buffer(10);
  EXPECT_EQ(stack().Read(T(0.1), fd, buffer, MSG_DONTWAIT), Err(EAGAIN));
  Send(0.2, "P. 1:6(5) ack 1 win 514 <nop,nop,TS val 120 ecr 0>");
  ExpectSent(0.2, ". 1:1(0) ack 6 win 64 <nop,nop,TS val 200 ecr 120>");
  EXPECT_EQ(Read(0.2, fd, 10), Ok(5));

  // A blocking connect: would_block, then FinishConnect until it is done.
  const int c = NewSocket();
  EXPECT_EQ(ConnectTo(1, c, kRemote, 8080), WouldBlock());
  ExpectSent(1, "S 0:0(0) win 64240 <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 10>");
  EXPECT_EQ(stack().FinishConnect(T(1.05), c), WouldBlock());
  Send(1.1, "S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 200 ecr 0,nop,wscale 7>", active_);
  EXPECT_EQ(stack().FinishConnect(T(1.1), c), Ok(0));
  // A blocking write that fills the send buffer takes part and blocks.
  // SO_SNDBUF grew to 3 x 10 segments of 4352 bytes (bbr, the namespace's
  // default); skbs of up to 22 segments (31856 bytes, half the peer's
  // 65535-byte window) are started while the memory queued (1280 bytes per
  // skb plus its data) is below it: 141904 bytes fit.
  const int big = 200000;
  const CallResult partial = Write(1.2, c, big);
  EXPECT_TRUE(partial.would_block);
  EXPECT_EQ(partial.ret, 141904);
}

TEST_F(SocketApiTest, FcntlNonBlock) {
  const int fd = NewSocket();
  EXPECT_EQ(stack().Fcntl(T(0), fd, F_GETFL, 0), Ok(O_RDWR));
  EXPECT_EQ(stack().Fcntl(T(0), fd, F_SETFL, O_RDWR | O_NONBLOCK), Ok(0));
  EXPECT_EQ(stack().Fcntl(T(0), fd, F_GETFL, 0), Ok(O_RDWR | O_NONBLOCK));
  EXPECT_EQ(ConnectTo(0, fd, kRemote, 8080), Err(EINPROGRESS));
}

TEST_F(SocketApiTest, SockoptValidation) {
  const int fd = NewSocket();
  int v = 87;
  EXPECT_EQ(stack().Setsockopt(T(0), fd, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof v), Err(EINVAL));
  v = 1000;
  EXPECT_EQ(stack().Setsockopt(T(0), fd, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof v), Ok(0));
  EXPECT_EQ(GetInt(fd, IPPROTO_TCP, TCP_MAXSEG), 1000);
  v = -1;
  EXPECT_EQ(stack().Setsockopt(T(0), fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &v, sizeof v), Err(EINVAL));
  EXPECT_EQ(stack().Setsockopt(T(0), fd, IPPROTO_TCP, TCP_NODELAY, &v, 2), Err(EINVAL));
  const linger l{1, 5};
  EXPECT_EQ(stack().Setsockopt(T(0), fd, SOL_SOCKET, SO_LINGER, &l, sizeof l - 1), Err(EINVAL));
  EXPECT_EQ(stack().Setsockopt(T(0), fd, SOL_SOCKET, SO_LINGER, &l, sizeof l), Ok(0));
  linger got{};
  socklen_t len = sizeof got;
  EXPECT_EQ(stack().Getsockopt(T(0), fd, SOL_SOCKET, SO_LINGER, &got, &len), Ok(0));
  EXPECT_EQ(got.l_onoff, 1);
  EXPECT_EQ(got.l_linger, 5);
  v = 1000;
  EXPECT_EQ(stack().Setsockopt(T(0), fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof v), Ok(0));
  EXPECT_EQ(GetInt(fd, SOL_SOCKET, SO_RCVBUF), 2304);  // SOCK_MIN_RCVBUF
  EXPECT_EQ(stack().Setsockopt(T(0), fd, SOL_SOCKET, 9999, &v, sizeof v), Err(ENOPROTOOPT));
  // TCP_MAXSEG caps the MSS the SYN announces; a locked SO_RCVBUF of 2304
  // leaves 1152 of window (one 1000-byte MSS) and no scaling.
  stack().Fcntl(T(0), fd, F_SETFL, O_NONBLOCK);
  ConnectTo(0, fd, kRemote, 8080);
  ExpectSent(0, "S 0:0(0) win 1000 <mss 1000,sackOK,TS val 0 ecr 0,nop,wscale 0>");
}

// TCP_INFO on a listener reports its queue; the short read copies only
// what fits.
TEST_F(SocketApiTest, TcpInfoLengths) {
  const int fd = ListeningSocket(0, 7);
  TcpInfo info{};
  socklen_t len = 8;
  EXPECT_EQ(stack().Getsockopt(T(0), fd, IPPROTO_TCP, TCP_INFO, &info, &len), Ok(0));
  EXPECT_EQ(len, 8u);
  EXPECT_EQ(info.tcpi_state, 10);  // LISTEN
  EXPECT_EQ(info.tcpi_sacked, 0u);  // not copied
  len = 1000;
  EXPECT_EQ(stack().Getsockopt(T(0), fd, IPPROTO_TCP, TCP_INFO, &info, &len), Ok(0));
  EXPECT_EQ(len, sizeof(TcpInfo));
  EXPECT_EQ(info.tcpi_sacked, 7u);
}

// A connection to one of our own addresses runs over loopback: nothing
// reaches the wire.
TEST_F(SocketApiTest, SelfConnectOverLoopback) {
  const int listener = ListeningSocket();
  const int fd = NewSocket(SOCK_NONBLOCK);
  EXPECT_EQ(ConnectTo(0, fd, kLocal, 8080), Ok(0));
  const CallResult accepted = stack().Accept(T(0), listener, nullptr, nullptr);
  ASSERT_GE(accepted.ret, 3);
  EXPECT_EQ(Write(0, fd, 5), Ok(5));
  EXPECT_EQ(Read(0, static_cast<int>(accepted.ret), 10), Ok(5));
  EXPECT_EQ(TcpState(0, fd), 1);
  ExpectNothing(1);
  // A socket bound to a port and connected to that same port reaches
  // itself: simultaneous open with itself.
  const int self = NewSocket(SOCK_NONBLOCK);
  EXPECT_EQ(BindTo(self, kLocal, 5555), Ok(0));
  EXPECT_EQ(ConnectTo(2, self, kLocal, 5555), Ok(0));
  EXPECT_EQ(TcpState(2, self), 1);
  ExpectNothing(3);
}

TEST_F(SocketApiTest, Ipv6Handshake) {
  const int fd = static_cast<int>(stack().Socket(T(0), AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0).ret);
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_port = htons(8080);
  inet_pton(AF_INET6, "fd3d:fa7b:d17d::1", &addr.sin6_addr);
  EXPECT_EQ(stack().Connect(T(0), fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr),
            Err(EINPROGRESS));
  std::optional<wire::Packet> syn = TakePacket(0);
  ASSERT_TRUE(syn.has_value());
  EXPECT_TRUE(syn->is_ipv6());
  // MTU 1500 less 60 bytes of IPv6 and TCP headers.
  EXPECT_EQ(wire::Load16(syn->tcp()->options[0].data.data()), 1440);
  // An IPv4-mapped address from an AF_INET6 socket runs over IPv4.
  const int mapped = static_cast<int>(stack().Socket(T(0), AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0).ret);
  inet_pton(AF_INET6, "::ffff:192.0.2.1", &addr.sin6_addr);
  EXPECT_EQ(stack().Connect(T(0), mapped, reinterpret_cast<const sockaddr*>(&addr), sizeof addr),
            Err(EINPROGRESS));
  std::optional<wire::Packet> v4syn = TakePacket(0);
  ASSERT_TRUE(v4syn.has_value());
  EXPECT_FALSE(v4syn->is_ipv6());
  EXPECT_TRUE(v4syn->dont_fragment);
  EXPECT_EQ(v4syn->ttl, 64);
  sockaddr_in6 name{};
  socklen_t len = sizeof name;
  EXPECT_EQ(stack().Getsockname(T(0), mapped, reinterpret_cast<sockaddr*>(&name), &len), Ok(0));
  EXPECT_TRUE(IN6_IS_ADDR_V4MAPPED(&name.sin6_addr));
}

}  // namespace
}  // namespace synack::stack::test
