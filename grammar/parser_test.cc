// Table-driven parser tests: script text in, structural dump out.
#include "grammar/parser.h"

#include <cctype>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "grammar/dump.h"

namespace synack::grammar {
namespace {

// The dump of a script, or its rendered diagnostics when it has any (so a
// row that should parse shows why it did not).
std::string DumpOf(std::string_view text) {
  ParseResult result = Parse(text);
  if (!result.diagnostics.empty()) {
    return "DIAGNOSTICS:\n" + RenderAll(result.diagnostics, "test.pkt", text);
  }
  return Dump(result.script);
}

struct ParseCase {
  const char* name;
  const char* input;
  const char* dump;
};

const ParseCase kCases[] = {
    // --- Event times ---
    {"absolute integer", "0 close(3) = 0\n",
     "0.000 syscall close(int:3) = int:0\n"},
    {"absolute float", "1.5 close(3) = 0\n",
     "1.500 syscall close(int:3) = int:0\n"},
    {"relative with leading dot", "+.1 close(3) = 0\n",
     "+0.100 syscall close(int:3) = int:0\n"},
    {"relative microseconds", "+0.000500 close(3) = 0\n",
     "+0.0005 syscall close(int:3) = int:0\n"},
    {"sub-microsecond rounds", "+0.0000015 close(3) = 0\n",
     "+0.000002 syscall close(int:3) = int:0\n"},
    {"relative whole seconds", "+4 close(3) = 0\n",
     "+4.000 syscall close(int:3) = int:0\n"},
    {"any time", "* > F. 1:1(0) ack 12\n",
     "* packet > tcp F. 1:1(0) ack 12\n"},
    {"absolute range", "1~2 close(3) = 0\n",
     "1.000~2.000 syscall close(int:3) = int:0\n"},
    {"relative range", "+.1~+.105 > P. 3001:4001(1000) ack 1\n",
     "+0.100~+0.105 packet > tcp P. 3001:4001(1000) ack 1\n"},
    {"relative range seconds", "+1.2~+1.240 > . 1:1(0) ack 1\n",
     "+1.200~+1.240 packet > tcp . 1:1(0) ack 1\n"},
    {"blocking end time", "+0...0.200 accept(3, ..., ...) = 4\n",
     "+0.000 syscall ...0.200 accept(int:3, ..., ...) = int:4\n"},
    {"blocking end time after a blank", "+0 ...0.010 read(4, ..., 10) = 10\n",
     "+0.000 syscall ...0.010 read(int:4, ..., int:10) = int:10\n"},
    {"blocking after a fraction", "+.01...0.011 connect(3, ..., ...) = 0\n",
     "+0.010 syscall ...0.011 connect(int:3, ..., ...) = int:0\n"},
    {"blocking integer end", "+0...0 connect(4, ..., ...) = 0\n",
     "+0.000 syscall ...0.000 connect(int:4, ..., ...) = int:0\n"},

    // --- TCP packets ---
    {"inbound SYN with options",
     "+0 < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>\n",
     "+0.000 packet < tcp S 0:0(0) win 32792 <mss 1000,nop,wscale 7>\n"},
    {"outbound SYN-ACK", "+0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>\n",
     "+0.000 packet > tcp S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>\n"},
    {"any options", "+0 > S 0:0(0) <...>\n",
     "+0.000 packet > tcp S 0:0(0) <...>\n"},
    {"no flags", "+0 < - 0:0(0) win 0\n",
     "+0.000 packet < tcp - 0:0(0) win 0\n"},
    {"ack only, extra blanks", "+0 >  .  2:2(0)   ack 2\n",
     "+0.000 packet > tcp . 2:2(0) ack 2\n"},
    {"urgent pointer", "+0 < U. 1:1(0) ack 1 win 257 urg 5\n",
     "+0.000 packet < tcp U. 1:1(0) ack 1 win 257 urg 5\n"},
    {"flags in canonical order", "+0 < PF. 1:1(0) ack 1 win 257\n",
     "+0.000 packet < tcp FP. 1:1(0) ack 1 win 257\n"},
    {"ECN flags", "+0 < SEW 0:0(0) win 32792\n",
     "+0.000 packet < tcp SEW 0:0(0) win 32792\n"},
    {"AccECN AE flag", "+0 > SA. 0:0(0) ack 1\n",
     "+0.000 packet > tcp SA. 0:0(0) ack 1\n"},
    {"reset without ack", "+0 > R 1:1(0)\n", "+0.000 packet > tcp R 1:1(0)\n"},
    {"sequence space wraps",
     "+0 < . 4294967295:999(1000) ack 1 win 1\n",
     "+0.000 packet < tcp . 4294967295:999(1000) ack 1 win 1\n"},

    // --- IP info and ports ---
    {"ect1 in brackets", "+.1 < [ect1] . 1:1(0) ack 1 win 320\n",
     "+0.100 packet < ip(ecn=ect1) tcp . 1:1(0) ack 1 win 320\n"},
    {"noecn", "+0 < [noecn] E. 1:1(0) ack 1001 win 320\n",
     "+0.000 packet < ip(ecn=noecn) tcp E. 1:1(0) ack 1001 win 320\n"},
    {"ect0 in parens", "+0 > (ect0) P. 1:1001(1000) ack 1\n",
     "+0.000 packet > ip(ecn=ect0) tcp P. 1:1001(1000) ack 1\n"},
    {"ce and ect01", "+0 < (ce) . 1:1(0) ack 1\n+0 < [ect01] . 1:1(0) ack 1\n",
     "+0.000 packet < ip(ecn=ce) tcp . 1:1(0) ack 1\n"
     "+0.000 packet < ip(ecn=ect01) tcp . 1:1(0) ack 1\n"},
    {"tos", "+0 < (tos 0x10) S 0:0(0) win 1\n",
     "+0.000 packet < ip(tos=16) tcp S 0:0(0) win 1\n"},
    {"ecn with flow label", "+0 > (ect0, flowlabel 0x12345) . 1:1(0) ack 1\n",
     "+0.000 packet > ip(ecn=ect0 flowlabel=74565) tcp . 1:1(0) ack 1\n"},
    {"ttl", "+0 < (ttl 64) S 0:0(0) win 1\n",
     "+0.000 packet < ip(ttl=64) tcp S 0:0(0) win 1\n"},
    {"port info", "+0 < 5001>8080 S 0:0(0) win 100\n",
     "+0.000 packet < ports(5001>8080) tcp S 0:0(0) win 100\n"},
    {"ip info then ports", "+0 > [ect0] 8080>5001 S. 0:0(0) ack 1\n",
     "+0.000 packet > ip(ecn=ect0) ports(8080>5001) tcp S. 0:0(0) ack 1\n"},

    // --- TCP options ---
    {"sackOK and timestamps",
     "+0 > S 0:0(0) <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 8>\n",
     "+0.000 packet > tcp S 0:0(0) <mss 1460,sackOK,TS val 100 ecr 0,nop,"
     "wscale 8>\n"},
    {"sack blocks", "+0 < . 1:1(0) ack 1 win 257 <sack 1001:2001 3001:4001>\n",
     "+0.000 packet < tcp . 1:1(0) ack 1 win 257 <sack 1001:2001 "
     "3001:4001>\n"},
    {"eol", "+0 < . 1:1(0) ack 1 <nop,eol>\n",
     "+0.000 packet < tcp . 1:1(0) ack 1 <nop,eol>\n"},
    {"md5 digest",
     "+0 < . 1:1(0) ack 1 win 514 <md5 000102030405060708090a0b0c0d0e0f,nop>\n",
     "+0.000 packet < tcp . 1:1(0) ack 1 win 514 "
     "<md5 000102030405060708090a0b0c0d0e0f,nop>\n"},
    {"md5 digest of digits only",
     "+0 < . 1:1(0) ack 1 <md5 00010203040506070809101112131415>\n",
     "+0.000 packet < tcp . 1:1(0) ack 1 <md5 "
     "00010203040506070809101112131415>\n"},
    {"Fast Open request", "+0 > S 0:0(0) <mss 1460,FO,nop,nop>\n",
     "+0.000 packet > tcp S 0:0(0) <mss 1460,FO,nop,nop>\n"},
    {"Fast Open cookie, digit-led",
     "+0 < S. 0:0(0) ack 1 win 5840 <FO 1234abcd5678dcba,nop,nop>\n",
     "+0.000 packet < tcp S. 0:0(0) ack 1 win 5840 <FO "
     "1234abcd5678dcba,nop,nop>\n"},
    {"Fast Open cookie last",
     "+0 < S. 0:0(0) ack 1 <mss 1240,FO aaaabbbbcccc>\n",
     "+0.000 packet < tcp S. 0:0(0) ack 1 <mss 1240,FO aaaabbbbcccc>\n"},
    {"experimental Fast Open",
     "+0 > S 0:0(0) <FOEXP>\n+0 < S 0:10(10) win 1 <nop, FOEXP TFO_COOKIE>\n",
     "+0.000 packet > tcp S 0:0(0) <FOEXP>\n"
     "+0.000 packet < tcp S 0:10(10) win 1 <nop,FOEXP TFO_COOKIE>\n"},
    {"blanks inside the option list",
     "+0 > S. 0:0(0) ack 1  <mss 1460 , nop ,wscale 8 >\n",
     "+0.000 packet > tcp S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>\n"},

    // --- UDP and ICMP ---
    {"udp", "+0 < udp (100)\n", "+0.000 packet < udp (100)\n"},
    {"udp with ports and ip info", "+0 > (tos 0x4) udp 5000>53 (20)\n",
     "+0.000 packet > ip(tos=4) ports(5000>53) udp (20)\n"},
    {"icmp frag needed",
     "+.01 < icmp unreachable frag_needed mtu 840 [0:1000(1000)]\n",
     "+0.010 packet < icmp unreachable frag_needed mtu 840 [0:1000(1000)]\n"},
    {"icmp without a code", "+0 < icmp unreachable [5000:6000(1000)]\n",
     "+0.000 packet < icmp unreachable [5000:6000(1000)]\n"},
    {"icmp without quoted packet",
     "+.01 < icmp unreachable frag_needed mtu 800\n",
     "+0.010 packet < icmp unreachable frag_needed mtu 800\n"},
    {"icmp code symbol", "+.1 < icmp unreachable CODE\n",
     "+0.100 packet < icmp unreachable CODE\n"},
    {"icmpv6 packet too big",
     "+.01 < icmp packet_too_big mtu 1400 [0:1440(1440)]\n",
     "+0.010 packet < icmp packet_too_big mtu 1400 [0:1440(1440)]\n"},
    {"icmp echo id", "+0 > icmp echo_reply id 7\n",
     "+0.000 packet > icmp echo_reply id 7\n"},
    {"icmp quoting udp and raw",
     "+0 < icmp unreachable port_unreachable [udp (100)]\n"
     "+0 < icmp time_exceeded [raw (20)]\n",
     "+0.000 packet < icmp unreachable port_unreachable [udp (100)]\n"
     "+0.000 packet < icmp time_exceeded [raw (20)]\n"},

    // --- Outer headers ---
    {"ipv4 outer header",
     "+0 < ipv4 192.168.0.2 > 192.168.0.1: S 0:0(0) win 100\n",
     "+0.000 packet < ipv4(192.168.0.2>192.168.0.1) tcp S 0:0(0) win 100\n"},
    {"ipv6 outer header with ip info",
     "+0 < ipv6 (ect0) fd3d::1 > 2001:db8:::  . 1:1(0) ack 1\n",
     "+0.000 packet < ipv6(ip(ecn=ect0) fd3d::1>2001:db8::) tcp . 1:1(0) "
     "ack 1\n"},
    {"gre and mpls kept raw",
     "+0 < gre flags [key present] sum 0 off 0 key=5 seq 0: "
     "mpls (label 1, tc 0, ttl 9): udp (10)\n",
     "+0.000 packet < gre(\"flags [key present] sum 0 off 0 key=5 seq 0\") "
     "mpls(\"(label 1, tc 0, ttl 9)\") udp (10)\n"},

    // --- System calls and expressions ---
    {"socket", "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n",
     "0.000 syscall socket(..., sym:SOCK_STREAM, sym:IPPROTO_TCP) = int:3\n"},
    {"no arguments", "+0 getpid() = ...\n", "+0.000 syscall getpid() = ...\n"},
    {"errno and note",
     "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)\n",
     "+0.000 syscall connect(int:3, ..., ...) = int:-1 errno:EINPROGRESS "
     "note:\"Operation now in progress\"\n"},
    {"note right after errno",
     "+0 read(4, ..., 9) = -1 ECONNRESET(Connection reset by peer)\n",
     "+0.000 syscall read(int:4, ..., int:9) = int:-1 errno:ECONNRESET "
     "note:\"Connection reset by peer\"\n"},
    {"note without errno", "+0 setsockopt(3, SOL_TCP, X, \"\", 0) = -1 "
                           "(Invalid Argument)\n",
     "+0.000 syscall setsockopt(int:3, sym:SOL_TCP, sym:X, str:\"\", int:0) "
     "= int:-1 note:\"Invalid Argument\"\n"},
    {"hex result with note", "+0 fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)\n",
     "+0.000 syscall fcntl(int:3, sym:F_GETFL) = int:2 note:\"flags "
     "O_RDWR\"\n"},
    {"errno without note", "+0 close(3) = -1 EBADF\n",
     "+0.000 syscall close(int:3) = int:-1 errno:EBADF\n"},
    {"flags or'ed", "+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n",
     "+0.000 syscall fcntl(int:3, sym:F_SETFL, or(sym:O_RDWR, sym:O_NONBLOCK)) "
     "= int:0\n"},
    {"int by pointer and empty array",
     "+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0\n"
     "+0 foo([]) = 0\n",
     "+0.000 syscall getsockopt(int:3, sym:SOL_SOCKET, sym:SO_ERROR, [int:0], "
     "[int:4]) = int:0\n"
     "+0.000 syscall foo([]) = int:0\n"},
    {"multi-line flag array",
     "+0\tsetsockopt(3, SOL_SOCKET, SO_TIMESTAMPING,\n"
     "\t\t   [SOF_TIMESTAMPING_SOFTWARE |\n"
     "\t\t    SOF_TIMESTAMPING_OPT_ID], 4) = 0\n",
     "+0.000 syscall setsockopt(int:3, sym:SOL_SOCKET, sym:SO_TIMESTAMPING, "
     "[or(sym:SOF_TIMESTAMPING_SOFTWARE, sym:SOF_TIMESTAMPING_OPT_ID)], "
     "int:4) = int:0\n"},
    {"strings", "+0 open(\"/tmp/f\", O_RDONLY) = 5\n"
                "+0 write(3, \"ab\"..., 5) = 5\n"
                "+0 set(3, \"\\xf7\\x63\\n\\\"\") = 0\n",
     "+0.000 syscall open(str:\"/tmp/f\", sym:O_RDONLY) = int:5\n"
     "+0.000 syscall write(int:3, str:\"ab\"..., int:5) = int:5\n"
     "+0.000 syscall set(int:3, str:\"\\xf7c\\n\\\"\") = int:0\n"},
    {"negative and hex integers", "+0 f(-5, 0x10, -0x10, 9223372036854775807, "
                                  "-9223372036854775808) = 0\n",
     "+0.000 syscall f(int:-5, int:16, int:-16, int:9223372036854775807, "
     "int:-9223372036854775808) = int:0\n"},
    {"sockaddr",
     "+0 connect(3, {sa_family=AF_INET, sin_port=htons(8080), "
     "sin_addr=inet_addr(\"192.0.2.1\")}, 16) = 0\n",
     "+0.000 syscall connect(int:3, {sa_family=sym:AF_INET, "
     "sin_port=htons(int:8080), sin_addr=inet_addr(str:\"192.0.2.1\")}, "
     "int:16) = int:0\n"},
    {"sockaddr6",
     "+0 bind(3, {sa_family=AF_INET6, sin6_port=htons(80), "
     "sin6_addr=inet6_addr(\"::1\")}, 28) = 0\n",
     "+0.000 syscall bind(int:3, {sa_family=sym:AF_INET6, "
     "sin6_port=htons(int:80), sin6_addr=inet6_addr(str:\"::1\")}, int:28) "
     "= int:0\n"},
    {"iovec", "+0 writev(4, [{..., 500}, {...,400}], 2) = 900\n",
     "+0.000 syscall writev(int:4, [{..., int:500}, {..., int:400}], int:2) "
     "= int:900\n"},
    {"msghdr over lines",
     "+0...0.020 sendmsg(5, {msg_name(...)=...,\n"
     "                       msg_iov(2)=[{..., 600},{...,400}],\n"
     "                       msg_flags=0}, MSG_NOSIGNAL|MSG_FASTOPEN) = 1000\n",
     "+0.000 syscall ...0.020 sendmsg(int:5, {msg_name(...)=..., "
     "msg_iov(int:2)=[{..., int:600}, {..., int:400}], msg_flags=int:0}, "
     "or(sym:MSG_NOSIGNAL, sym:MSG_FASTOPEN)) = int:1000\n"},
    {"msghdr with cmsg and extended error",
     "+0 recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{...,0}],\n"
     "  msg_flags=MSG_ERRQUEUE,\n"
     "  msg_control=[{cmsg_level=SOL_IP, cmsg_type=IP_RECVERR,\n"
     "     cmsg_data={ee_errno=0, ee_origin=SO_EE_ORIGIN_ZEROCOPY,\n"
     "                ee_type=0, ee_code=0, ee_info=1, ee_data=2}},\n"
     "    {cmsg_level=SOL_SOCKET, cmsg_type=SCM_TIMESTAMPING,\n"
     "     cmsg_data={scm_sec=0,scm_nsec=10}}\n"
     "  ]}, MSG_ERRQUEUE) = 0\n",
     "+0.000 syscall recvmsg(int:4, {msg_name(...)=..., "
     "msg_iov(int:1)=[{..., int:0}], msg_flags=sym:MSG_ERRQUEUE, "
     "msg_control=[{cmsg_level=sym:SOL_IP, cmsg_type=sym:IP_RECVERR, "
     "cmsg_data={ee_errno=int:0, ee_origin=sym:SO_EE_ORIGIN_ZEROCOPY, "
     "ee_type=int:0, ee_code=int:0, ee_info=int:1, ee_data=int:2}}, "
     "{cmsg_level=sym:SOL_SOCKET, cmsg_type=sym:SCM_TIMESTAMPING, "
     "cmsg_data={scm_sec=int:0, scm_nsec=int:10}}]}, sym:MSG_ERRQUEUE) "
     "= int:0\n"},
    {"pollfd",
     "+0 poll([{fd=4, events=POLLIN|POLLOUT, revents=POLLOUT}], 1, 100) = 1\n",
     "+0.000 syscall poll([{fd=int:4, events=or(sym:POLLIN, sym:POLLOUT), "
     "revents=sym:POLLOUT}], int:1, int:100) = int:1\n"},
    {"epoll_event",
     "+0 epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLOUT|EPOLLET, fd=4}) = 0\n"
     "+0 epoll_wait(5, {events=0, ptr=0}, 1, 0) = 0\n",
     "+0.000 syscall epoll_ctl(int:5, sym:EPOLL_CTL_ADD, int:4, "
     "{events=or(sym:EPOLLOUT, sym:EPOLLET), fd=int:4}) = int:0\n"
     "+0.000 syscall epoll_wait(int:5, {events=int:0, ptr=int:0}, int:1, "
     "int:0) = int:0\n"},
    {"linger",
     "+0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0\n",
     "+0.000 syscall setsockopt(int:3, sym:SOL_SOCKET, sym:SO_LINGER, "
     "{onoff=int:1, linger=int:0}, int:8) = int:0\n"},
    {"empty struct and NULL", "+0 f({}, NULL) = 0\n",
     "+0.000 syscall f({}, sym:NULL) = int:0\n"},
    {"struct result", "+0 getsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=0, "
                      "linger=0}, [8]) = 0\n",
     "+0.000 syscall getsockopt(int:3, sym:SOL_SOCKET, sym:SO_LINGER, "
     "{onoff=int:0, linger=int:0}, [int:8]) = int:0\n"},
    {"symbol result", "+0 f() = SOME_VALUE\n",
     "+0.000 syscall f() = sym:SOME_VALUE\n"},

    // --- Commands and code ---
    {"command event", "+.07 `sysctl -q net.ipv4.tcp_timestamps=0`\n",
     "+0.070 command \"sysctl -q net.ipv4.tcp_timestamps=0\"\n"},
    {"code event", "+0 %{ assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd }%\n",
     "+0.000 code \" assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd \"\n"},
    {"multi-line code", "+.005 %{\nassert x == 1\n# a comment\n}%\n",
     "+0.005 code \"\\nassert x == 1\\n# a comment\\n\"\n"},

    // --- Script structure ---
    {"option lines",
     "--tolerance_usecs=10000\n--strict_segments\n"
     "--tcp_ts_ecr_scaled // used later\n--local_ip=fd::1\n"
     "0 close(3) = 0\n",
     "option tolerance_usecs=10000\noption strict_segments\n"
     "option tcp_ts_ecr_scaled\noption local_ip=fd::1\n"
     "0.000 syscall close(int:3) = int:0\n"},
    {"init and cleanup commands",
     "// header\n--mss=1000\n\n`../common/defaults.sh\n"
     " ../common/set_sysctls.py /proc/sys/net/ipv4/tcp_timestamps=0`\n\n"
     "0 close(3) = 0\n\n`/tmp/sysctl_restore_${PPID}.sh`\n",
     "option mss=1000\n"
     "init \"../common/defaults.sh\\n ../common/set_sysctls.py "
     "/proc/sys/net/ipv4/tcp_timestamps=0\"\n"
     "0.000 syscall close(int:3) = int:0\n"
     "cleanup \"/tmp/sysctl_restore_${PPID}.sh\"\n"},
    {"comments everywhere",
     "/* block\n comment */ 0 close(3) = 0 // trailing\n"
     "// line\n+0 /* inline */ close(4) = 0\n",
     "0.000 syscall close(int:3) = int:0\n"
     "+0.000 syscall close(int:4) = int:0\n"},
    {"CRLF line ends and tabs", "0\tclose(3)\t= 0\r\n+0 > . 1:1(0) ack 1\r\n",
     "0.000 syscall close(int:3) = int:0\n"
     "+0.000 packet > tcp . 1:1(0) ack 1\n"},
    {"sketched outbound packets: flags alone",
     "0 > S.\n+.1 > F. // why\n",
     "0.000 packet > tcp S. sketch\n+0.100 packet > tcp F. sketch\n"},
    {"empty script", "", ""},
    {"comments only", "// nothing\n/* at all */\n", ""},
};

class ParserTableTest : public testing::TestWithParam<ParseCase> {};

TEST_P(ParserTableTest, Dumps) {
  const ParseCase& c = GetParam();
  EXPECT_EQ(DumpOf(c.input), c.dump) << "input:\n" << c.input;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParserTableTest, testing::ValuesIn(kCases),
    [](const testing::TestParamInfo<ParseCase>& param_info) {
      std::string name;
      for (const char* p = param_info.param.name; *p; ++p) {
        name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
      }
      return name + "_" + std::to_string(param_info.index);
    });

TEST(ParserTest, LocationsPointAtConstructs) {
  ParseResult result =
      Parse("0 socket(..., SOCK_STREAM, 6) = 3\n"
            "  +.1 < S 0:0(0) win 1 <mss 1000,nop>\n");
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.script.events.size(), 2u);
  const Event& syscall_event = result.script.events[0];
  EXPECT_EQ(syscall_event.loc, (Location{1, 1}));
  const auto& syscall = std::get<SyscallEvent>(syscall_event.action);
  EXPECT_EQ(syscall.name_loc, (Location{1, 3}));
  ASSERT_EQ(syscall.args.size(), 3u);
  EXPECT_EQ(syscall.args[1]->loc, (Location{1, 15}));
  EXPECT_EQ(syscall.result->loc, (Location{1, 33}));

