// Golden tests for the printer: hand-built trees for every construct, then
// parsed lines and their canonical form.
#include "grammar/printer.h"

#include <gtest/gtest.h>

#include <utility>

#include "grammar/parser.h"

namespace synack::grammar {
namespace {

// --- Tree builders ----------------------------------------------------------

ExprPtr Make(decltype(Expr::node) node) {
  auto expr = std::make_unique<Expr>();
  expr->node = std::move(node);
  return expr;
}
ExprPtr Int(int64_t value) { return Make(Integer{value, false}); }
ExprPtr Hex(int64_t value) { return Make(Integer{value, true}); }
ExprPtr Sym(std::string name) { return Make(Symbol{std::move(name)}); }
ExprPtr Str(std::string value, bool ellipsis = false) {
  return Make(String{std::move(value), ellipsis});
}
ExprPtr Any() { return Make(Ellipsis{}); }

template <typename... E>
std::vector<ExprPtr> List(E... exprs) {
  std::vector<ExprPtr> list;
  (list.push_back(std::move(exprs)), ...);
  return list;
}
template <typename... E>
ExprPtr Or(E... operands) {
  return Make(BitOr{List(std::move(operands)...)});
}
template <typename... E>
ExprPtr Arr(E... elements) {
  return Make(Array{List(std::move(elements)...)});
}
template <typename... E>
ExprPtr Fn(std::string name, E... args) {
  return Make(Call{std::move(name), List(std::move(args)...)});
}
Field F(ExprPtr key, ExprPtr value) {
  return Field{std::move(key), std::move(value)};
}
Field F(std::string key, ExprPtr value) {
  return Field{Sym(std::move(key)), std::move(value)};
}
Field F(ExprPtr value) { return Field{nullptr, std::move(value)}; }
template <typename... Fs>
ExprPtr Rec(Fs... fields) {
  Struct record;
  (record.fields.push_back(std::move(fields)), ...);
  return Make(std::move(record));
}

EventTime Abs(int64_t usecs) { return {TimeKind::kAbsolute, usecs, 0}; }
EventTime Rel(int64_t usecs) { return {TimeKind::kRelative, usecs, 0}; }

TcpOption Opt(TcpOption::Kind kind, uint32_t value = 0) {
  TcpOption option;
  option.kind = kind;
  option.value = value;
  return option;
}
TcpOption Blob(TcpOption::Kind kind, std::string hex) {
  TcpOption option;
  option.kind = kind;
  option.hex = std::move(hex);
  return option;
}

PacketEvent Tcp(Direction direction, uint16_t flags, uint32_t start,
                uint32_t end) {
  TcpPacket tcp;
  tcp.flags.bits = flags;
  tcp.seq_start = start;
  tcp.seq_end = end;
  tcp.payload_len = end - start;
  PacketEvent packet;
  packet.direction = direction;
  packet.packet = tcp;
  return packet;
}
TcpPacket& TcpOf(PacketEvent& packet) {
  return std::get<TcpPacket>(packet.packet);
}

constexpr uint16_t kSyn = TcpFlags::kSyn, kAck = TcpFlags::kAck;

// --- Times ------------------------------------------------------------------

TEST(PrintEventTimeTest, ShortestExactDecimal) {
  EXPECT_EQ("0", PrintEventTime(Abs(0)));
  EXPECT_EQ("0.1", PrintEventTime(Abs(100000)));
  EXPECT_EQ("1.25", PrintEventTime(Abs(1250000)));
  EXPECT_EQ("0.000001", PrintEventTime(Abs(1)));
  EXPECT_EQ("134", PrintEventTime(Abs(134000000)));
  EXPECT_EQ("+0", PrintEventTime(Rel(0)));
  EXPECT_EQ("+0.005", PrintEventTime(Rel(5000)));
  EXPECT_EQ("*", PrintEventTime({TimeKind::kAny, 0, 0}));
  EXPECT_EQ("1~2", PrintEventTime({TimeKind::kRange, 1000000, 2000000}));
  EXPECT_EQ("+0.01~+0.015",
            PrintEventTime({TimeKind::kRelativeRange, 10000, 15000}));
}

// --- Expressions ------------------------------------------------------------

TEST(PrintExprTest, Scalars) {
  EXPECT_EQ("...", PrintExpr(*Any()));
  EXPECT_EQ("42", PrintExpr(*Int(42)));
  EXPECT_EQ("-1", PrintExpr(*Int(-1)));
  EXPECT_EQ("0x2", PrintExpr(*Hex(2)));
  EXPECT_EQ("0xffffffff", PrintExpr(*Hex(0xffffffff)));
  // A negative value has no hex spelling the lexer reads back.
  EXPECT_EQ("-5", PrintExpr(*Hex(-5)));
  EXPECT_EQ("SOCK_STREAM", PrintExpr(*Sym("SOCK_STREAM")));
  EXPECT_EQ("\"/tmp/testfile\"", PrintExpr(*Str("/tmp/testfile")));
  EXPECT_EQ("\"abc\"...", PrintExpr(*Str("abc", true)));
}

TEST(PrintExprTest, StringEscapesReadBackToTheSameBytes) {
  EXPECT_EQ(R"("say \"hi\"\\n")", PrintExpr(*Str("say \"hi\"\\n")));
  EXPECT_EQ(R"("a\nb\tc\rd")", PrintExpr(*Str("a\nb\tc\rd")));
  EXPECT_EQ(R"("\x00\x7f\xff")",
            PrintExpr(*Str(std::string("\x00\x7f\xff", 3))));
  // A hex digit after a \x escape is escaped too, so C would not fold it in.
  EXPECT_EQ(R"("\xf7\x63\xbf=")", PrintExpr(*Str("\xf7"
                                                 "c\xbf=")));
  EXPECT_EQ(R"("\x01g")", PrintExpr(*Str("\x01g")));
}

