// Fast Open cookies and keys against what Linux 6.18 computes: the cookies
// packetdrill's runner defines as TFO_COOKIE, and those the kernel sent in
// the corpus's SYN-ACKs for other addresses and keys; then the stack's
// server and client through its socket API, with the counters nstat shows.
#include "runtime/stack/fastopen.h"

#include <gtest/gtest.h>

#include <string>

#include "runtime/stack/stack_test_util.h"

namespace synack::stack {
namespace {

std::string Hex(const std::vector<uint8_t>& bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

FourTuple Tuple(const char* local, const char* remote) {
  FourTuple tuple;
  tuple.local.addr = *wire::IpAddress::Parse(local);
  tuple.remote.addr = *wire::IpAddress::Parse(remote);
  return tuple;
}

// The corpus's defaults.sh key; the cookies are TFO_COOKIE for ipv4 and
// ipv6, and what the kernel answered on 192.168.0.1 (reset-non-tfo-socket).
TEST(FastOpenCookieTest, SysctlKeyGivesTheKernelsCookies) {
  const std::vector<SipKey> keys = ParseFastOpenKeys("a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(Hex(FastOpenCookieFor(keys[0], Tuple("192.168.0.2", "192.0.2.1"))),
            "de4f234f0f433a55");
  EXPECT_EQ(Hex(FastOpenCookieFor(keys[0], Tuple("fd3d:fa7b:d17d::0", "2001:DB8::1"))),
            "6aa6ae70c288023b");
  EXPECT_EQ(Hex(FastOpenCookieFor(keys[0], Tuple("192.168.0.1", "192.0.2.1"))),
            "3021b9d889017eeb");
}

// server/simple1.pkt's key, a0bf63f7-ed803d81-cd641d30-cebc4a90: the
// kernel's SYN-ACK carried FOEXP a7915cd480e45f7e for the runner's client
// address 192.0.2.1 (synack keeps the runner's address over the script's
// --remote_ip); for the script's 10.248.0.2 the cookie is the one the
// script expects.
TEST(FastOpenCookieTest, OtherKeyAndAddresses) {
  const std::vector<SipKey> keys = ParseFastOpenKeys("a0bf63f7-ed803d81-cd641d30-cebc4a90");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(Hex(FastOpenCookieFor(keys[0], Tuple("192.168.0.2", "192.0.2.1"))),
            "a7915cd480e45f7e");
  EXPECT_EQ(Hex(FastOpenCookieFor(keys[0], Tuple("192.168.0.2", "10.248.0.2"))),
            "00abaaabe8e954c2");
}

TEST(FastOpenCookieTest, KeysParseAndRoundTrip) {
  EXPECT_TRUE(ParseFastOpenKeys("").empty());
  EXPECT_TRUE(ParseFastOpenKeys("1-2-3").empty());
  const std::vector<SipKey> two =
      ParseFastOpenKeys("00000001-00000002-00000003-00000004,a-b-c-d");
  ASSERT_EQ(two.size(), 2u);
  // Each word little-endian: 01 00 00 00 02 00 00 00 ... as the key bytes.
  EXPECT_EQ(two[0].k0, 0x0000000200000001u);
  EXPECT_EQ(two[0].k1, 0x0000000400000003u);
  EXPECT_EQ(two[1].k0, 0x0000000b0000000au);
  uint8_t bytes[kFastOpenKeyLength];
  FastOpenKeyToBytes(two[1], bytes);
  const SipKey back = FastOpenKeyFromBytes(bytes);
  EXPECT_EQ(back.k0, two[1].k0);
  EXPECT_EQ(back.k1, two[1].k1);
}

}  // namespace
}  // namespace synack::stack

// --- The stack's Fast Open, through its socket API -----------------------------

namespace synack::stack::test {
namespace {

class FastOpenStackTest : public StackTest {
 protected:
  static constexpr uint32_t kPeerIsn = 5000;

  // A segment from the peer at kRemote:port to our 8080.
  void Inject(double t, uint16_t port, uint16_t flags, uint32_t seq, uint32_t ack,
              std::vector<wire::TcpOption> options, size_t data, uint16_t dst_port = 8080) {
    wire::Packet p;
    p.src = *wire::IpAddress::Parse(kRemote);
    p.dst = *wire::IpAddress::Parse(kLocal);
    wire::TcpHeader th;
    th.src_port = port;
    th.dst_port = dst_port;
    th.seq = seq;
    th.ack = ack;
    th.flags = flags;
    th.window = 65535;
    th.options = std::move(options);
    p.l4 = th;
    p.payload.assign(data, 'd');
    ASSERT_EQ(stack().Input(wire::Build(p).bytes, T(t)), "");
  }