  const Event& packet_event = result.script.events[1];
  EXPECT_EQ(packet_event.loc, (Location{2, 3}));
  const auto& packet = std::get<PacketEvent>(packet_event.action);
  const auto& tcp = std::get<TcpPacket>(packet.packet);
  ASSERT_TRUE(tcp.options.has_value());
  ASSERT_EQ(tcp.options->size(), 2u);
  EXPECT_EQ((*tcp.options)[0].loc, (Location{2, 25}));
  EXPECT_EQ((*tcp.options)[1].loc, (Location{2, 34}));
}

TEST(ParserTest, ValuesKeepTheirTypes) {
  ParseResult result = Parse(
      "+0...1.25 f(0x1f) = 0\n"
      "+0 > (tos 0xff, flowlabel 0xfffff) 1>2 S 0:0(0) win 65535 urg 1\n");
  ASSERT_TRUE(result.ok()) << RenderAll(result.diagnostics, "t", "");
  const auto& syscall = std::get<SyscallEvent>(result.script.events[0].action);
  EXPECT_EQ(syscall.end_usecs, 1250000);
  const auto& arg = std::get<Integer>(syscall.args[0]->node);
  EXPECT_EQ(arg.value, 31);
  EXPECT_TRUE(arg.hex);

  const auto& packet = std::get<PacketEvent>(result.script.events[1].action);
  EXPECT_EQ(packet.direction, Direction::kOutbound);
  ASSERT_TRUE(packet.ip_info.has_value());
  EXPECT_EQ(packet.ip_info->tos, 0xff);
  EXPECT_EQ(packet.ip_info->flow_label, 0xfffffu);
  EXPECT_FALSE(packet.ip_info->square_brackets);
  EXPECT_EQ(packet.ports->src, 1);
  EXPECT_EQ(packet.ports->dst, 2);
  const auto& tcp = std::get<TcpPacket>(packet.packet);
  EXPECT_EQ(tcp.flags.bits, TcpFlags::kSyn);
  EXPECT_EQ(tcp.window, 65535u);
  EXPECT_EQ(tcp.urgent, 1u);
  EXPECT_FALSE(tcp.options.has_value());
  EXPECT_FALSE(tcp.any_options);
}

TEST(ParserTest, OptionValuesAndCommandLocations) {
  ParseResult result = Parse(
      "--ip_version=ipv6\n--define=X=\"a b\"\n`init`\n0 close(3) = 0\n`done`");
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.script.options.size(), 2u);
  EXPECT_EQ(result.script.options[0].value, "ipv6");
  EXPECT_EQ(result.script.options[1].name, "define");
  EXPECT_EQ(result.script.options[1].value, "X=\"a b\"");
  EXPECT_EQ(result.script.options[1].loc, (Location{2, 1}));
  EXPECT_EQ(result.script.init_loc, (Location{3, 1}));
  EXPECT_EQ(result.script.cleanup_loc, (Location{5, 1}));
  EXPECT_EQ(result.script.cleanup_command->command, "done");
}

