// ImportCapture(): connections built packet by packet become the exact
// draft text; captures it cannot turn into one connection's script are
// errors that say what was found.
#include "cli/capture_import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/wire/wire_test_util.h"

namespace synack::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using wire::CapturedPacket;
using namespace std::chrono_literals;
namespace tcp_flag = wire::tcp_flag;
namespace tcp_opt = wire::tcp_opt;

constexpr uint16_t kSyn = tcp_flag::kSyn, kAck = tcp_flag::kAck,
                   kFin = tcp_flag::kFin, kRst = tcp_flag::kRst,
                   kPsh = tcp_flag::kPsh;

wire::TcpOption Ts(uint32_t val, uint32_t ecr) {
  wire::TcpOption option{tcp_opt::kTimestamp, {}};
  for (uint32_t v : {val, ecr}) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      option.data.push_back(static_cast<uint8_t>(v >> shift));
    }
  }
  return option;
}

wire::TcpOption Sack(uint32_t left, uint32_t right) {
  wire::TcpOption option{tcp_opt::kSack, {}};
  for (uint32_t v : {left, right}) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      option.data.push_back(static_cast<uint8_t>(v >> shift));
    }
  }
  return option;
}

const wire::TcpOption kNop{tcp_opt::kNop, {}};
const wire::TcpOption kSackOk{tcp_opt::kSackOk, {}};
wire::TcpOption Mss(uint16_t mss) {
  return {tcp_opt::kMss, {static_cast<uint8_t>(mss >> 8),
                          static_cast<uint8_t>(mss)}};
}
wire::TcpOption Wscale(uint8_t shift) { return {tcp_opt::kWscale, {shift}}; }

// A connection between `a` (port 40000) and `b` (port 8080), its packets
// added in capture order at times in microseconds.
class Conn {
 public:
  Conn(std::string a, std::string b, uint16_t a_port = 40000,
       uint16_t b_port = 8080)
      : a_(std::move(a)), b_(std::move(b)), a_port_(a_port), b_port_(b_port) {}

  // from_a: sent by `a`.
  Conn& Add(bool from_a, int64_t usecs, uint16_t flags, uint32_t seq,
            uint32_t ack, uint16_t win, size_t length,
            std::vector<wire::TcpOption> options = {}) {
    wire::TcpHeader tcp;
    tcp.src_port = from_a ? a_port_ : b_port_;
    tcp.dst_port = from_a ? b_port_ : a_port_;
    tcp.flags = flags;
    tcp.seq = seq;
    tcp.ack = ack;
    tcp.window = win;
    tcp.options = std::move(options);
    CapturedPacket captured;
    captured.time = 1'700'000'000s + std::chrono::microseconds(usecs);
    captured.number = packets.size() + 1;
    captured.packet = wire::test_util::TcpPacket(
        from_a ? a_ : b_, from_a ? b_ : a_, tcp,
        std::vector<uint8_t>(length, 'x'));
    packets.push_back(std::move(captured));
    return *this;
  }

  std::vector<CapturedPacket> packets;

 private:
  std::string a_, b_;
  uint16_t a_port_, b_port_;
};

ImportResult Import(const std::vector<CapturedPacket>& packets,
                    std::string flow = "", std::string local = "") {
  ImportOptions options;
  options.source = "t.pcap";
  options.flow = std::move(flow);
  options.local = std::move(local);
  return ImportCapture(packets, options);
}