  static wire::TcpOption Mss() { return {wire::tcp_opt::kMss, {0x05, 0xb4}}; }
  static wire::TcpOption Fo(std::vector<uint8_t> cookie) {
    return {wire::tcp_opt::kFastOpen, std::move(cookie)};
  }
  // The Fast Open option of a sent packet; nullopt for none.
  static std::optional<std::vector<uint8_t>> SentCookie(const wire::Packet& p) {
    for (const wire::TcpOption& o : p.tcp()->options) {
      if (o.kind == wire::tcp_opt::kFastOpen) return o.data;
    }
    return std::nullopt;
  }

  std::vector<uint8_t> CookieFor(const char* key) {
    FourTuple tuple;
    tuple.local.addr = *wire::IpAddress::Parse(kLocal);
    tuple.remote.addr = *wire::IpAddress::Parse(kRemote);
    return FastOpenCookieFor(ParseFastOpenKeys(key)[0], tuple);
  }
};

constexpr const char* kKey = "a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4";

// The server's counters and answers: a request (TcpExtTCPFastOpenCookieReqd)
// gets the cookie; SYN data with it makes a child at once
// (TcpExtTCPFastOpenPassive) that accept() returns in SYN_RECV; a wrong
// cookie (TcpExtTCPFastOpenPassiveFail) gets the right one and only its SYN
// acknowledged.
TEST_F(FastOpenStackTest, ServerCookieRequestDataAndWrongCookie) {
  ASSERT_EQ(sysctls().Set("net.ipv4.tcp_fastopen_key", kKey), "");
  sysctls().tcp_fastopen = 3;
  const int fd = static_cast<int>(stack().Socket(T(0), AF_INET, SOCK_STREAM, 0).ret);
  const sockaddr_in addr = Sin("0.0.0.0", 8080);
  ASSERT_EQ(stack().Bind(T(0), fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), Ok(0));
  const int qlen = 4;
  ASSERT_EQ(stack().Setsockopt(T(0), fd, IPPROTO_TCP, TCP_FASTOPEN, &qlen, sizeof qlen), Ok(0));
  ASSERT_EQ(stack().Listen(T(0), fd, 8), Ok(0));
  const std::vector<uint8_t> cookie = CookieFor(kKey);

  Inject(0, 40000, wire::tcp_flag::kSyn, kPeerIsn, 0, {Mss(), Fo({})}, 0);
  std::optional<wire::Packet> synack = TakePacket(0);
  ASSERT_TRUE(synack.has_value());
  EXPECT_EQ(SentCookie(*synack), cookie);
  EXPECT_EQ(synack->tcp()->ack, kPeerIsn + 1);
  EXPECT_EQ(Counter("TcpExtTCPFastOpenCookieReqd"), 1);

  Inject(0.1, 40001, wire::tcp_flag::kSyn, kPeerIsn, 0, {Mss(), Fo(cookie)}, 10);
  synack = TakePacket(0.1);
  ASSERT_TRUE(synack.has_value());
  EXPECT_EQ(synack->tcp()->ack, kPeerIsn + 11);
  EXPECT_FALSE(SentCookie(*synack).has_value());
  EXPECT_EQ(Counter("TcpExtTCPFastOpenPassive"), 1);
  const CallResult child = stack().Accept(T(0.1), fd, nullptr, nullptr);
  ASSERT_GE(child.ret, 3);
  const TcpInfo info = Info(0.1, static_cast<int>(child.ret));
  EXPECT_EQ(info.tcpi_state, static_cast<uint8_t>(TcpState::kSynRecv));
  EXPECT_NE(info.tcpi_options & kTcpiOptSynData, 0);
  EXPECT_EQ(Read(0.1, static_cast<int>(child.ret), 100), Ok(10));

  std::vector<uint8_t> wrong = cookie;
  wrong[0] ^= 1;
  Inject(0.2, 40002, wire::tcp_flag::kSyn, kPeerIsn, 0, {Mss(), Fo(wrong)}, 10);
  synack = TakePacket(0.2);
  ASSERT_TRUE(synack.has_value());
  EXPECT_EQ(synack->tcp()->ack, kPeerIsn + 1);
  EXPECT_EQ(SentCookie(*synack), cookie);
  EXPECT_EQ(Counter("TcpExtTCPFastOpenPassiveFail"), 1);
  EXPECT_EQ(Counter("TcpExtTCPFastOpenPassive"), 1);
}

// The client: a SYN-ACK that acknowledges only the SYN makes the SYN's data
// go again at once (TcpExtTCPFastOpenActiveFail, tcpi_fastopen_client_fail
// TFO_DATA_NOT_ACKED); one that acknowledges it counts
// TcpExtTCPFastOpenActive.
TEST_F(FastOpenStackTest, ClientDataNotAcknowledgedThenAcknowledged) {
  sysctls().tcp_fastopen = 1;
  sysctls().tcp_timestamps = 0;
  const sockaddr_in peer = Sin(kRemote, 8080);
  const auto* sa = reinterpret_cast<const sockaddr*>(&peer);
  const std::vector<uint8_t> data(3000, 'x');
  const std::vector<uint8_t> cookie{1, 2, 3, 4, 5, 6, 7, 8};

  // A cookie request, answered.
  int fd = static_cast<int>(stack().Socket(T(0), AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0).ret);
  EXPECT_EQ(stack().Write(T(0), fd, data, MSG_FASTOPEN, sa, sizeof peer), Err(EINPROGRESS));
  std::optional<wire::Packet> syn = TakePacket(0);
  ASSERT_TRUE(syn.has_value());
  EXPECT_EQ(SentCookie(*syn), std::vector<uint8_t>{});
  EXPECT_TRUE(syn->payload.empty());
  EXPECT_EQ(Info(0, fd).tcpi_fastopen_client_fail, 1);  // TFO_COOKIE_UNAVAILABLE
  Inject(0.01, 8080, wire::tcp_flag::kSyn | wire::tcp_flag::kAck, kPeerIsn,
         syn->tcp()->seq + 1, {Mss(), Fo(cookie)}, 0, syn->tcp()->src_port);
  TakePacket(0.01);

  // The data in the SYN, only the SYN acknowledged.
  fd = static_cast<int>(stack().Socket(T(0.1), AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0).ret);
  EXPECT_EQ(stack().Write(T(0.1), fd, data, MSG_FASTOPEN, sa, sizeof peer), Ok(1420));
  syn = TakePacket(0.1);
  ASSERT_TRUE(syn.has_value());
  EXPECT_EQ(syn->payload.size(), 1420u);
  EXPECT_EQ(SentCookie(*syn), cookie);
  Inject(0.11, 8080, wire::tcp_flag::kSyn | wire::tcp_flag::kAck, kPeerIsn,
         syn->tcp()->seq + 1, {Mss()}, 0, syn->tcp()->src_port);
  std::optional<wire::Packet> again = TakePacket(0.11);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->tcp()->seq, syn->tcp()->seq + 1);
  EXPECT_EQ(again->payload.size(), 1420u);
  EXPECT_EQ(again->tcp()->flags, wire::tcp_flag::kAck | wire::tcp_flag::kPsh);
  EXPECT_EQ(Counter("TcpExtTCPFastOpenActiveFail"), 1);
  EXPECT_EQ(Info(0.11, fd).tcpi_fastopen_client_fail, 2);  // TFO_DATA_NOT_ACKED
  EXPECT_EQ(Info(0.11, fd).tcpi_options & kTcpiOptSynData, 0);

  // The data in the SYN, acknowledged.
  fd = static_cast<int>(stack().Socket(T(0.2), AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0).ret);
  EXPECT_EQ(stack().Write(T(0.2), fd, data, MSG_FASTOPEN, sa, sizeof peer), Ok(1420));
  syn = TakePacket(0.2);
  ASSERT_TRUE(syn.has_value());
  Inject(0.21, 8080, wire::tcp_flag::kSyn | wire::tcp_flag::kAck, kPeerIsn,
         syn->tcp()->seq + 1 + 1420, {Mss()}, 0, syn->tcp()->src_port);
  EXPECT_EQ(Counter("TcpExtTCPFastOpenActive"), 1);
  EXPECT_NE(Info(0.21, fd).tcpi_options & kTcpiOptSynData, 0);
}

}  // namespace
}  // namespace synack::stack::test