TEST(ParserTest, DumpOfAnExpressionAlone) {
  ParseResult result = Parse("0 f([A|B, \"x\"...]) = 0\n");
  ASSERT_TRUE(result.ok());
  const auto& syscall = std::get<SyscallEvent>(result.script.events[0].action);
  EXPECT_EQ(Dump(*syscall.args[0]), "[or(sym:A, sym:B), str:\"x\"...]");
  EXPECT_EQ(Dump(result.script.events[0]),
            "0.000 syscall f([or(sym:A, sym:B), str:\"x\"...]) = int:0");
}

// --- Comments ---------------------------------------------------------------

using Lines = std::vector<std::string>;

TEST(ParserCommentsTest, EveryPlaceACommentCanBe) {
  ParseResult result = Parse(
      "// header\n"
      "\n"
      "// about the option\n"
      "--tolerance_usecs=10000 // why\n"
      "/* before init */\n"
      "`init` // init says\n"
      "\n"
      "\n"
      "// first event\n"
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3 /* a */ // b\n"
      "+0 bind(3, // inside\n"
      "        ..., ...) = 0 // after\n"
      "\n"
      "+0 listen(3, 1) = 0\n"
      "// before cleanup\n"
      "\n"
      "`cleanup` // cleanup says\n"
      "// the end\n"
      "\n"
      "/* really\n"
      "   the end */\n"
      "\n");
  ASSERT_TRUE(result.ok());
  const Script& script = result.script;
  ASSERT_EQ(script.options.size(), 1u);
  EXPECT_EQ(script.options[0].comments_before,
            (Lines{"// header", "", "// about the option"}));
  EXPECT_EQ(script.options[0].trailing_comment, "// why");
  EXPECT_EQ(script.init_comments_before, (Lines{"/* before init */"}));
  EXPECT_EQ(script.init_trailing_comment, "// init says");
  ASSERT_EQ(script.events.size(), 3u);
  EXPECT_EQ(script.events[0].comments_before, (Lines{"", "// first event"}));
  EXPECT_EQ(script.events[0].trailing_comment, "/* a */ // b");
  EXPECT_EQ(script.events[1].comments_before, (Lines{"// inside"}));
  EXPECT_EQ(script.events[1].trailing_comment, "// after");
  EXPECT_EQ(script.events[2].comments_before, (Lines{""}));
  EXPECT_EQ(script.events[2].trailing_comment, "");
  EXPECT_EQ(script.cleanup_comments_before, (Lines{"// before cleanup", ""}));
  EXPECT_EQ(script.cleanup_trailing_comment, "// cleanup says");
  EXPECT_EQ(script.comments_at_end,
            (Lines{"// the end", "", "/* really\n   the end */"}));
}