TEST(PrintExprTest, Compounds) {
  EXPECT_EQ("O_RDWR|O_NONBLOCK",
            PrintExpr(*Or(Sym("O_RDWR"), Sym("O_NONBLOCK"))));
  EXPECT_EQ("[1]", PrintExpr(*Arr(Int(1))));
  EXPECT_EQ("[]", PrintExpr(*Arr()));
  EXPECT_EQ("[5, 6]", PrintExpr(*Arr(Int(5), Int(6))));
  EXPECT_EQ("htons(8080)", PrintExpr(*Fn("htons", Int(8080))));
  EXPECT_EQ(
      "{sa_family=AF_INET, sin_port=htons(8080), "
      "sin_addr=inet_addr(\"192.0.2.1\")}",
      PrintExpr(*Rec(F("sa_family", Sym("AF_INET")),
                     F("sin_port", Fn("htons", Int(8080))),
                     F("sin_addr", Fn("inet_addr", Str("192.0.2.1"))))));
  EXPECT_EQ("{..., 1000}", PrintExpr(*Rec(F(Any()), F(Int(1000)))));
  EXPECT_EQ(
      "{msg_name(...)=..., msg_iov(1)=[{..., 0}], msg_flags=MSG_ERRQUEUE}",
      PrintExpr(*Rec(F(Fn("msg_name", Any()), Any()),
                     F(Fn("msg_iov", Int(1)), Arr(Rec(F(Any()), F(Int(0))))),
                     F("msg_flags", Sym("MSG_ERRQUEUE")))));
  EXPECT_EQ("[{fd=4, events=POLLIN|POLLOUT, revents=POLLOUT}]",
            PrintExpr(*Arr(Rec(F("fd", Int(4)),
                               F("events", Or(Sym("POLLIN"), Sym("POLLOUT"))),
                               F("revents", Sym("POLLOUT"))))));
}

// --- Packets ----------------------------------------------------------------

TEST(PrintPacketTest, InboundSynWithOptions) {
  PacketEvent packet = Tcp(Direction::kInbound, kSyn, 0, 0);
  TcpOf(packet).window = 32792;
  TcpOf(packet).options = std::vector<TcpOption>{
      Opt(TcpOption::Kind::kMss, 1000), Opt(TcpOption::Kind::kNop),
      Opt(TcpOption::Kind::kWscale, 7)};
  EXPECT_EQ("< S 0:0(0) win 32792 <mss 1000,nop,wscale 7>",
            PrintPacket(packet));
}

