// The constant names scripts use as system call arguments (SOCK_STREAM,
// SOL_TCP, MSG_ZEROCOPY, EPOLLIN, SIOCINQ, ...), valued from the system
// headers, plus the Linux values of names older headers lack, plus the
// generated table of header_constants.names (header_constants.h).
#include <fcntl.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstdint>
#include <map>
#include <string>

#include "grammar/checker.h"
#include "grammar/header_constants.h"
#include "grammar/known_names.h"

// Linux values for names that glibc or the kernel headers on an older build
// host may not define yet (uapi/linux/tcp.h, asm-generic/socket.h, ...).
#ifndef TCP_FASTOPEN_CONNECT
#define TCP_FASTOPEN_CONNECT 30
#endif
#ifndef TCP_FASTOPEN_KEY
#define TCP_FASTOPEN_KEY 33
#endif
#ifndef TCP_FASTOPEN_NO_COOKIE
#define TCP_FASTOPEN_NO_COOKIE 34
#endif
#ifndef TCP_ZEROCOPY_RECEIVE
#define TCP_ZEROCOPY_RECEIVE 35
#endif
#ifndef TCP_INQ
#define TCP_INQ 36
#endif
#ifndef TCP_CM_INQ
#define TCP_CM_INQ TCP_INQ
#endif
#ifndef TCP_TX_DELAY
#define TCP_TX_DELAY 37
#endif
#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY 60
#endif
#ifndef SO_TXTIME
#define SO_TXTIME 61
#endif
#ifndef SO_BINDTOIFINDEX
#define SO_BINDTOIFINDEX 62
#endif
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY 0x4000000
#endif
#ifndef SO_EE_ORIGIN_ZEROCOPY
#define SO_EE_ORIGIN_ZEROCOPY 5
#endif
#ifndef SO_EE_ORIGIN_TXTIME
#define SO_EE_ORIGIN_TXTIME 6
#endif
#ifndef SO_EE_CODE_ZEROCOPY_COPIED
#define SO_EE_CODE_ZEROCOPY_COPIED 1
#endif
#ifndef TCPI_OPT_TIMESTAMPS
#define TCPI_OPT_TIMESTAMPS 1
#endif
#ifndef TCPI_OPT_SACK
#define TCPI_OPT_SACK 2
#endif
#ifndef TCPI_OPT_WSCALE
#define TCPI_OPT_WSCALE 4
#endif
#ifndef TCPI_OPT_ECN
#define TCPI_OPT_ECN 8
#endif
#ifndef TCPI_OPT_ECN_SEEN
#define TCPI_OPT_ECN_SEEN 16
#endif
#ifndef TCPI_OPT_SYN_DATA
#define TCPI_OPT_SYN_DATA 32
#endif
#ifndef TCPI_OPT_USEC_TS
#define TCPI_OPT_USEC_TS 64
#endif
#ifndef TCPI_OPT_TFO_CHILD
#define TCPI_OPT_TFO_CHILD 128
#endif
#ifndef EPOLLEXCLUSIVE
#define EPOLLEXCLUSIVE (1u << 28)
#endif
#ifndef SIOCOUTQNSD
#define SIOCOUTQNSD 0x894B
#endif