TEST(ParserCommentsTest, CommentsOnlyAndBlankLinesAtTheEdges) {
  ParseResult only = Parse("\n\n// a\n\n\n/* b */\n\n");
  ASSERT_TRUE(only.ok());
  EXPECT_EQ(only.script.comments_at_end, (Lines{"// a", "", "/* b */"}));

  // Blank lines before the first line of the file are not kept.
  ParseResult leading = Parse("\n\n0 close(3) = 0\n\n");
  ASSERT_TRUE(leading.ok());
  EXPECT_EQ(leading.script.events[0].comments_before, Lines{});
  EXPECT_EQ(leading.script.comments_at_end, Lines{});
}

TEST(ParserCommentsTest, CommentsInsideRelexedText) {
  // The parser re-reads addresses, hex blobs and notes in special modes: a
  // comment the lexer skips twice is still kept once.
  ParseResult result = Parse(
      "0 < ipv4 /* outer */ 192.0.2.2 > 192.168.0.1: S 0:0(0) win 100\n"
      "0 < S 0:0(0) win 100 <FO /* c */ abcd,nop> // fo\n"
      "0 close(3) = -1 EBADF /* n */ (not open // really) // e\n");
  ASSERT_TRUE(result.ok()) << RenderAll(result.diagnostics, "t", "");
  const Script& script = result.script;
  ASSERT_EQ(script.events.size(), 3u);
  EXPECT_EQ(script.events[0].comments_before, (Lines{"/* outer */"}));
  EXPECT_EQ(script.events[1].comments_before, (Lines{"/* c */"}));
  EXPECT_EQ(script.events[1].trailing_comment, "// fo");
  EXPECT_EQ(script.events[2].comments_before, (Lines{"/* n */"}));
  EXPECT_EQ(script.events[2].trailing_comment, "// e");
  const auto& close = std::get<SyscallEvent>(script.events[2].action);
  EXPECT_EQ(close.note, "not open // really");  // a note is free text
}

TEST(ParserCommentsTest, DumpIgnoresComments) {
  ParseResult plain = Parse("--x=1\n`a`\n0 close(3) = 0\n`b`\n");
  ParseResult commented = Parse(
      "// 1\n--x=1 // 2\n// 3\n`a` // 4\n// 5\n0 close(3) = 0 // 6\n"
      "// 7\n`b` // 8\n// 9\n");
  ASSERT_TRUE(plain.ok());
  ASSERT_TRUE(commented.ok());
  EXPECT_EQ(Dump(plain.script), Dump(commented.script));
}

}  // namespace
}  // namespace synack::grammar