TEST(PrintPacketTest, OutboundSynAck) {
  PacketEvent packet = Tcp(Direction::kOutbound, kSyn | kAck, 0, 0);
  TcpOf(packet).ack = 1;
  TcpOf(packet).options = std::vector<TcpOption>{
      Opt(TcpOption::Kind::kMss, 1460), Opt(TcpOption::Kind::kNop),
      Opt(TcpOption::Kind::kWscale, 8)};
  EXPECT_EQ("> S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>", PrintPacket(packet));
}

TEST(PrintPacketTest, FlagLettersThenTheAckDot) {
  PacketEvent packet = Tcp(Direction::kOutbound, 0, 1, 1);
  EXPECT_EQ("> - 1:1(0)", PrintPacket(packet));
  TcpOf(packet).flags.bits = kAck;
  EXPECT_EQ("> . 1:1(0)", PrintPacket(packet));
  TcpOf(packet).flags.bits = TcpFlags::kSyn | TcpFlags::kEce | TcpFlags::kCwr;
  EXPECT_EQ("> SEW 1:1(0)", PrintPacket(packet));
  TcpOf(packet).flags.bits = TcpFlags::kFin | TcpFlags::kSyn | TcpFlags::kRst |
                             TcpFlags::kPsh | kAck | TcpFlags::kUrg |
                             TcpFlags::kEce | TcpFlags::kCwr | TcpFlags::kAe;
  EXPECT_EQ("> FSRPUEWA. 1:1(0)", PrintPacket(packet));
}

TEST(PrintPacketTest, AckWindowUrgentAndAnyOptions) {
  PacketEvent packet = Tcp(Direction::kInbound, TcpFlags::kUrg | kAck, 1, 101);
  TcpOf(packet).ack = 1;
  TcpOf(packet).window = 257;
  TcpOf(packet).urgent = 100;
  EXPECT_EQ("< U. 1:101(100) ack 1 win 257 urg 100", PrintPacket(packet));

  PacketEvent any = Tcp(Direction::kOutbound, kSyn, 0, 0);
  TcpOf(any).any_options = true;
  EXPECT_EQ("> S 0:0(0) <...>", PrintPacket(any));
}

TEST(PrintPacketTest, SketchIsItsFlagsAlone) {
  PacketEvent sketch = Tcp(Direction::kOutbound, kSyn | kAck, 0, 0);
  TcpOf(sketch).sketch = true;
  EXPECT_EQ("> S.", PrintPacket(sketch));
}

TEST(PrintPacketTest, EveryTcpOption) {
  TcpOption sack = Opt(TcpOption::Kind::kSack);
  sack.blocks = {{1001, 2001}, {3001, 4001}};
  TcpOption ts = Opt(TcpOption::Kind::kTimestamp, 100);
  ts.ecr = 7;
  std::vector<TcpOption> options = {
      Opt(TcpOption::Kind::kSackOk),
      std::move(sack),
      std::move(ts),
      Opt(TcpOption::Kind::kEol),
      Blob(TcpOption::Kind::kMd5, "000102030405060708090a0b0c0d0e0f"),
      Blob(TcpOption::Kind::kFastOpen, ""),
      Blob(TcpOption::Kind::kFastOpen, "abcd1234"),
      Blob(TcpOption::Kind::kFastOpenExp, "TFO_COOKIE"),
      Blob(TcpOption::Kind::kFastOpenExp, ""),
  };
  EXPECT_EQ(
      "<sackOK,sack 1001:2001 3001:4001,TS val 100 ecr 7,eol,"
      "md5 000102030405060708090a0b0c0d0e0f,FO,FO abcd1234,FOEXP TFO_COOKIE,"
      "FOEXP>",
      PrintTcpOptions(options));
}