// The peer 192.0.2.1:40000 opens a connection to 192.168.0.1:8080, sends a
// request, gets an answer and the server closes first. ISNs 1000 (peer)
// and 5000 (server).
Conn PassiveExchange() {
  Conn c("192.0.2.1", "192.168.0.1");
  const bool peer = true, local = false;
  c.Add(peer, 0, kSyn, 1000, 0, 65535,
        0, {Mss(1460), kSackOk, Ts(700, 0), kNop, Wscale(7)})
      .Add(local, 30, kSyn | kAck, 5000, 1001, 65160, 0,
           {Mss(1460), kSackOk, Ts(90, 700), kNop, Wscale(7)})
      .Add(peer, 10'000, kAck, 1001, 5001, 502, 0, {kNop, kNop, Ts(710, 90)})
      .Add(peer, 20'000, kPsh | kAck, 1001, 5001, 502, 100,
           {kNop, kNop, Ts(720, 90)})
      .Add(local, 20'040, kAck, 5001, 1101, 509, 0, {kNop, kNop, Ts(100, 720)})
      .Add(local, 24'000, kPsh | kAck, 5001, 1101, 509, 2000,
           {kNop, kNop, Ts(104, 720)})
      .Add(peer, 30'000, kAck, 1101, 7001, 502, 0, {kNop, kNop, Ts(730, 104)})
      .Add(local, 30'000, kFin | kAck, 7001, 1101, 509, 0,
           {kNop, kNop, Ts(110, 730)})
      .Add(peer, 40'000, kFin | kAck, 1101, 7002, 502, 0,
           {kNop, kNop, Ts(740, 110)})
      .Add(local, 40'010, kAck, 7002, 1102, 509, 0, {kNop, kNop, Ts(120, 740)});
  return c;
}

TEST(ImportCapture, PassiveOpenExchangeAndClose) {
  const ImportResult result = Import(PassiveExchange().packets);
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.script, R"(// Imported by `synack import` from t.pcap.
// Local (under test): 192.168.0.1:8080, a passive open; peer: 192.0.2.1:40000.
// Local because its peer is at a documentation address, as packetdrill's.
// --local ADDR chooses the other side.
// A first draft: the system calls are guessed from the packets (check
// their sizes and times); of the sysctls and socket options, only those
// that show on the wire are drafted.
// Captured over IPv4: run it with -4.

     0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
    +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
    +0 bind(3, ..., ...) = 0
    +0 listen(3, 1) = 0
    +0 < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 700 ecr 0,nop,wscale 7>
+0.00003 > S. 0:0(0) ack 1 win 65160 <mss 1460,sackOK,TS val 90 ecr 700,nop,wscale 7>
+0.00997 < . 1:1(0) ack 1 win 502 <nop,nop,TS val 710 ecr 90>
    +0 accept(3, ..., ...) = 4
 +0.01 < P. 1:101(100) ack 1 win 502 <nop,nop,TS val 720 ecr 90>
+0.00004 > . 1:1(0) ack 101 win 509 <nop,nop,TS val 100 ecr 720>
+0.00396 read(4, ..., 100) = 100
    +0 write(4, ..., 2000) = 2000
    +0 > P. 1:2001(2000) ack 101 win 509 <nop,nop,TS val 104 ecr 720>
+0.006 < . 101:101(0) ack 2001 win 502 <nop,nop,TS val 730 ecr 104>
    +0 close(4) = 0
    +0 > F. 2001:2001(0) ack 101 win 509 <nop,nop,TS val 110 ecr 730>
 +0.01 < F. 101:101(0) ack 2002 win 502 <nop,nop,TS val 740 ecr 110>
+0.00001 > . 2002:2002(0) ack 102 win 509 <nop,nop,TS val 120 ecr 740>
)");
}

// fd3d::1 (local, port 40000) connects to 2001:db8::1 (port 8080) and
// writes 3000 bytes in one burst; the peer SACKs the third segment, the
// second is sent again, and the peer acknowledges everything. ISNs 100
// (local) and 9000 (peer).
TEST(ImportCapture, ActiveOpenIpv6SackBlocksRelative) {
  Conn c("fd3d::1", "2001:db8::1");
  const bool local = true, peer = false;
  c.Add(local, 0, kSyn, 100, 0, 64800, 0, {Mss(1440), kSackOk, kNop, Wscale(7)})
      .Add(peer, 5'000, kSyn | kAck, 9000, 101, 65535, 0,
           {Mss(1440), kNop, kNop, kSackOk, kNop, Wscale(8)})
      .Add(local, 5'010, kAck, 101, 9001, 507, 0)
      .Add(local, 6'000, kAck, 101, 9001, 507, 1000)
      .Add(local, 6'000, kAck, 1101, 9001, 507, 1000)
      .Add(local, 6'000, kPsh | kAck, 2101, 9001, 507, 1000)
      .Add(peer, 11'000, kAck, 9001, 1101, 256, 0,
           {kNop, kNop, Sack(2101, 3101)})
      .Add(local, 11'000, kAck, 1101, 9001, 507, 1000)
      .Add(peer, 16'000, kAck, 9001, 3101, 256, 0);
  const ImportResult result = Import(c.packets);
  ASSERT_EQ(result.error, "");
  EXPECT_EQ(result.script, R"(// Imported by `synack import` from t.pcap.
// Local (under test): [fd3d::1]:40000, an active open; peer: [2001:db8::1]:8080.
// Local because its peer is at a documentation address, as packetdrill's.
// --local ADDR chooses the other side.
// A first draft: the system calls are guessed from the packets (check
// their sizes and times); of the sysctls and socket options, only those
// that show on the wire are drafted.
// Captured over IPv6: run it with -6.

// The local side's SYN leaves out what these sysctls turn off.
     0 `sysctl -q net.ipv4.tcp_timestamps=0`
    +0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
    +0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
    +0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
    +0 > S 0:0(0) win 64800 <mss 1440,sackOK,nop,wscale 7>
+0.005 < S. 0:0(0) ack 1 win 65535 <mss 1440,nop,nop,sackOK,nop,wscale 8>
+0.00001 > . 1:1(0) ack 1 win 507
+0.00099 write(3, ..., 3000) = 3000
    +0 > . 1:1001(1000) ack 1 win 507
    +0 > . 1001:2001(1000) ack 1 win 507
    +0 > P. 2001:3001(1000) ack 1 win 507
+0.005 < . 1:1(0) ack 1001 win 256 <nop,nop,sack 2001:3001>
    +0 > . 1001:2001(1000) ack 1 win 507
+0.005 < . 1:1(0) ack 3001 win 256
)");
}

TEST(ImportCapture, LocalIsTheSideThatAnswersTheSyn) {
  Conn c("10.0.0.1", "10.0.0.2");
  c.Add(true, 0, kSyn, 7, 0, 1000, 0).Add(false, 10, kSyn | kAck, 70, 8, 2000, 0);
  const ImportResult result = Import(c.packets);
  ASSERT_EQ(result.error, "");
  EXPECT_THAT(result.script,
              HasSubstr("// Local (under test): 10.0.0.2:8080, a passive "
                        "open; peer: 10.0.0.1:40000.\n"
                        "// Local because it answered the SYN.\n"));
  EXPECT_THAT(result.script, HasSubstr("listen(3, 1) = 0\n"));
  EXPECT_THAT(result.script, HasSubstr("+0 < S 0:0(0) win 1000\n"));
  EXPECT_THAT(result.script, HasSubstr("> S. 0:0(0) ack 1 win 2000\n"));
}

TEST(ImportCapture, LocalOverrideMakesAnActiveOpen) {
  const ImportResult result =
      Import(PassiveExchange().packets, "", "192.0.2.1");
  ASSERT_EQ(result.error, "");
  EXPECT_THAT(result.script,
              HasSubstr("// Local (under test): 192.0.2.1:40000, an active "
                        "open; peer: 192.168.0.1:8080.\n"));
  EXPECT_THAT(result.script,
              HasSubstr("connect(3, ..., ...) = -1 EINPROGRESS"));
  EXPECT_THAT(result.script, HasSubstr("> S 0:0(0) win 65535 <mss 1460,"));
  EXPECT_THAT(result.script, HasSubstr("write(3, ..., 100) = 100\n"));
  EXPECT_THAT(result.script, HasSubstr("read(3, ..., 2000) = 2000\n"));
}

TEST(ImportCapture, LocalMatchingNeitherEndIsAnError) {
  EXPECT_EQ(Import(PassiveExchange().packets, "", "10.1.1.1").error,
            "t.pcap: --local 10.1.1.1 matches neither end of "
            "192.0.2.1:40000 <-> 192.168.0.1:8080 (10 packets)");
  EXPECT_EQ(Import(PassiveExchange().packets, "", "10.1.1.").error,
            "t.pcap: --local expects ADDR or ADDR:PORT, found '10.1.1.'");
}

// Unread data makes close() send a RST (RFC 2525 §2.17); without it, a
// RST comes from SO_LINGER 0.
TEST(ImportCapture, ResetAfterUnreadDataOrWithLingerZero) {
  Conn unread("192.0.2.1", "192.168.0.1");
  unread.Add(true, 0, kSyn, 0, 0, 1000, 0)
      .Add(false, 0, kSyn | kAck, 50, 1, 2000, 0)
      .Add(true, 0, kAck, 1, 51, 1000, 0)
      .Add(true, 0, kAck, 1, 51, 1000, 10)
      .Add(false, 0, kRst | kAck, 51, 11, 0, 0);
  const ImportResult with_data = Import(unread.packets);
  ASSERT_EQ(with_data.error, "");
  EXPECT_THAT(with_data.script,
              HasSubstr("accept(3, ..., ...) = 4\n"
                        "    +0 < . 1:11(10) ack 1 win 1000\n"
                        "    +0 close(4) = 0\n"
                        "    +0 > R. 1:1(0) ack 11 win 0\n"));

  Conn linger("192.0.2.1", "192.168.0.1");
  linger.Add(true, 0, kSyn, 0, 0, 1000, 0)
      .Add(false, 0, kSyn | kAck, 50, 1, 2000, 0)
      .Add(true, 0, kAck, 1, 51, 1000, 0)
      .Add(true, 10, kAck, 1, 51, 1000, 0)
      .Add(false, 10, kRst | kAck, 51, 1, 0, 0);
  const ImportResult no_data = Import(linger.packets);
  ASSERT_EQ(no_data.error, "");
  EXPECT_THAT(no_data.script,
              HasSubstr("    +0 setsockopt(4, SOL_SOCKET, SO_LINGER, "
                        "{onoff=1, linger=0}, 8) = 0\n"
                        "    +0 close(4) = 0\n"
                        "    +0 > R. 1:1(0) ack 1 win 0\n"));

  // A RST right after the handshake's last ACK: accept() never had it.
  Conn gone("192.0.2.1", "192.168.0.1");
  gone.Add(true, 0, kSyn, 0, 0, 1000, 0)
      .Add(false, 0, kSyn | kAck, 50, 1, 2000, 0)
      .Add(true, 0, kAck, 1, 51, 1000, 0)
      .Add(false, 0, kRst, 51, 0, 0, 0);
  const ImportResult refused = Import(gone.packets);
  ASSERT_EQ(refused.error, "");
  // What the capture cannot say is said for the user to add.
  EXPECT_THAT(refused.script, HasSubstr(R"(
    +0 < . 1:1(0) ack 1 win 1000
// A RST for the handshake's ACK: the request was gone (its SYN-ACK retries spent,
// tcp_synack_retries or TCP_SYNCNT; or the accept queue full of other
// connections, with tcp_abort_on_overflow=1).
    +0 > R 1:1(0) win 0
)"));
  EXPECT_THAT(refused.script, Not(HasSubstr("accept(")));
}

TEST(ImportCapture, SeveralConnectionsNeedFlow) {
  Conn first("192.0.2.1", "192.168.0.1", 40001);
  first.Add(true, 0, kSyn, 0, 0, 1000, 0);
  Conn second("192.0.2.1", "192.168.0.1", 40002);
  second.Add(true, 10, kSyn, 0, 0, 1000, 0)
      .Add(false, 20, kSyn | kAck, 5, 1, 1000, 0);
  std::vector<CapturedPacket> both = first.packets;
  both.insert(both.end(), second.packets.begin(), second.packets.end());

  EXPECT_EQ(Import(both).error,
            "t.pcap: expected one TCP connection, found 2; pick one with "
            "--flow ADDR:PORT:\n"
            "  192.0.2.1:40001 <-> 192.168.0.1:8080 (1 packets)\n"
            "  192.0.2.1:40002 <-> 192.168.0.1:8080 (2 packets)");
  EXPECT_EQ(Import(both, "192.0.2.9:1").error,
            "t.pcap: no TCP connection has the endpoint 192.0.2.9:1; the "
            "capture holds:\n"
            "  192.0.2.1:40001 <-> 192.168.0.1:8080 (1 packets)\n"
            "  192.0.2.1:40002 <-> 192.168.0.1:8080 (2 packets)");
  EXPECT_EQ(Import(both, "192.168.0.1:8080").error.substr(0, 50),
            "t.pcap: expected one TCP connection, found 2; pick");
  const ImportResult chosen = Import(both, "192.0.2.1:40002");
  ASSERT_EQ(chosen.error, "");
  EXPECT_THAT(chosen.script, HasSubstr("peer: 192.0.2.1:40002.\n"));
  EXPECT_THAT(chosen.script,
              HasSubstr("// Left out: 1 packets of other connections or "
                        "protocols.\n"));
}

TEST(ImportCapture, NoTcpIsAnError) {
  EXPECT_EQ(Import({}).error, "t.pcap: expected TCP packets, found none");
  CapturedPacket udp;
  udp.packet = wire::test_util::TcpPacket("192.0.2.1", "192.168.0.1", {});
  udp.packet.protocol = wire::ip_proto::kUdp;
  udp.packet.l4 = wire::UdpHeader{53, 53};
  CapturedPacket icmp = udp;
  icmp.packet.protocol = wire::ip_proto::kIcmp;
  icmp.packet.l4 = wire::IcmpHeader{};
  EXPECT_EQ(Import({udp, udp, icmp}).error,
            "t.pcap: expected TCP packets, found only 1 ICMP, 2 UDP");
}

TEST(ImportCapture, NoSynNeedsLocal) {
  Conn c("10.0.0.1", "10.0.0.2");
  c.Add(true, 0, kAck, 500, 900, 1000, 100).Add(false, 10, kAck, 900, 600, 1000, 0);
  EXPECT_EQ(Import(c.packets).error,
            "t.pcap: no SYN in 10.0.0.1:40000 <-> 10.0.0.2:8080 (2 packets): "
            "say which side is under test with --local ADDR");
  // Told, the numbers count from before each side's first seq.
  const ImportResult result = Import(c.packets, "", "10.0.0.2");
  ASSERT_EQ(result.error, "");
  EXPECT_THAT(result.script, HasSubstr("< . 1:101(100) ack 1 win 1000\n"));
  EXPECT_THAT(result.script, HasSubstr("> . 1:1(0) ack 101 win 1000\n"));
}

// What the wire shows of the settings: an active open's SYN without
// timestamps and window scaling (tcp_timestamps=0, tcp_window_scaling=0),
// an MSS below 1460 (TCP_MAXSEG) and a DSCP (IP_TOS), which a later
// segment changes (another setsockopt, before the write that sent it).
TEST(ImportCapture, SettingsTheSynShowsAreDrafted) {
  Conn c("192.168.0.1", "192.0.2.1");
  const bool local = true, peer = false;
  c.Add(local, 0, kSyn, 5000, 0, 65000, 0, {Mss(1000), kNop, kNop, kSackOk})
      .Add(peer, 10'000, kSyn | kAck, 1000, 5001, 65535, 0, {Mss(1460)})
      .Add(local, 10'010, kAck, 5001, 1001, 65000, 0)
      .Add(local, 20'000, kPsh | kAck, 5001, 1001, 65000, 100)
      .Add(peer, 30'000, kAck, 1001, 5101, 65535, 0);
  for (size_t i : {0, 2}) c.packets[i].packet.tos = 0x10;
  c.packets[3].packet.tos = 0x22;  // DSCP 0x20 and ECT(0)
  const ImportResult result = Import(c.packets);
  ASSERT_EQ(result.error, "");
  EXPECT_THAT(result.script, HasSubstr(R"(
// The local side's SYN leaves out what these sysctls turn off.
     0 `sysctl -q net.ipv4.tcp_timestamps=0 net.ipv4.tcp_window_scaling=0`
    +0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
    +0 setsockopt(3, IPPROTO_TCP, TCP_MAXSEG, [1000], 4) = 0
    +0 setsockopt(3, SOL_IP, IP_TOS, [0x10], 4) = 0
    +0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
)"));
  EXPECT_THAT(result.script, HasSubstr(R"(
+0.00999 setsockopt(3, SOL_IP, IP_TOS, [0x20], 4) = 0
    +0 write(3, ..., 100) = 100
)"));
}

// A passive open's SYN-ACK says a sysctl is off only for what the peer's
// SYN offered: here SACK (offered, not answered), not timestamps (never
// offered); the default MSS and DSCP 0 draft nothing.
TEST(ImportCapture, SynAckShowsOnlyWhatThePeerOffered) {
  Conn c("192.0.2.1", "192.168.0.1");
  const bool peer = true, local = false;
  c.Add(peer, 0, kSyn, 1000, 0, 65535, 0, {Mss(1460), kSackOk})
      .Add(local, 30, kSyn | kAck, 5000, 1001, 65160, 0, {Mss(1460)})
      .Add(peer, 10'000, kAck, 1001, 5001, 502, 0);
  const ImportResult result = Import(c.packets);
  ASSERT_EQ(result.error, "");
  EXPECT_THAT(result.script,
              HasSubstr("     0 `sysctl -q net.ipv4.tcp_sack=0`\n"));
  EXPECT_THAT(result.script, Not(HasSubstr("TCP_MAXSEG")));
  EXPECT_THAT(result.script, Not(HasSubstr("IP_TOS")));
  EXPECT_THAT(Import(PassiveExchange().packets).script,
              Not(HasSubstr("`sysctl")));
}

// A listener that sends its SYN-ACK again after the peer's ACK dropped
// that ACK: TCP_DEFER_ACCEPT, for the seconds to that SYN-ACK, and the
// connection is accepted at the ACK after it.
TEST(ImportCapture, SynAckAfterTheAckIsDeferAccept) {
  Conn c("192.0.2.1", "192.168.0.1");
  const bool peer = true, local = false;
  c.Add(peer, 0, kSyn, 1000, 0, 65535, 0, {Mss(1460)})
      .Add(local, 30, kSyn | kAck, 5000, 1001, 64240, 0, {Mss(1460)})
      .Add(peer, 100'000, kAck, 1001, 5001, 65535, 0)
      .Add(local, 3'000'030, kSyn | kAck, 5000, 1001, 64240, 0, {Mss(1460)})
      .Add(peer, 3'500'000, kAck, 1001, 5001, 65535, 0);
  const ImportResult result = Import(c.packets);
  ASSERT_EQ(result.error, "");
  EXPECT_THAT(result.script, HasSubstr(R"(
     0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
// The SYN-ACK went again after the peer's ACK: that ACK was dropped, as
// TCP_DEFER_ACCEPT does (and a full accept queue, with
// tcp_abort_on_overflow=0).
    +0 setsockopt(3, IPPROTO_TCP, TCP_DEFER_ACCEPT, [3], 4) = 0
)"));
  EXPECT_THAT(result.script, HasSubstr(R"(
+0.09997 < . 1:1(0) ack 1 win 65535
+2.90003 > S. 0:0(0) ack 1 win 64240 <mss 1460>
+0.49997 < . 1:1(0) ack 1 win 65535
    +0 accept(3, ..., ...) = 4
)"));
}

// What a capture shows but cannot carry is said where it shows: a SYN
// the listener never answered, a Fast Open cookie request, and a RST in
// FIN_WAIT_2 after the FIN was acknowledged.
TEST(ImportCapture, WhatTheUserMustAddIsSaid) {
  Conn c("192.0.2.1", "192.168.0.1");
  const bool peer = true, local = false;
  const wire::TcpOption cookie_request{tcp_opt::kFastOpen, {}};
  c.Add(peer, 0, kSyn, 1000, 0, 65535, 0, {Mss(1460)})
      .Add(peer, 1'000'000, kSyn, 1000, 0, 65535, 0, {Mss(1460), cookie_request})
      .Add(local, 1'000'030, kSyn | kAck, 5000, 1001, 64240, 0, {Mss(1460)})
      .Add(peer, 1'010'000, kAck, 1001, 5001, 65535, 0)
      .Add(local, 1'020'000, kFin | kAck, 5001, 1001, 64240, 0)
      .Add(peer, 1'030'000, kAck, 1001, 5002, 65535, 0)
      .Add(local, 1'030'100, kRst, 5002, 0, 0, 0);
  const std::string script = Import(c.packets).script;
  EXPECT_THAT(script, HasSubstr(R"(
// No answer to this SYN: the listener dropped it (its SYN or accept queue full
// of other connections, or a TCP_MD5SIG it lacks): add what did.
    +0 < S 0:0(0) win 65535 <mss 1460>
// TCP Fast Open (RFC 7413): not drafted.)"));
  EXPECT_THAT(script, HasSubstr(R"(
// A RST in FIN_WAIT_2: its timeout ran out. Add setsockopt(fd, IPPROTO_TCP,
// TCP_LINGER2, [SECONDS], 4) before close(), or net.ipv4.tcp_fin_timeout.
+0.0001 > R 2:2(0) win 0
)"));
  // The same RST after the peer sent data again is close()'s answer to
  // data (RFC 9293 §3.10.7.4), no timeout.
  c.packets.pop_back();
  c.Add(peer, 1'030'050, kPsh | kAck, 1001, 5002, 65535, 10)
      .Add(local, 1'030'100, kRst, 5002, 0, 0, 0);
  EXPECT_THAT(Import(c.packets).script, Not(HasSubstr("FIN_WAIT_2")));
}

// A listener that sent its SYN-ACK twice and answers the ACK after them
// with a RST had spent its retries: TCP_SYNCNT [1] drafts that.
TEST(ImportCapture, ResetAfterSynAckRetriesIsSyncnt) {
  Conn c("192.0.2.1", "192.168.0.1");
  const bool peer = true, local = false;
  c.Add(peer, 0, kSyn, 1000, 0, 65535, 0, {Mss(1460)})
      .Add(local, 30, kSyn | kAck, 5000, 1001, 64240, 0, {Mss(1460)})
      .Add(local, 1'000'030, kSyn | kAck, 5000, 1001, 64240, 0, {Mss(1460)})
      .Add(peer, 3'200'000, kAck, 1001, 5001, 65535, 0)
      .Add(local, 3'200'030, kRst, 5001, 0, 0, 0);
  const std::string script = Import(c.packets).script;
  EXPECT_THAT(script, HasSubstr(R"(
// The SYN-ACK went 2 times and the handshake's ACK after them got a RST: its
// retries were spent (tcp_synack_retries, or TCP_SYNCNT as here).
    +0 setsockopt(3, IPPROTO_TCP, TCP_SYNCNT, [1], 4) = 0
)"));
  // Without the retry, the RST says nothing of the retries.
  c.packets.erase(c.packets.begin() + 2);
  EXPECT_THAT(Import(c.packets).script, Not(HasSubstr("TCP_SYNCNT, [")));
}

}  // namespace
}  // namespace synack::cli
