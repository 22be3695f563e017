// Tests for the checking pass: golden diagnostics for scripts that parse but
// mean something wrong, `-D` resolution, the name tables, and the corpus
// checking clean with the defines packetdrill's runner passes.
#include "grammar/checker.h"

#include <errno.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "grammar/parser.h"

namespace synack::grammar {
namespace {

// The defines packetdrill's run_all.py passes for its ipv4 and ipv4-mapped
// runs, and for ipv6.
const Defines kIpv4Defines = {{"TFO_COOKIE", "de4f234f0f433a55"},
                              {"CMSG_LEVEL_IP", "SOL_IP"},
                              {"CMSG_TYPE_RECVERR", "IP_RECVERR"}};
const Defines kIpv6Defines = {{"TFO_COOKIE", "6aa6ae70c288023b"},
                              {"CMSG_LEVEL_IP", "SOL_IPV6"},
                              {"CMSG_TYPE_RECVERR", "IPV6_RECVERR"}};

// Parses `text` (which must parse) and checks it.
std::vector<Diagnostic> CheckText(const std::string& text, Script* script,
                                  const Defines& defines = {}) {
  ParseResult parsed = Parse(text);
  EXPECT_TRUE(parsed.ok()) << RenderAll(parsed.diagnostics, "test.pkt", text);
  *script = std::move(parsed.script);
  return Check(*script, CheckOptions{defines});
}

std::string CheckAndRender(const std::string& text,
                           const Defines& defines = {}) {
  Script script;
  return RenderAll(CheckText(text, &script, defines), "test.pkt", text);
}

// --- Golden diagnostics -----------------------------------------------------

struct BadScript {
  const char* name;
  const char* text;
  const char* diagnostics;
  Defines defines = {};
};

const BadScript kBadScripts[] = {
    {"UnknownSymbol", "0 socket(..., SOCK_STREEM, IPPROTO_TCP) = 3\n",
     "test.pkt:1:15: error: unknown symbol 'SOCK_STREEM'\n"
     "  0 socket(..., SOCK_STREEM, IPPROTO_TCP) = 3\n"
     "                ^\n"
     "  hint: did you mean 'SOCK_STREAM'?\n"},
    {"UnknownSymbolFarFromAnyName",
     "0 setsockopt(3, SOL_TCP, MY_OPTION, [1], 4) = 0\n",
     "test.pkt:1:26: error: unknown symbol 'MY_OPTION'\n"
     "  0 setsockopt(3, SOL_TCP, MY_OPTION, [1], 4) = 0\n"
     "                           ^\n"
     "  hint: a constant from the system headers, or define it with -D "
     "MY_OPTION=<value>\n"},
    {"UnknownSystemCall", "0 sockett(..., SOCK_STREAM, IPPROTO_TCP) = 3\n",
     "test.pkt:1:3: error: unknown system call 'sockett'\n"
     "  0 sockett(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
     "    ^\n"
     "  hint: did you mean 'socket'?\n"},
    {"ArgumentCount",
     "0 socket(..., SOCK_STREAM) = 3\n"
     "+0 fcntl(3) = 0\n",
     "test.pkt:1:3: error: socket() takes 3 arguments, found 2\n"
     "  0 socket(..., SOCK_STREAM) = 3\n"
     "    ^\n"
     "test.pkt:2:4: error: fcntl() takes 2 or 3 arguments, found 1\n"
     "  +0 fcntl(3) = 0\n"
     "     ^\n"},
    {"UnknownOption",
     "--tolerance_usec=10000\n"
     "0 close(3) = 0\n",
     "test.pkt:1:1: error: unknown option '--tolerance_usec'\n"
     "  --tolerance_usec=10000\n"
     "  ^\n"
     "  hint: did you mean '--tolerance_usecs'?\n"},
    {"OptionValues",
     "--ip_version=ipv5\n"
     "--mtu=big\n"
     "--local_ip=10.0.0.300\n"
     "--bind_port=70000\n"
     "--strict_segments=1\n"
     "--mss\n"
     "0 close(3) = 0\n",
     "test.pkt:1:14: error: option '--ip_version' must be ipv4, ipv6 or "
     "ipv4-mapped-ipv6, found 'ipv5'\n"
     "  --ip_version=ipv5\n"
     "               ^\n"
     "  hint: did you mean 'ipv4'?\n"
     "test.pkt:2:7: error: option '--mtu' needs an integer, found 'big'\n"
     "  --mtu=big\n"
     "        ^\n"
     "test.pkt:3:12: error: option '--local_ip' needs an IPv4 or IPv6 "
     "address, found '10.0.0.300'\n"
     "  --local_ip=10.0.0.300\n"
     "             ^\n"
     "test.pkt:4:13: error: option '--bind_port' must be between 1 and 65535, "
     "found '70000'\n"
     "  --bind_port=70000\n"
     "              ^\n"
     "test.pkt:5:1: error: option '--strict_segments' takes no value\n"
     "  --strict_segments=1\n"
     "  ^\n"
     "test.pkt:6:1: error: option '--mss' needs a value\n"
     "  --mss\n"
     "  ^\n"
     "  hint: write '--mss=<value>'\n"},
    {"AnyTimeOnInboundPacket",
     "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
     "* < S 0:0(0) win 1000\n",
     "test.pkt:2:1: error: an inbound packet needs a time, not '*'\n"
     "  * < S 0:0(0) win 1000\n"
     "  ^\n"
     "  hint: synack injects it, so it must know when\n"},
    {"AnyTimeOnSystemCall", "* close(3) = 0\n",
     "test.pkt:1:1: error: '*' can only time an outbound packet\n"
     "  * close(3) = 0\n"
     "  ^\n"},
    {"TimeRangeOnInboundPacket", "0.1~0.2 < S 0:0(0) win 1000\n",
     "test.pkt:1:1: error: an inbound packet cannot have a time range\n"
     "  0.1~0.2 < S 0:0(0) win 1000\n"
     "  ^\n"
     "  hint: synack injects it at one moment: give one time\n"},
    {"TimeGoesBackwards",
     "1 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
     "+0.5 listen(3, 1) = 0\n"
     "1.2 close(3) = 0\n",
     "test.pkt:3:1: error: time 1.2 is before the previous event's time 1.5\n"
     "  1.2 close(3) = 0\n"
     "  ^\n"
     "  hint: absolute times must not go backwards; '+' makes a time "
     "relative\n"},
    {"BlockingCallEndsBeforeItStarts", "0.2...0.1 accept(3, ..., ...) = 4\n",
     "test.pkt:1:1: error: blocking call ends (0.1) before it starts (0.2)\n"
     "  0.2...0.1 accept(3, ..., ...) = 4\n"
     "  ^\n"},
    {"Errno",
     "0 connect(3, ..., ...) = -1 EINPROGRES (Operation now in progress)\n"
     "+0 read(3, ..., 10) = 0 EAGAIN (Resource temporarily unavailable)\n",
     "test.pkt:1:26: error: unknown errno 'EINPROGRES'\n"
     "  0 connect(3, ..., ...) = -1 EINPROGRES (Operation now in progress)\n"
     "                           ^\n"
     "  hint: did you mean 'EINPROGRESS'?\n"
     "test.pkt:2:23: error: a call that fails with EAGAIN returns -1, not 0\n"
     "  +0 read(3, ..., 10) = 0 EAGAIN (Resource temporarily unavailable)\n"
     "                        ^\n"},
    {"Sockaddr",
     "0 bind(3, {sa_family=AF_INET, sin_prot=htons(8080), "
     "sin_addr=inet_addr(\"192.0.2.300\")}, 16) = 0\n",
     "test.pkt:1:11: error: sockaddr needs 'sin_port' or 'sin6_port'\n"
     "  0 bind(3, {sa_family=AF_INET, sin_prot=htons(8080), "
     "sin_addr=inet_addr(\"192.0.2.300\")}, 16) = 0\n"
     "            ^\n"
     "test.pkt:1:31: error: 'sin_prot' is not a field of sockaddr\n"
     "  0 bind(3, {sa_family=AF_INET, sin_prot=htons(8080), "
     "sin_addr=inet_addr(\"192.0.2.300\")}, 16) = 0\n"
     "                                ^\n"
     "  hint: did you mean 'sin_port'?\n"
     "test.pkt:1:72: error: '192.0.2.300' is not an IPv4 address\n"
     "  0 bind(3, {sa_family=AF_INET, sin_prot=htons(8080), "
     "sin_addr=inet_addr(\"192.0.2.300\")}, 16) = 0\n"
     "                                                                       "
     "  ^\n"},
    {"Pollfd", "0 poll([{fd=3}], 2, 0) = 0\n",
     "test.pkt:1:9: error: pollfd needs 'events'\n"
     "  0 poll([{fd=3}], 2, 0) = 0\n"
     "          ^\n"
     "test.pkt:1:18: error: nfds 2 does not match the 1 pollfd in the array\n"
     "  0 poll([{fd=3}], 2, 0) = 0\n"
     "                   ^\n"},
    {"EpollEvent",
     "0 epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLIN, fd=4, u64=1}) = 0\n"
     "+0 epoll_wait(5, {fd=4}, 1, 0) = 1\n",
     "test.pkt:1:34: error: epoll_event takes only one of 'fd', 'ptr', 'u32' "
     "or 'u64'\n"
     "  0 epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLIN, fd=4, u64=1}) = 0\n"
     "                                   ^\n"
     "test.pkt:2:18: error: epoll_event needs 'events'\n"
     "  +0 epoll_wait(5, {fd=4}, 1, 0) = 1\n"
     "                   ^\n"},
    {"Linger", "0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1}, 8) = 0\n",
     "test.pkt:1:40: error: linger needs 'linger'\n"
     "  0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1}, 8) = 0\n"
     "                                         ^\n"},
    {"MsghdrAndIovec",
     "0 sendmsg(4, {msg_name(...)=..., msg_iov(2)=[{..., 10, 3}], "
     "msg_flags=0}, 0) = 10\n"
     "+0 writev(4, [{..., 10}], 2) = 10\n",
     "test.pkt:1:34: error: msg_iov(2) holds 1 iovec\n"
     "  0 sendmsg(4, {msg_name(...)=..., msg_iov(2)=[{..., 10, 3}], "
     "msg_flags=0}, 0) = 10\n"
     "                                   ^\n"
     "test.pkt:1:46: error: an iovec is {buffer, length}, found 3 fields\n"
     "  0 sendmsg(4, {msg_name(...)=..., msg_iov(2)=[{..., 10, 3}], "
     "msg_flags=0}, 0) = 10\n"
     "                                               ^\n"
     "test.pkt:2:27: error: iovcnt 2 does not match the 1 iovec in the "
     "array\n"
     "  +0 writev(4, [{..., 10}], 2) = 10\n"
     "                            ^\n"},
    {"AnyOptionsOnInboundPacket", "0 < S 0:0(0) win 1000 <...>\n",
     "test.pkt:1:1: error: '<...>' is only allowed on an outbound packet\n"
     "  0 < S 0:0(0) win 1000 <...>\n"
     "  ^\n"
     "  hint: an injected packet needs its options spelled out\n"},
    {"FastOpenCookies",
     "0 < S 0:10(10) win 1000 <mss 1460,FOEXP TFO_COOKIE,FO abc>\n",
     "test.pkt:1:35: error: unknown symbol 'TFO_COOKIE'\n"
     "  0 < S 0:10(10) win 1000 <mss 1460,FOEXP TFO_COOKIE,FO abc>\n"
     "                                    ^\n"
     "  hint: define it: -D TFO_COOKIE=<hex bytes>\n"
     "test.pkt:1:52: error: Fast Open cookie 'abc' has an odd number of hex "
     "digits\n"
     "  0 < S 0:10(10) win 1000 <mss 1460,FOEXP TFO_COOKIE,FO abc>\n"
     "                                                     ^\n"},
    {"DefineNamesAnUnknownSymbol",
     "0 recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 0}], "
     "msg_flags=MSG_ERRQUEUE, msg_control=[{cmsg_level=CMSG_LEVEL_IP, "
     "cmsg_type=CMSG_TYPE_RECVERR, cmsg_data={ee_errno=0, ee_origin=0, "
     "ee_type=0, ee_code=0, ee_info=0}}]}, MSG_ERRQUEUE) = 0\n",
     "test.pkt:1:106: error: -D CMSG_LEVEL_IP=SOL_IPX: unknown symbol "
     "'SOL_IPX'\n"
     "  0 recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 0}], "
     "msg_flags=MSG_ERRQUEUE, msg_control=[{cmsg_level=CMSG_LEVEL_IP, "
     "cmsg_type=CMSG_TYPE_RECVERR, cmsg_data={ee_errno=0, ee_origin=0, "
     "ee_type=0, ee_code=0, ee_info=0}}]}, MSG_ERRQUEUE) = 0\n"
     "                                                                       "
     "                                    ^\n"
     "  hint: did you mean 'SOL_IP'?\n"
     "test.pkt:1:160: error: sock_extended_err needs 'ee_data'\n"
     "  0 recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 0}], "
     "msg_flags=MSG_ERRQUEUE, msg_control=[{cmsg_level=CMSG_LEVEL_IP, "
     "cmsg_type=CMSG_TYPE_RECVERR, cmsg_data={ee_errno=0, ee_origin=0, "
     "ee_type=0, ee_code=0, ee_info=0}}]}, MSG_ERRQUEUE) = 0\n"
     "                                                                       "
     "                                                                       "
     "                   ^\n",
     {{"CMSG_LEVEL_IP", "SOL_IPX"}, {"CMSG_TYPE_RECVERR", "IP_RECVERR"}}},
    {"WindowScaleAbove14", "0 < S 0:0(0) win 1000 <mss 1460,wscale 15>\n",
     "test.pkt:1:33: warning: wscale 15 is above 14, the largest shift RFC "
     "7323 allows\n"
     "  0 < S 0:0(0) win 1000 <mss 1460,wscale 15>\n"
     "                                  ^\n"},
    {"TcpOptionsOverflowTheHeader",
     "0 < S 0:0(0) win 1000 <mss 1460,sackOK,TS val 1 ecr 0,wscale 7,"
     "md5 000102030405060708090a0b0c0d0e0f,FO 0123456789abcdef>\n",
     "test.pkt:1:24: error: TCP options take 47 bytes, more than the 40 a TCP "
     "header holds\n"
     "  0 < S 0:0(0) win 1000 <mss 1460,sackOK,TS val 1 ecr 0,wscale 7,"
     "md5 000102030405060708090a0b0c0d0e0f,FO 0123456789abcdef>\n"
     "                         ^\n"},
    {"Functions",
     "0 connect(3, {sa_family=AF_INET, sin_port=htonl(8080), "
     "sin_addr=inet_addr(\"192.0.2.1\")}, 16) = 0\n"
     "+0 connect(3, {sa_family=AF_INET, sin_port=htons(70000), "
     "sin_addr=inet_addr(\"192.0.2.1\")}, 16) = 0\n",
     "test.pkt:1:43: error: unknown function 'htonl'\n"
     "  0 connect(3, {sa_family=AF_INET, sin_port=htonl(8080), "
     "sin_addr=inet_addr(\"192.0.2.1\")}, 16) = 0\n"
     "                                            ^\n"
     "  hint: did you mean 'htons'?\n"
     "test.pkt:2:50: error: htons() of 70000 does not fit in 16 bits\n"
     "  +0 connect(3, {sa_family=AF_INET, sin_port=htons(70000), "
     "sin_addr=inet_addr(\"192.0.2.1\")}, 16) = 0\n"
     "                                                   ^\n"},
    {"Sketch",
     "0 < S\n+0 > S.\n",
     "test.pkt:1:1: error: an injected packet needs its sequence numbers\n"
     "  0 < S\n"
     "  ^\n"
     "  hint: a segment is written start:end(length), e.g. 1:1001(1000)\n"
     "test.pkt:2:1: error: a sketched packet: flags alone, no sequence "
     "numbers\n"
     "  +0 > S.\n"
     "  ^\n"
     "  hint: `synack run --update` fills it in with what the stack sends\n"},
    {"Icmp",
     "0 < icmp unreachabel\n"
     "+0 < icmp unreachable port_unreachable mtu 1400\n",
     "test.pkt:1:1: error: unknown ICMP type 'unreachabel'\n"
     "  0 < icmp unreachabel\n"
     "  ^\n"
     "  hint: did you mean 'unreachable'?\n"
     "test.pkt:2:1: error: 'mtu' belongs only to 'unreachable frag_needed' "
     "and 'packet_too_big'\n"
     "  +0 < icmp unreachable port_unreachable mtu 1400\n"
     "  ^\n"},
};

class BadScriptTest : public testing::TestWithParam<BadScript> {};

TEST_P(BadScriptTest, Diagnostics) {
  const BadScript& bad = GetParam();
  EXPECT_EQ(bad.diagnostics, CheckAndRender(bad.text, bad.defines));
}

INSTANTIATE_TEST_SUITE_P(
    Checker, BadScriptTest, testing::ValuesIn(kBadScripts),
    [](const testing::TestParamInfo<BadScript>& param_info) {
      return std::string(param_info.param.name);
    });

TEST(CheckTest, ReportsEveryProblemNotOnlyTheFirst) {
  const std::string text =
      "0 socket(..., SOCK_STREEM, IPPROTO_TCP) = 3\n"
      "+0 lisen(3, 1) = 0\n"
      "* < S 0:0(0) win 1000\n";
  Script script;
  std::vector<Diagnostic> diagnostics = CheckText(text, &script);
  ASSERT_EQ(3u, diagnostics.size()) << RenderAll(diagnostics, "t", text);
  EXPECT_EQ("unknown symbol 'SOCK_STREEM'", diagnostics[0].message);
  EXPECT_EQ((Location{1, 15}), diagnostics[0].loc);
  EXPECT_EQ("unknown system call 'lisen'", diagnostics[1].message);
  EXPECT_EQ("did you mean 'listen'?", diagnostics[1].hint);
  EXPECT_EQ((Location{2, 4}), diagnostics[1].loc);
  EXPECT_EQ("an inbound packet needs a time, not '*'", diagnostics[2].message);
  EXPECT_EQ((Location{3, 1}), diagnostics[2].loc);
  EXPECT_TRUE(HasErrors(diagnostics));
}

TEST(CheckTest, CleanScriptHasNoDiagnostics) {
  const std::string text =
      "--tolerance_usecs=10000\n"
      "--remote_ip=192.0.2.1/24\n"
      "`true`\n"
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0\n"
      "+0 bind(3, {sa_family=AF_INET, sin_port=htons(8080), "
      "sin_addr=inet_addr(\"192.168.0.1\")}, 16) = 0\n"
      "+0 listen(3, 1) = 0\n"
      "+0...0.1 accept(3, ..., ...) = 4\n"
      "+0 < S 0:0(0) win 1000 <mss 1000,FOEXP TFO_COOKIE>\n"
      "* > S. 0:0(0) ack 1 <...>\n"
      "+0.05~+0.1 > . 1:1(0) ack 1\n"
      "+0 poll([{fd=4, events=POLLIN, revents=0}], 1, 0) = 0\n"
      "+0 epoll_wait(5, {events=0, ptr=0}, 1, 0) = 0\n"
      "+0 read(4, ..., 10) = -1 EAGAIN (Resource temporarily unavailable)\n"
      "+0 recv(4, NULL, 1000, 0) = -1 EFAULT (Bad address)\n";
  EXPECT_EQ("", CheckAndRender(text, kIpv4Defines));
}

// --- -D resolution ----------------------------------------------------------

TEST(CheckTest, DefinesBecomeTheirValues) {
  const std::string text =
      "0 setsockopt(3, LEVEL, NAME, [COUNT], SIZE) = 0\n"
      "+0 write(3, TEXT, 3) = 3\n"
      "+0 < S 0:0(0) win 1000 <FO TFO_COOKIE>\n"
      "+0 < icmp unreachable CODE\n";
  const Defines defines = {{"LEVEL", "SOL_TCP"},
                           {"NAME", "0x1f"},
                           {"COUNT", "-2"},
                           {"SIZE", "4"},
                           {"TEXT", "\"abc\""},
                           {"TFO_COOKIE", "abcd1234"},
                           {"CODE", "port_unreachable"}};
  Script script;
  std::vector<Diagnostic> diagnostics = CheckText(text, &script, defines);
  EXPECT_EQ("", RenderAll(diagnostics, "test.pkt", text));

  const auto& setsockopt = std::get<SyscallEvent>(script.events[0].action);
  EXPECT_EQ("SOL_TCP", std::get<Symbol>(setsockopt.args[1]->node).name);
  const auto& name = std::get<Integer>(setsockopt.args[2]->node);
  EXPECT_EQ(31, name.value);
  EXPECT_TRUE(name.hex);
  const auto& array = std::get<Array>(setsockopt.args[3]->node);
  EXPECT_EQ(-2, std::get<Integer>(array.elements[0]->node).value);
  EXPECT_FALSE(std::get<Integer>(array.elements[0]->node).hex);
  EXPECT_EQ(4, std::get<Integer>(setsockopt.args[4]->node).value);
  // The location stays the symbol's, for later messages.
  EXPECT_EQ((Location{1, 17}), setsockopt.args[1]->loc);

  const auto& write = std::get<SyscallEvent>(script.events[1].action);
  EXPECT_EQ("abc", std::get<String>(write.args[1]->node).value);

  const auto& syn = std::get<PacketEvent>(script.events[2].action);
  EXPECT_EQ("abcd1234", (*std::get<TcpPacket>(syn.packet).options)[0].hex);

  const auto& icmp = std::get<PacketEvent>(script.events[3].action);
  EXPECT_EQ("port_unreachable", std::get<IcmpPacket>(icmp.packet).code);
}

TEST(CheckTest, KeysAreNotDefines) {
  // A define named like a field changes values only, never field names.
  const std::string text =
      "0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=onoff, linger=0}, 8) = "
      "0\n";
  Script script;
  std::vector<Diagnostic> diagnostics =
      CheckText(text, &script, {{"onoff", "1"}});
  EXPECT_EQ("", RenderAll(diagnostics, "test.pkt", text));
  const auto& call = std::get<SyscallEvent>(script.events[0].action);
  const auto& linger = std::get<Struct>(call.args[3]->node);
  EXPECT_EQ("onoff", std::get<Symbol>(linger.fields[0].key->node).name);
  EXPECT_EQ(1, std::get<Integer>(linger.fields[0].value->node).value);
}

// --- What the parser rejects, on hand-built trees ----------------------------

TEST(CheckTest, SegmentAndFieldRangesOnBuiltTrees) {
  Script script;
  Event event;
  event.loc = {4, 3};
  PacketEvent packet;
  TcpPacket tcp;
  tcp.seq_start = 100;
  tcp.seq_end = 50;
  tcp.window = 70000;
  TcpOption mss;
  mss.kind = TcpOption::Kind::kMss;
  mss.value = 65536;
  mss.loc = {4, 30};
  tcp.options = std::vector<TcpOption>{mss};
  packet.packet = tcp;
  event.action = packet;
  script.events.push_back(std::move(event));

  Event mismatch;
  mismatch.loc = {5, 1};
  mismatch.time = {TimeKind::kRelativeRange, 200000, 100000};
  PacketEvent outbound;
  outbound.direction = Direction::kOutbound;
  TcpPacket data;
  data.seq_start = 1;
  data.seq_end = 1001;
  data.payload_len = 10;
  outbound.packet = data;
  mismatch.action = outbound;
  script.events.push_back(std::move(mismatch));

  // A range that wraps around 2^32 to exactly its length is fine.
  Event wrap;
  wrap.loc = {6, 1};
  wrap.time = {TimeKind::kRelative, 0, 0};
  PacketEvent wrapped;
  wrapped.direction = Direction::kOutbound;
  TcpPacket across;
  across.seq_start = 4294967000u;
  across.seq_end = 704;
  across.payload_len = 1000;
  wrapped.packet = across;
  wrap.action = wrapped;
  script.events.push_back(std::move(wrap));

  std::vector<Diagnostic> diagnostics = Check(script, {});
  ASSERT_EQ(5u, diagnostics.size());
  EXPECT_EQ("sequence range 100:50 ends before it starts",
            diagnostics[0].message);
  EXPECT_EQ((Location{4, 3}), diagnostics[0].loc);
  EXPECT_EQ("window 70000 does not fit in 16 bits", diagnostics[1].message);
  EXPECT_EQ("mss 65536 does not fit in 16 bits", diagnostics[2].message);
  EXPECT_EQ((Location{4, 30}), diagnostics[2].loc);
  EXPECT_EQ("time range +0.2~+0.1 ends before it starts",
            diagnostics[3].message);
  EXPECT_EQ(
      "sequence range 1:1001 holds 1000 bytes, but the payload length is 10",
      diagnostics[4].message);
  EXPECT_EQ((Location{5, 1}), diagnostics[4].loc);
}

// --- Name tables ------------------------------------------------------------

TEST(LookupTest, ConstantsHaveTheHeadersValues) {
  EXPECT_EQ(SOCK_STREAM, LookupConstant("SOCK_STREAM"));
  EXPECT_EQ(SOL_SOCKET, LookupConstant("SOL_SOCKET"));
  EXPECT_EQ(MSG_DONTWAIT, LookupConstant("MSG_DONTWAIT"));
  // Linux values, defined by hand where headers lag behind.
  EXPECT_EQ(30, LookupConstant("TCP_FASTOPEN_CONNECT"));
  EXPECT_EQ(36, LookupConstant("TCP_INQ"));
  EXPECT_EQ(36, LookupConstant("TCP_CM_INQ"));
  EXPECT_EQ(60, LookupConstant("SO_ZEROCOPY"));
  EXPECT_EQ(0x4000000, LookupConstant("MSG_ZEROCOPY"));
  EXPECT_EQ(32, LookupConstant("TCPI_OPT_SYN_DATA"));
  EXPECT_EQ(0x541B, LookupConstant("SIOCINQ"));
  EXPECT_EQ(int64_t{1} << 31, LookupConstant("EPOLLET"));
  EXPECT_EQ(1, LookupConstant("SO_EE_CODE_ZEROCOPY_COPIED"));
  EXPECT_EQ(0, LookupConstant("NULL"));
  // Errno names are values too: `ee_errno=ENOMSG`.
  EXPECT_EQ(ENOMSG, LookupConstant("ENOMSG"));
  EXPECT_EQ(std::nullopt, LookupConstant("TFO_COOKIE"));
  EXPECT_EQ(std::nullopt, LookupConstant("sock_stream"));
}

TEST(LookupTest, Errnos) {
  EXPECT_EQ(EINPROGRESS, LookupErrno("EINPROGRESS"));
  EXPECT_EQ(EAGAIN, LookupErrno("EWOULDBLOCK"));
  EXPECT_EQ(ETIMEDOUT, LookupErrno("ETIMEDOUT"));
  EXPECT_EQ(EHWPOISON, LookupErrno("EHWPOISON"));
  EXPECT_EQ(std::nullopt, LookupErrno("EFOO"));
  EXPECT_EQ(std::nullopt, LookupErrno("SOCK_STREAM"));
}

TEST(LookupTest, Syscalls) {
  const SyscallInfo* socket = LookupSyscall("socket");
  ASSERT_NE(nullptr, socket);
  EXPECT_EQ(3, socket->min_args);
  EXPECT_EQ(3, socket->max_args);
  const SyscallInfo* fcntl = LookupSyscall("fcntl");
  ASSERT_NE(nullptr, fcntl);
  EXPECT_EQ(2, fcntl->min_args);
  EXPECT_EQ(3, fcntl->max_args);
  ASSERT_NE(nullptr, LookupSyscall("recvfrom"));
  EXPECT_EQ(6, LookupSyscall("recvfrom")->min_args);
  EXPECT_EQ(nullptr, LookupSyscall("sockett"));
}

TEST(LookupTest, Options) {
  for (const char* name : {"ip_version",
                           "local_ip",
                           "remote_ip",
                           "gateway_ip",
                           "netmask_ip",
                           "mtu",
                           "mss",
                           "bind_port",
                           "connect_port",
                           "tolerance_usecs",
                           "tolerance_percent",
                           "tcp_ts_tick_usecs",
                           "tcp_ts_ecr_scaled",
                           "strict_segments",
                           "speed",
                           "init_scripts",
                           "wire_server",
                           "non_fatal",
                           "dry_run",
                           "send_omit_free",
                           "so_filename",
                           "verbose"}) {
    EXPECT_TRUE(IsKnownOption(name)) << name;
  }
  EXPECT_FALSE(IsKnownOption("tolerance_usec"));
  EXPECT_FALSE(IsKnownOption("--mss"));
}

// --- The corpus -------------------------------------------------------------

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every corpus script checks without errors under the defines the runner
// passes. The only warnings are the two scripts that name an ICMP code by a
// symbol (`CODE`) that run_all.py never defines.
TEST(CheckTest, CorpusChecksClean) {
  const std::filesystem::path root = std::filesystem::path(SYNACK_SOURCE_DIR) /
                                     ".." / "shared" / "corpus" /
                                     "packetdrill" / "tcp";
  if (!std::filesystem::is_directory(root)) {
    GTEST_SKIP() << "no corpus at " << root;
  }
  int scripts = 0;
  for (const Defines& defines : {kIpv4Defines, kIpv6Defines}) {
    std::string warnings;
    scripts = 0;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(root)) {
      if (entry.path().extension() != ".pkt") continue;
      ++scripts;
      const std::string name =
          std::filesystem::relative(entry.path(), root).string();
      const std::string text = ReadFile(entry.path());
      ParseResult parsed = Parse(text);
      ASSERT_TRUE(parsed.ok()) << RenderAll(parsed.diagnostics, name, text);
      std::vector<Diagnostic> diagnostics =
          Check(parsed.script, CheckOptions{defines});
      EXPECT_FALSE(HasErrors(diagnostics))
          << RenderAll(diagnostics, name, text);
      for (const Diagnostic& diagnostic : diagnostics) {
        if (diagnostic.severity == Severity::kWarning) {
          warnings += name + ": " + diagnostic.message + "\n";
        }
      }
    }
    // Directory order is unspecified: compare as a sorted list.
    std::vector<std::string> lines;
    std::stringstream stream(warnings);
    for (std::string line; std::getline(stream, line);) lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    EXPECT_EQ((std::vector<std::string>{
                  "fastopen/server/icmp-baseline.pkt: unknown ICMP code 'CODE'",
                  "fastopen/server/icmp-before-accept.pkt: unknown ICMP code "
                  "'CODE'"}),
              lines);
  }
  std::printf("[ checked    ] %d corpus scripts, ipv4 and ipv6 defines\n",
              scripts);
  EXPECT_GT(scripts, 100);
}

// Without defines, the only names the corpus uses that no header knows are
// the three run_all.py passes with -D.
TEST(CheckTest, CorpusNeedsOnlyTheRunnerDefines) {
  const std::filesystem::path root =
      std::filesystem::path(SYNACK_SOURCE_DIR) / ".." / "shared" / "corpus" /
      "packetdrill" / "tcp";
  if (!std::filesystem::is_directory(root)) {
    GTEST_SKIP() << "no corpus at " << root;
  }
  std::set<std::string> unknown;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".pkt") continue;
    ParseResult parsed = Parse(ReadFile(entry.path()));
    ASSERT_TRUE(parsed.ok()) << entry.path();
    for (const Diagnostic& diagnostic : Check(parsed.script, {})) {
      if (diagnostic.severity != Severity::kError) continue;
      const std::string prefix = "unknown symbol '";
      ASSERT_EQ(0u, diagnostic.message.rfind(prefix, 0))
          << entry.path() << ": " << diagnostic.message;
      unknown.insert(diagnostic.message.substr(
          prefix.size(), diagnostic.message.size() - prefix.size() - 1));
    }
  }
  EXPECT_EQ((std::set<std::string>{"CMSG_LEVEL_IP", "CMSG_TYPE_RECVERR",
                                   "TFO_COOKIE"}),
            unknown);
}

}  // namespace
}  // namespace synack::grammar