TEST(PrintPacketTest, IpInfo) {
  PacketEvent packet =
      Tcp(Direction::kOutbound, TcpFlags::kPsh | kAck, 1, 1001);
  TcpOf(packet).ack = 1;
  packet.ip_info = IpInfo{Ecn::kEct0};
  EXPECT_EQ("> (ect0) P. 1:1001(1000) ack 1", PrintPacket(packet));
  packet.ip_info = IpInfo{Ecn::kEct1, std::nullopt, std::nullopt, std::nullopt,
                          /*square_brackets=*/true};
  EXPECT_EQ("> [ect1] P. 1:1001(1000) ack 1", PrintPacket(packet));
  packet.ip_info = IpInfo{std::nullopt, 0x10};
  EXPECT_EQ("> (tos 0x10) P. 1:1001(1000) ack 1", PrintPacket(packet));
  packet.ip_info = IpInfo{Ecn::kCe, std::nullopt, 0x1234};
  EXPECT_EQ("> (ce, flowlabel 0x1234) P. 1:1001(1000) ack 1",
            PrintPacket(packet));
  packet.ip_info = IpInfo{Ecn::kNoEcn, std::nullopt, std::nullopt, 64};
  EXPECT_EQ("> (noecn, ttl 64) P. 1:1001(1000) ack 1", PrintPacket(packet));
  packet.ip_info = IpInfo{Ecn::kEct01};
  EXPECT_EQ("> (ect01) P. 1:1001(1000) ack 1", PrintPacket(packet));
}

TEST(PrintPacketTest, PortsComeBeforeTheFlags) {
  PacketEvent packet = Tcp(Direction::kInbound, kSyn, 0, 0);
  packet.ports = PortInfo{5001, 8080};
  TcpOf(packet).window = 1000;
  EXPECT_EQ("< 5001>8080 S 0:0(0) win 1000", PrintPacket(packet));
}

TEST(PrintPacketTest, Udp) {
  PacketEvent packet;
  packet.direction = Direction::kInbound;
  packet.packet = UdpPacket{100};
  EXPECT_EQ("< udp (100)", PrintPacket(packet));
  packet.direction = Direction::kOutbound;
  packet.ports = PortInfo{5001, 8080};
  packet.ip_info = IpInfo{Ecn::kEct0};
  EXPECT_EQ("> (ect0) udp 5001>8080 (100)", PrintPacket(packet));
}

TEST(PrintPacketTest, Icmp) {
  PacketEvent packet;
  packet.direction = Direction::kInbound;
  IcmpPacket icmp{"unreachable", "frag_needed", 800};
  icmp.echoed = IcmpEchoed{IcmpEchoed::Kind::kTcpSeq, 0, 0, 1000, 1000};
  packet.packet = icmp;
  EXPECT_EQ("< icmp unreachable frag_needed mtu 800 [0:1000(1000)]",
            PrintPacket(packet));
  packet.packet = IcmpPacket{"unreachable", "", std::nullopt, std::nullopt,
                             IcmpEchoed{IcmpEchoed::Kind::kUdp, 8}};
  EXPECT_EQ("< icmp unreachable [udp (8)]", PrintPacket(packet));
  packet.packet = IcmpPacket{"echo_reply", "", std::nullopt, 7,
                             IcmpEchoed{IcmpEchoed::Kind::kRaw, 20}};
  EXPECT_EQ("< icmp echo_reply id 7 [raw (20)]", PrintPacket(packet));
  packet.packet = IcmpPacket{"packet_too_big", "", 1400};
  EXPECT_EQ("< icmp packet_too_big mtu 1400", PrintPacket(packet));
}

TEST(PrintPacketTest, Encapsulation) {
  PacketEvent packet = Tcp(Direction::kInbound, kSyn, 0, 0);
  TcpOf(packet).window = 1000;
  Encapsulation outer;
  outer.kind = Encapsulation::Kind::kIpv4;
  outer.src = "192.0.2.2";
  outer.dst = "192.168.0.1";
  outer.ip_info = IpInfo{Ecn::kEct0};
  Encapsulation gre;
  gre.kind = Encapsulation::Kind::kGre;
  packet.encapsulations = {outer, gre};
  EXPECT_EQ("< ipv4 (ect0) 192.0.2.2 > 192.168.0.1: gre: S 0:0(0) win 1000",
            PrintPacket(packet));
  Encapsulation v6;
  v6.kind = Encapsulation::Kind::kIpv6;
  v6.src = "2001:db8::1";
  v6.dst = "fd3d::1";
  Encapsulation mpls;
  mpls.kind = Encapsulation::Kind::kMpls;
  mpls.raw = "(label 123, tc 1, [S], ttl 255)";
  packet.encapsulations = {v6, mpls};
  EXPECT_EQ(
      "< ipv6 2001:db8::1 > fd3d::1: mpls (label 123, tc 1, [S], ttl 255): "
      "S 0:0(0) win 1000",
      PrintPacket(packet));
}