namespace synack::grammar {

namespace {

struct Constant {
  std::string_view name;
  int64_t value;
};

#define C(name) Constant{#name, static_cast<int64_t>(name)}

// Grouped by header; within a group the names scripts use most come first,
// so a "did you mean" tie goes to the likelier name.
// clang-format off
constexpr Constant kConstants[] = {
    // <sys/socket.h>: families, types, levels.
    C(AF_INET), C(AF_INET6), C(AF_UNSPEC), C(AF_UNIX), C(AF_LOCAL),
    C(AF_PACKET), C(AF_NETLINK), C(PF_INET), C(PF_INET6), C(PF_UNSPEC),
    C(PF_UNIX), C(PF_LOCAL), C(PF_PACKET),
    C(SOCK_STREAM), C(SOCK_DGRAM), C(SOCK_RAW), C(SOCK_SEQPACKET),
    C(SOCK_NONBLOCK), C(SOCK_CLOEXEC),
    C(SOL_SOCKET), C(SOL_TCP), C(SOL_UDP), C(SOL_IP), C(SOL_IPV6),
    C(SOL_RAW),
    // <netinet/in.h>: protocols.
    C(IPPROTO_TCP), C(IPPROTO_UDP), C(IPPROTO_IP), C(IPPROTO_IPV6),
    C(IPPROTO_ICMP), C(IPPROTO_ICMPV6), C(IPPROTO_RAW), C(IPPROTO_SCTP),
    C(IPPROTO_UDPLITE), C(IPPROTO_GRE), C(IPPROTO_MPLS),
    C(INADDR_ANY), C(INADDR_LOOPBACK), C(INADDR_BROADCAST), C(INADDR_NONE),
    // SOL_SOCKET options.
    C(SO_REUSEADDR), C(SO_REUSEPORT), C(SO_SNDBUF), C(SO_RCVBUF),
    C(SO_ERROR), C(SO_KEEPALIVE), C(SO_LINGER), C(SO_ZEROCOPY),
    C(SO_TIMESTAMPING), C(SO_MARK), C(SO_DEBUG), C(SO_TYPE), C(SO_DONTROUTE),
    C(SO_BROADCAST), C(SO_SNDBUFFORCE), C(SO_RCVBUFFORCE), C(SO_OOBINLINE),
    C(SO_NO_CHECK), C(SO_PRIORITY), C(SO_BSDCOMPAT), C(SO_PASSCRED),
    C(SO_PEERCRED), C(SO_RCVLOWAT), C(SO_SNDLOWAT), C(SO_RCVTIMEO),
    C(SO_SNDTIMEO), C(SO_BINDTODEVICE), C(SO_ATTACH_FILTER),
    C(SO_DETACH_FILTER), C(SO_PEERNAME), C(SO_TIMESTAMP), C(SO_ACCEPTCONN),
    C(SO_PEERSEC), C(SO_PASSSEC), C(SO_TIMESTAMPNS), C(SO_PROTOCOL),
    C(SO_DOMAIN), C(SO_RXQ_OVFL), C(SO_WIFI_STATUS), C(SO_PEEK_OFF),
    C(SO_NOFCS), C(SO_LOCK_FILTER), C(SO_SELECT_ERR_QUEUE), C(SO_BUSY_POLL),
    C(SO_MAX_PACING_RATE), C(SO_BPF_EXTENSIONS), C(SO_INCOMING_CPU),
    C(SO_ATTACH_BPF), C(SO_ATTACH_REUSEPORT_CBPF),
    C(SO_ATTACH_REUSEPORT_EBPF), C(SO_CNX_ADVICE), C(SO_MEMINFO),
    C(SO_INCOMING_NAPI_ID), C(SO_COOKIE), C(SO_PEERGROUPS), C(SO_TXTIME),
    C(SO_BINDTOIFINDEX),
    // Control messages.
    C(SCM_TIMESTAMPING), C(SCM_RIGHTS), C(SCM_CREDENTIALS), C(SCM_TIMESTAMP),
    C(SCM_TIMESTAMPNS), C(SCM_TSTAMP_SND), C(SCM_TSTAMP_SCHED),
    C(SCM_TSTAMP_ACK),
    // <netinet/tcp.h>: SOL_TCP options.
    C(TCP_NODELAY), C(TCP_MAXSEG), C(TCP_CORK), C(TCP_FASTOPEN),
    C(TCP_FASTOPEN_CONNECT), C(TCP_FASTOPEN_KEY), C(TCP_FASTOPEN_NO_COOKIE),
    C(TCP_NOTSENT_LOWAT), C(TCP_INFO), C(TCP_INQ), C(TCP_CM_INQ),
    C(TCP_USER_TIMEOUT), C(TCP_SYNCNT), C(TCP_KEEPIDLE), C(TCP_KEEPINTVL),
    C(TCP_KEEPCNT), C(TCP_LINGER2), C(TCP_DEFER_ACCEPT), C(TCP_WINDOW_CLAMP),
    C(TCP_QUICKACK), C(TCP_CONGESTION), C(TCP_MD5SIG), C(TCP_MD5SIG_EXT),
    C(TCP_THIN_LINEAR_TIMEOUTS), C(TCP_THIN_DUPACK), C(TCP_REPAIR),
    C(TCP_REPAIR_QUEUE), C(TCP_QUEUE_SEQ), C(TCP_REPAIR_OPTIONS),
    C(TCP_TIMESTAMP), C(TCP_CC_INFO), C(TCP_SAVE_SYN), C(TCP_SAVED_SYN),
    C(TCP_REPAIR_WINDOW), C(TCP_ULP), C(TCP_ZEROCOPY_RECEIVE),
    C(TCP_TX_DELAY),
    // tcp_info: tcpi_options bits and states, for %{ }% blocks.
    C(TCPI_OPT_TIMESTAMPS), C(TCPI_OPT_SACK), C(TCPI_OPT_WSCALE),
    C(TCPI_OPT_ECN), C(TCPI_OPT_ECN_SEEN), C(TCPI_OPT_SYN_DATA),
    C(TCPI_OPT_USEC_TS), C(TCPI_OPT_TFO_CHILD),
    C(TCP_ESTABLISHED), C(TCP_SYN_SENT), C(TCP_SYN_RECV), C(TCP_FIN_WAIT1),
    C(TCP_FIN_WAIT2), C(TCP_TIME_WAIT), C(TCP_CLOSE), C(TCP_CLOSE_WAIT),
    C(TCP_LAST_ACK), C(TCP_LISTEN), C(TCP_CLOSING),
    C(TCP_CA_Open), C(TCP_CA_Disorder), C(TCP_CA_CWR), C(TCP_CA_Recovery),
    C(TCP_CA_Loss),
    // SOL_IP and SOL_IPV6 options.
    C(IP_TOS), C(IP_TTL), C(IP_RECVERR), C(IP_MTU_DISCOVER), C(IP_MTU),
    C(IP_FREEBIND), C(IP_HDRINCL), C(IP_OPTIONS), C(IP_RECVTOS),
    C(IP_RECVTTL), C(IP_PKTINFO), C(IP_TRANSPARENT),
    C(IP_BIND_ADDRESS_NO_PORT), C(IP_PMTUDISC_DONT), C(IP_PMTUDISC_WANT),
    C(IP_PMTUDISC_DO), C(IP_PMTUDISC_PROBE), C(IP_PMTUDISC_INTERFACE),
    C(IP_PMTUDISC_OMIT),
    C(IPV6_RECVERR), C(IPV6_V6ONLY), C(IPV6_TCLASS), C(IPV6_RECVTCLASS),
    C(IPV6_MTU_DISCOVER), C(IPV6_MTU), C(IPV6_UNICAST_HOPS),
    C(IPV6_RECVPKTINFO), C(IPV6_PMTUDISC_DONT), C(IPV6_PMTUDISC_WANT),
    C(IPV6_PMTUDISC_DO), C(IPV6_PMTUDISC_PROBE),
    // send/recv flags.
    C(MSG_FASTOPEN), C(MSG_ZEROCOPY), C(MSG_ERRQUEUE), C(MSG_DONTWAIT),
    C(MSG_EOR), C(MSG_MORE), C(MSG_NOSIGNAL), C(MSG_TRUNC), C(MSG_PEEK),
    C(MSG_WAITALL), C(MSG_OOB), C(MSG_DONTROUTE), C(MSG_CTRUNC),
    C(MSG_CONFIRM), C(MSG_WAITFORONE), C(MSG_BATCH), C(MSG_CMSG_CLOEXEC),
    // <fcntl.h>.
    C(O_RDWR), C(O_RDONLY), C(O_WRONLY), C(O_NONBLOCK), C(O_NDELAY),
    C(O_CREAT), C(O_EXCL), C(O_NOCTTY), C(O_TRUNC), C(O_APPEND), C(O_SYNC),
    C(O_ASYNC), C(O_DIRECT), C(O_DIRECTORY), C(O_NOFOLLOW), C(O_CLOEXEC),
    C(F_GETFL), C(F_SETFL), C(F_GETFD), C(F_SETFD), C(F_DUPFD),
    C(F_DUPFD_CLOEXEC), C(F_GETLK), C(F_SETLK), C(F_SETOWN), C(F_GETOWN),
    C(F_SETSIG), C(F_GETSIG), C(F_SETPIPE_SZ), C(F_GETPIPE_SZ),
    C(FD_CLOEXEC),
    // <sys/epoll.h>.
    C(EPOLLIN), C(EPOLLOUT), C(EPOLLERR), C(EPOLLHUP), C(EPOLLET),
    C(EPOLLONESHOT), C(EPOLLEXCLUSIVE), C(EPOLLRDHUP), C(EPOLLPRI),
    C(EPOLLRDNORM), C(EPOLLRDBAND), C(EPOLLWRNORM), C(EPOLLWRBAND),
    C(EPOLLMSG), C(EPOLLWAKEUP), C(EPOLL_CTL_ADD), C(EPOLL_CTL_MOD),
    C(EPOLL_CTL_DEL), C(EPOLL_CLOEXEC),
    // <poll.h>.
    C(POLLIN), C(POLLOUT), C(POLLERR), C(POLLHUP), C(POLLRDHUP), C(POLLPRI),
    C(POLLNVAL), C(POLLRDNORM), C(POLLRDBAND), C(POLLWRNORM), C(POLLWRBAND),
    C(POLLMSG),
    // shutdown().
    C(SHUT_RD), C(SHUT_WR), C(SHUT_RDWR),
    // ioctl(): <linux/sockios.h>, <sys/ioctl.h>.
    C(SIOCINQ), C(SIOCOUTQ), C(SIOCOUTQNSD), C(FIONREAD), C(FIONBIO),
    C(SIOCATMARK),
    // <linux/net_tstamp.h>.
    C(SOF_TIMESTAMPING_TX_HARDWARE), C(SOF_TIMESTAMPING_TX_SOFTWARE),
    C(SOF_TIMESTAMPING_RX_HARDWARE), C(SOF_TIMESTAMPING_RX_SOFTWARE),
    C(SOF_TIMESTAMPING_SOFTWARE), C(SOF_TIMESTAMPING_SYS_HARDWARE),
    C(SOF_TIMESTAMPING_RAW_HARDWARE), C(SOF_TIMESTAMPING_OPT_ID),
    C(SOF_TIMESTAMPING_TX_SCHED), C(SOF_TIMESTAMPING_TX_ACK),
    C(SOF_TIMESTAMPING_OPT_CMSG), C(SOF_TIMESTAMPING_OPT_TSONLY),
    C(SOF_TIMESTAMPING_OPT_STATS), C(SOF_TIMESTAMPING_OPT_PKTINFO),
    C(SOF_TIMESTAMPING_OPT_TX_SWHW),
    // <linux/errqueue.h>.
    C(SO_EE_ORIGIN_NONE), C(SO_EE_ORIGIN_LOCAL), C(SO_EE_ORIGIN_ICMP),
    C(SO_EE_ORIGIN_ICMP6), C(SO_EE_ORIGIN_TXSTATUS), C(SO_EE_ORIGIN_ZEROCOPY),
    C(SO_EE_ORIGIN_TXTIME), C(SO_EE_ORIGIN_TIMESTAMPING),
    C(SO_EE_CODE_ZEROCOPY_COPIED),
    // A null pointer argument: recv(4, NULL, 1000, 0).
    Constant{"NULL", 0},
    // Names packetdrill's symbols_linux.c has that no header installed here
    // defines. packetdrill's upper-case spellings of the kernel's enum
    // tcp_ca_state (uapi linux/tcp.h), valued from that enum:
    Constant{"TCP_CA_OPEN", TCP_CA_Open},
    Constant{"TCP_CA_DISORDER", TCP_CA_Disorder},
    Constant{"TCP_CA_RECOVERY", TCP_CA_Recovery},
    Constant{"TCP_CA_LOSS", TCP_CA_Loss},
    // The kernel's include/net/tcp.h (not uapi): the ssthresh of a socket
    // that has not left slow start, as TCP_INFO's tcpi_snd_ssthresh shows it.
    Constant{"TCP_INFINITE_SSTHRESH", 0x7fffffff},
    // uapi linux/net_tstamp.h since Linux 6.2 (an enum member, so no #ifdef
    // can prefer a newer header's value): SOF_TIMESTAMPING_OPT_ID_TCP is
    // 1 << 16, after SOF_TIMESTAMPING_BIND_PHC (1 << 15).
    Constant{"SOF_TIMESTAMPING_OPT_ID_TCP", 1 << 16},
    // libcap's <sys/capability.h> (not installed here): cap_flag_t and
    // cap_flag_value_t, which packetdrill's cap_set() arguments name.
    Constant{"CAP_EFFECTIVE", 0}, Constant{"CAP_PERMITTED", 1},
    Constant{"CAP_INHERITABLE", 2},
    Constant{"CAP_CLEAR", 0}, Constant{"CAP_SET", 1},
};
// clang-format on

#undef C

// Built once: the generated table outlives every string_view taken of it.
const std::vector<HeaderConstant>& HeaderConstantTable() {
  static const std::vector<HeaderConstant> table = HeaderConstants();
  return table;
}

}  // namespace

std::optional<int64_t> LookupConstant(const std::string& name) {
  static const std::map<std::string_view, int64_t> by_name = [] {
    std::map<std::string_view, int64_t> table;
    for (const Constant& entry : kConstants) {
      table.emplace(entry.name, entry.value);
    }
    for (const HeaderConstant& entry : HeaderConstantTable()) {
      table.emplace(entry.name, entry.value);
    }
    return table;
  }();
  auto it = by_name.find(name);
  if (it != by_name.end()) return it->second;
  // Errno names are values too: `ee_errno=ENOMSG` in a cmsg.
  if (std::optional<int> value = LookupErrno(name)) return *value;
  return std::nullopt;
}

std::vector<std::string_view> ConstantNames() {
  std::vector<std::string_view> names;
  for (const Constant& entry : kConstants) names.push_back(entry.name);
  for (const HeaderConstant& entry : HeaderConstantTable()) {
    names.push_back(entry.name);
  }
  return names;
}

}  // namespace synack::grammar