// --- Whole scripts ----------------------------------------------------------

Event At(EventTime time, decltype(Event::action) action) {
  Event event;
  event.time = time;
  event.action = std::move(action);
  return event;
}

SyscallEvent Syscall(std::string name, std::vector<ExprPtr> args,
                     ExprPtr result) {
  SyscallEvent call;
  call.name = std::move(name);
  call.args = std::move(args);
  call.result = std::move(result);
  return call;
}

TEST(PrintTest, WholeScript) {
  Script script;
  script.options.push_back(OptionLine{{}, "tolerance_usecs", "10000"});
  script.options.push_back(OptionLine{{}, "strict_segments", std::nullopt});
  script.init_command = CommandEvent{"../common/defaults.sh"};

  script.events.push_back(
      At(Abs(0),
         Syscall("socket", List(Any(), Sym("SOCK_STREAM"), Sym("IPPROTO_TCP")),
                 Int(3))));
  SyscallEvent connect =
      Syscall("connect", List(Int(3), Any(), Any()), Int(-1));
  connect.errno_name = "EINPROGRESS";
  connect.note = "Operation now in progress";
  script.events.push_back(At(Rel(0), std::move(connect)));
  SyscallEvent accept = Syscall("accept", List(Int(3), Any(), Any()), Int(4));
  accept.end_usecs = 200000;
  script.events.push_back(At(Rel(0), std::move(accept)));
  SyscallEvent fcntl = Syscall("fcntl", List(Int(3), Sym("F_GETFL")), Hex(2));
  fcntl.note = "flags O_RDWR";
  script.events.push_back(At(Rel(100000), std::move(fcntl)));
  PacketEvent synack = Tcp(Direction::kOutbound, kSyn | kAck, 0, 0);
  TcpOf(synack).ack = 1;
  TcpOf(synack).any_options = true;
  script.events.push_back(At({TimeKind::kAny, 0, 0}, std::move(synack)));
  script.events.push_back(
      At(Rel(0), CommandEvent{"sysctl -q net.ipv4.tcp_ecn=1"}));
  script.events.push_back(At(
      Abs(1250000), CodeEvent{" assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd "}));
  script.events.push_back(
      At({TimeKind::kRelativeRange, 10000, 15000},
         Tcp(Direction::kOutbound, TcpFlags::kFin | kAck, 1, 1)));
  script.cleanup_command = CommandEvent{"/tmp/sysctl_restore_${PPID}.sh"};

  EXPECT_EQ(
      "--tolerance_usecs=10000\n"
      "--strict_segments\n"
      "\n"
      "`../common/defaults.sh`\n"
      "\n"
      "     0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "    +0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in "
      "progress)\n"
      "    +0...0.2 accept(3, ..., ...) = 4\n"
      "  +0.1 fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)\n"
      "     * > S. 0:0(0) ack 1 <...>\n"
      "    +0 `sysctl -q net.ipv4.tcp_ecn=1`\n"
      "  1.25 %{ assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd }%\n"
      "+0.01~+0.015 > F. 1:1(0)\n"
      "\n"
      "`/tmp/sysctl_restore_${PPID}.sh`\n",
      Print(script));
}

TEST(PrintTest, EmptyScript) { EXPECT_EQ("", Print(Script{})); }

TEST(PrintTest, CommandsAndCodeAreVerbatim) {
  Script script;
  script.init_command = CommandEvent{"a\n b \\\n c"};
  script.events.push_back(At(Abs(0), CodeEvent{"\nx = 1\n# comment\n"}));
  EXPECT_EQ(
      "`a\n b \\\n c`\n"
      "\n"
      "     0 %{\nx = 1\n# comment\n}%\n",
      Print(script));
}

// --- Parsed lines -----------------------------------------------------------

// The canonical form of what the parser read.
std::string Canonical(const std::string& text) {
  ParseResult parsed = Parse(text);
  EXPECT_TRUE(parsed.ok()) << RenderAll(parsed.diagnostics, "input", text);
  return Print(parsed.script);
}

struct CanonicalCase {
  const char* input;
  const char* printed;
};

TEST(PrintTest, ParsedLinesPrintCanonically) {
  const CanonicalCase cases[] = {
      {"0.100 accept(3, ..., ...) = 4", "   0.1 accept(3, ..., ...) = 4\n"},
      {"+.1...0.400 accept(3, ..., ...) = 4",
       "  +0.1...0.4 accept(3, ..., ...) = 4\n"},
      {"+0 fcntl(3, F_GETFL) = 0x02 (flags O_RDWR)",
       "    +0 fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)\n"},
      {"+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)",
       "    +0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in "
       "progress)\n"},
      {"0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>",
       "     0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>\n"},
      {"+0 >  S. 0:0(0) ack 1 <mss 1460, nop,nop,sackOK , FOEXP TFO_COOKIE>",
       "    +0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,FOEXP TFO_COOKIE>\n"},
      {"+.095 < [noecn] E. 1:1(0) ack 1001 win 320",
       "+0.095 < [noecn] E. 1:1(0) ack 1001 win 320\n"},
      {"+.01~+.015 > F. 10001:10001(0) ack 1",
       "+0.01~+0.015 > F. 10001:10001(0) ack 1\n"},
      {"+0 < icmp unreachable frag_needed mtu 800 [0:1000(1000)]",
       "    +0 < icmp unreachable frag_needed mtu 800 [0:1000(1000)]\n"},
      {"+0 setsockopt(3, SOL_SOCKET, SO_TIMESTAMPING,\n"
       "      [SOF_TIMESTAMPING_TX_SCHED |\n"
       "       SOF_TIMESTAMPING_OPT_ID], 4) = 0",
       "    +0 setsockopt(3, SOL_SOCKET, SO_TIMESTAMPING, "
       "[SOF_TIMESTAMPING_TX_SCHED|SOF_TIMESTAMPING_OPT_ID], 4) = 0\n"},
      {"+1 recvmsg(4, {msg_name(...)=...,\n"
       "               msg_iov(1)=[{...,0}],\n"
       "               msg_flags=MSG_ERRQUEUE,\n"
       "               msg_control=[]}, MSG_ERRQUEUE) = -1 EAGAIN (x)",
       "    +1 recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 0}], "
       "msg_flags=MSG_ERRQUEUE, msg_control=[]}, MSG_ERRQUEUE) = -1 EAGAIN "
       "(x)\n"},
      {"+0 setsockopt(3, SOL_TCP, TCP_FASTOPEN_KEY, \"\\xf7\\x63ab\", 4) = 0",
       "    +0 setsockopt(3, SOL_TCP, TCP_FASTOPEN_KEY, "
       "\"\\xf7\\x63\\x61\\x62\", 4) = 0\n"},
      {"--tolerance_usecs=10000\n`echo hi`\n0 `true`\n`echo bye`\n",
       "--tolerance_usecs=10000\n\n`echo hi`\n\n     0 `true`\n\n"
       "`echo bye`\n"},
  };
  for (const CanonicalCase& c : cases) {
    EXPECT_EQ(c.printed, Canonical(c.input)) << c.input;
  }
}

// --- Comments ---------------------------------------------------------------

TEST(PrintCommentsTest, EveryPlaceInAHandBuiltTree) {
  Script script;
  OptionLine option;
  option.name = "tolerance_usecs";
  option.value = "10000";
  option.comments_before = {"// header", "", "// about the option"};
  option.trailing_comment = "// why";
  script.options.push_back(std::move(option));
  script.init_command = CommandEvent{"init"};
  script.init_comments_before = {"", "/* init */"};
  script.init_trailing_comment = "// init says";
  Event first = At(Abs(0), CommandEvent{"true"});
  first.comments_before = {"// first", ""};
  first.trailing_comment = "/* a */ // b";
  script.events.push_back(std::move(first));
  Event second = At(Rel(100000), CodeEvent{" pass "});
  second.comments_before = {""};
  script.events.push_back(std::move(second));
  Event third = At(Rel(0), CommandEvent{"false"});
  third.comments_before = {"", "/* two\n   lines */"};
  third.trailing_comment = "/* trailing\n   block */";
  script.events.push_back(std::move(third));
  script.cleanup_command = CommandEvent{"cleanup"};
  script.cleanup_comments_before = {"// cleanup"};
  script.cleanup_trailing_comment = "// cleanup says";
  script.comments_at_end = {"", "// the end"};
  EXPECT_EQ(
      "// header\n"
      "\n"
      "// about the option\n"
      "--tolerance_usecs=10000 // why\n"
      "\n"
      "/* init */\n"
      "`init` // init says\n"
      "\n"
      "// first\n"
      "\n"
      "     0 `true` /* a */ // b\n"
      "\n"
      "  +0.1 %{ pass }%\n"
      "\n"
      "/* two\n"
      "   lines */\n"
      "    +0 `false` /* trailing\n"
      "   block */\n"
      "\n"
      "// cleanup\n"
      "`cleanup` // cleanup says\n"
      "\n"
      "// the end\n",
      Print(script));
}

TEST(PrintCommentsTest, NoBlankLineFirstOrTwice) {
  Script script;
  script.comments_at_end = {"", "// a", "", "", "// b"};
  EXPECT_EQ("// a\n\n// b\n", Print(script));
  Event event = At(Abs(0), CommandEvent{"true"});
  event.comments_before = {"", ""};
  script.events.push_back(std::move(event));
  script.comments_at_end = {"// end"};
  EXPECT_EQ("     0 `true`\n// end\n", Print(script));
}

TEST(PrintCommentsTest, ParsedCommentsStayInPlace) {
  const CanonicalCase cases[] = {
      // A header, an option with its reason, the init command.
      {"// Passive open.\n"
       "//   second line\n"
       "\n"
       "--tolerance_usecs=10000   // slow machines\n"
       "`init.sh`\n"
       "0 close(3) = 0\n",
       "// Passive open.\n"
       "//   second line\n"
       "\n"
       "--tolerance_usecs=10000 // slow machines\n"
       "\n"
       "`init.sh`\n"
       "\n"
       "     0 close(3) = 0\n"},
      // Groups of events keep their blank lines (runs become one) and the
      // comments that head them; event lines are canonical.
      {"0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
       "+0  listen(3, 1) = 0  // backlog 1\n"
       "\n"
       "\n"
       "// The handshake.\n"
       "+.1 < S 0:0(0) win 1000\n"
       "   // indented comment\n"
       "+0  > S. 0:0(0) ack 1 <...>\n"
       "\n"
       "+0  accept(3, ..., ...) = 4\n",
       "     0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
       "    +0 listen(3, 1) = 0 // backlog 1\n"
       "\n"
       "// The handshake.\n"
       "  +0.1 < S 0:0(0) win 1000\n"
       "// indented comment\n"
       "    +0 > S. 0:0(0) ack 1 <...>\n"
       "\n"
       "    +0 accept(3, ..., ...) = 4\n"},
      // A multi-line call becomes one line; the comments inside it go
      // before it, the one after it stays after it.
      {"+0 setsockopt(3, SOL_SOCKET, SO_LINGER, // linger:\n"
       "               {onoff=1, /* on */ linger=0}, 8) = 0 // RST\n",
       "// linger:\n"
       "/* on */\n"
       "    +0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) "
       "= 0 // RST\n"},
      // Block comments are verbatim, on their own line or trailing.
      {"/* A block\n"
       " * comment. */\n"
       "0 close(3) = 0 /* spans\n"
       "  lines */\n"
       "/**/ +0 close(4) = 0\n",
       "/* A block\n"
       " * comment. */\n"
       "     0 close(3) = 0 /* spans\n"
       "  lines */\n"
       "/**/\n"
       "    +0 close(4) = 0\n"},
      // Before and after the cleanup command, and at the end of the file.
      {"0 close(3) = 0\n"
       "// cleanup follows\n"
       "`cleanup.sh` // restore\n"
       "\n"
       "\n"
       "// the end\n"
       "\n",
       "     0 close(3) = 0\n"
       "\n"
       "// cleanup follows\n"
       "`cleanup.sh` // restore\n"
       "\n"
       "// the end\n"},
      // Comments only.
      {"// nothing\n// here\n", "// nothing\n// here\n"},
  };
  for (const CanonicalCase& c : cases) {
    std::string printed = Canonical(c.input);
    EXPECT_EQ(c.printed, printed) << c.input;
    EXPECT_EQ(printed, Canonical(printed)) << "not a fixed point:\n"
                                           << printed;
  }
}

}  // namespace
}  // namespace synack::grammar
