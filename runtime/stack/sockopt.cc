// getsockopt and setsockopt for SOL_SOCKET and IPPROTO_TCP options, with
// Linux's validation and value conventions.
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "runtime/stack/stack.h"

namespace synack::stack {

namespace {

// Linux's floors for buffer sizes: SOCK_MIN_RCVBUF and SOCK_MIN_SNDBUF.
constexpr int kMinRcvbuf = 2304, kMinSndbuf = 4608;
constexpr int kTcpMinMss = 88, kMaxTcpWindow = 32767 * 2 + 1;

// TCP_DEFER_ACCEPT's seconds and SYN-ACK retransmission periods, which
// start at TCP_TIMEOUT_INIT (1 s) and double up to TCP_RTO_MAX (120 s):
// Linux's secs_to_retrans() and retrans_to_secs(). Measured on 6.18:
// 1 s reads back as 1, 2 as 3, 5 as 7, 200 as 247, 1000 as 1087, -1 as 0.
constexpr int kDeferTimeoutInit = 1, kDeferRtoMax = 120;

uint8_t SecondsToRetransmits(int seconds) {
  if (seconds <= 0) return 0;
  int timeout = kDeferTimeoutInit, period = timeout, retransmits = 1;
  while (seconds > period && retransmits < 255) {
    ++retransmits;
    timeout = std::min(timeout * 2, kDeferRtoMax);
    period += timeout;
  }
  return static_cast<uint8_t>(retransmits);
}

int RetransmitsToSeconds(uint8_t retransmits) {
  if (retransmits == 0) return 0;
  int timeout = kDeferTimeoutInit, period = timeout;
  while (--retransmits > 0) {
    timeout = std::min(timeout * 2, kDeferRtoMax);
    period += timeout;
  }
  return period;
}

// The ECN field is TCP's to set: IP_TOS and IPV6_TCLASS keep the socket's
// (__ip_sock_set_tos(), do_ipv6_setsockopt() for SOCK_STREAM).
uint8_t WithEcnOf(int val, uint8_t current) {
  return static_cast<uint8_t>((val & ~ip_ecn::kMask) | (current & ip_ecn::kMask));
}

// do_ip_setsockopt(): an int, or a single byte (optlen 1 is allowed, as in
// sack-route-refresh-ip-tos.pkt's IP_MTU_DISCOVER); IPv4 options on an
// AF_INET6 socket set what its IPv4-mapped traffic uses.
CallResult SetIpOption(Sock* sk, int name, const void* value, socklen_t len) {
  int val = 0;
  if (len >= static_cast<socklen_t>(sizeof(int))) {
    if (value == nullptr) return CallResult::Error(EFAULT);
    std::memcpy(&val, value, sizeof val);
  } else if (len >= 1) {
    if (value == nullptr) return CallResult::Error(EFAULT);
    val = *static_cast<const unsigned char*>(value);
  }
  switch (name) {
    case IP_TOS:
      sk->tos = WithEcnOf(val, sk->tos);
      break;
    case IP_MTU_DISCOVER:
      if (val < IP_PMTUDISC_DONT || val > IP_PMTUDISC_OMIT) return CallResult::Error(EINVAL);
      break;  // path MTU discovery is not modelled
    default:
      break;  // accepted, not modelled
  }
  return CallResult::Ok(0);
}

// do_ipv6_setsockopt(): IPV6_TCLASS takes an int from -1 (the default, 0)
// to 255.
CallResult SetIpv6Option(Sock* sk, int name, int val) {
  if (name == IPV6_TCLASS) {
    if (val < -1 || val > 0xff) return CallResult::Error(EINVAL);
    sk->tclass = WithEcnOf(val == -1 ? 0 : val, sk->tclass);
  }
  return CallResult::Ok(0);  // IPV6_V6ONLY ...: accepted, not modelled
}

CallResult PutInt(int value, void* out, socklen_t* len) {
  // Linux copies min(len, sizeof(int)) bytes and reports that length.
  if (len == nullptr || static_cast<int>(*len) < 0) return CallResult::Error(EINVAL);
  const socklen_t n = std::min<socklen_t>(*len, sizeof value);
  if (out != nullptr) std::memcpy(out, &value, n);
  *len = n;
  return CallResult::Ok(0);
}

}  // namespace

CallResult Stack::Setsockopt(Instant now, int fd, int level, int name,
                             const void* value, socklen_t len) {
  AdvanceTo(now);
  CallResult error;
  Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return error;
  if (level == SOL_SOCKET && name == SO_LINGER) {
    if (len < static_cast<socklen_t>(sizeof(linger)) || value == nullptr) {
      return CallResult::Error(EINVAL);
    }
    linger l;
    std::memcpy(&l, value, sizeof l);
    sk->linger = l.l_onoff != 0;
    sk->linger_seconds = l.l_linger;
    return CallResult::Ok(0);
  }
  if (level == IPPROTO_TCP && name == TCP_CONGESTION) {
    // do_tcp_setsockopt(): a name of at most TCP_CA_NAME_MAX - 1 bytes;
    // ENOENT for one that is not available.
    if (value == nullptr) return CallResult::Error(EFAULT);
    const std::string cc(static_cast<const char*>(value),
                         strnlen(static_cast<const char*>(value),
                                 std::min<socklen_t>(len, 15)));
    if (!SetCongestionControl(sk, cc)) return CallResult::Error(ENOENT);
    return CallResult::Ok(0);
  }
  if (level == IPPROTO_TCP && name == TCP_FASTOPEN_KEY) {
    // do_tcp_setsockopt(): one key, or a primary and a backup key, for
    // this socket's cookies (tcp_fastopen_reset_cipher()).
    if (len != kFastOpenKeyLength && len != 2 * kFastOpenKeyLength) {
      return CallResult::Error(EINVAL);
    }
    if (value == nullptr) return CallResult::Error(EFAULT);
    const auto* bytes = static_cast<const uint8_t*>(value);
    sk->tfo.keys.clear();
    for (size_t i = 0; i < static_cast<size_t>(len); i += kFastOpenKeyLength) {
      sk->tfo.keys.push_back(
          FastOpenKeyFromBytes(std::span<const uint8_t>(bytes + i, kFastOpenKeyLength)));
    }
    return CallResult::Ok(0);
  }
  if (level == IPPROTO_IP) return SetIpOption(sk, name, value, len);
  if (len < static_cast<socklen_t>(sizeof(int)) || value == nullptr) {
    return CallResult::Error(EINVAL);
  }
  int val;
  std::memcpy(&val, value, sizeof val);
  if (level == SOL_SOCKET) {
    switch (name) {
      case SO_REUSEADDR: sk->reuseaddr = val != 0; return CallResult::Ok(0);
      case SO_REUSEPORT: sk->reuseport = val != 0; return CallResult::Ok(0);
      case SO_KEEPALIVE: sk->keepalive = val != 0; return CallResult::Ok(0);
      case SO_RCVBUF: {
        // sock_setsockopt(): doubled for bookkeeping, capped by rmem_max.
        const int v = std::clamp(val, 0, sysctls_.rmem_max);
        sk->rcvbuf = std::max(v * 2, kMinRcvbuf);
        sk->rcvbuf_locked = true;
        return CallResult::Ok(0);
      }
      case SO_SNDBUF: {
        const int v = std::clamp(val, 0, sysctls_.wmem_max);
        sk->sndbuf = std::max(v * 2, kMinSndbuf);
        sk->sndbuf_locked = true;
        return CallResult::Ok(0);
      }
      case SO_ZEROCOPY:
        // sk_setsockopt(): a boolean, for TCP (and UDP) sockets.
        if (val < 0 || val > 1) return CallResult::Error(EINVAL);
        sk->zc.enabled = val != 0;
        return CallResult::Ok(0);
      case SO_TIMESTAMPING_OLD:
      case SO_TIMESTAMPING_NEW:
        if (const int err = SetTimestamping(*sk, static_cast<uint32_t>(val)); err != 0) {
          return CallResult::Error(err);
        }
        return CallResult::Ok(0);
      case SO_RCVLOWAT:
      case SO_SNDLOWAT:
      case SO_OOBINLINE:
      case SO_PRIORITY:
      case SO_MARK:
      case SO_TIMESTAMP:
      case SO_TIMESTAMPNS:
        return CallResult::Ok(0);  // accepted, not modelled
      default:
        return CallResult::Error(ENOPROTOOPT);
    }
  }
  if (level == IPPROTO_TCP) {
    switch (name) {
      case TCP_NODELAY:
        // __tcp_sock_set_nodelay(): turning Nagle off pushes what it held
        // back, past a cork too (TCP_NAGLE_PUSH).
        sk->nodelay = val != 0;
        if (sk->nodelay) {
          sk->nagle_push = true;
          PushPendingFrames(sk);
        }
        break;
      case TCP_CORK:
        // __tcp_sock_set_cork(): uncorking pushes the queue.
        sk->cork = val != 0;
        if (!sk->cork) {
          if (sk->nodelay) sk->nagle_push = true;
          PushPendingFrames(sk);
        }
        break;
      case TCP_MAXSEG:
        if (val != 0 && (val < kTcpMinMss || val > kMaxTcpWindow)) {
          return CallResult::Error(EINVAL);
        }
        sk->user_mss = val;
        break;
      case TCP_USER_TIMEOUT:
        if (val < 0) return CallResult::Error(EINVAL);
        sk->user_timeout_ms = static_cast<uint32_t>(val);
        break;
      case TCP_SYNCNT:
        if (val < 1 || val > 127) return CallResult::Error(EINVAL);
        sk->syn_retries = val;
        break;
      case TCP_LINGER2:
        // Negative: an orphan in FIN_WAIT_2 is reset at once. Capped at
        // TCP_FIN_TIMEOUT_MAX (120 s).
        sk->linger2 = val < 0 ? -1 : std::min(val, 120);
        break;
      case TCP_QUICKACK:
        // __tcp_sock_set_quickack(): 0 enters interactive mode, else leave
        // it and send an owed ACK.
        if (val == 0) {
          sk->ack.pingpong = sysctls_.tcp_pingpong_thresh;
        } else if (sk->state != TcpState::kClose && sk->state != TcpState::kListen) {
          sk->ack.pingpong = 0;
          if (sk->ack.scheduled) {
            sk->ack.pushed = true;
            CleanupRbuf(sk, 1);
          }
        }
        break;
      case TCP_INQ:
        sk->recv_inq = val != 0;
        break;
      case TCP_NOTSENT_LOWAT:
        // do_tcp_setsockopt(): then sk_write_space(), which wakes a
        // writer the new limit lets in.
        sk->notsent_lowat = static_cast<uint32_t>(val);
        if (sk->nospace && StreamWriteable(sk)) {
          sk->nospace = false;
          ++sk->wakeups;
        }
        break;
      case TCP_DEFER_ACCEPT:
        // Any value is taken; none is refused.
        sk->defer_accept = SecondsToRetransmits(val);
        break;
      case TCP_FASTOPEN_CONNECT:
        // do_tcp_setsockopt(): only with the client side enabled, only
        // before connecting.
        if (val < 0 || val > 1) return CallResult::Error(EINVAL);
        if (!(sysctls_.tcp_fastopen & 1)) return CallResult::Error(EOPNOTSUPP);
        if (sk->state != TcpState::kClose) return CallResult::Error(EINVAL);
        sk->fastopen_connect = val != 0;
        break;
      case TCP_FASTOPEN:
        // Fast Open on a listener (or a socket about to listen), with a
        // queue of `val` children in SYN_RECV.
        if (val < 0 || (sk->state != TcpState::kClose && sk->state != TcpState::kListen)) {
          return CallResult::Error(EINVAL);
        }
        FastOpenQueueTune(sk, val);
        break;
      case TCP_FASTOPEN_NO_COOKIE:
        if (val < 0 || val > 1 ||
            (sk->state != TcpState::kClose && sk->state != TcpState::kListen)) {
          return CallResult::Error(EINVAL);
        }
        sk->tfo.no_cookie = val != 0;
        break;
      case TCP_KEEPIDLE:
      case TCP_KEEPINTVL:
      case TCP_KEEPCNT:
        if (val < 1) return CallResult::Error(EINVAL);
        break;  // keepalive probes are not modelled yet
      default:
        return CallResult::Error(ENOPROTOOPT);
    }
    RunLoopback();
    return CallResult::Ok(0);
  }
  if (level == IPPROTO_IPV6) return SetIpv6Option(sk, name, val);
  return CallResult::Error(ENOPROTOOPT);
}

CallResult Stack::Getsockopt(Instant now, int fd, int level, int name,
                             void* value, socklen_t* len) {
  AdvanceTo(now);
  CallResult error;
  Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return error;
  if (len == nullptr) return CallResult::Error(EFAULT);
  if (level == SOL_SOCKET) {
    switch (name) {
      case SO_ERROR: {
        // sock_error(), else the soft error (an ICMP's), each read once.
        int err = sk->err;
        sk->err = 0;
        if (err == 0) std::swap(err, sk->err_soft);
        return PutInt(err, value, len);
      }
      case SO_ZEROCOPY: return PutInt(sk->zc.enabled, value, len);
      case SO_TIMESTAMPING_OLD:
      case SO_TIMESTAMPING_NEW: return PutInt(static_cast<int>(sk->ts.flags), value, len);
      case SO_REUSEADDR: return PutInt(sk->reuseaddr, value, len);
      case SO_REUSEPORT: return PutInt(sk->reuseport, value, len);
      case SO_KEEPALIVE: return PutInt(sk->keepalive, value, len);
      case SO_RCVBUF: return PutInt(sk->rcvbuf, value, len);
      case SO_SNDBUF: return PutInt(sk->sndbuf, value, len);
      case SO_TYPE: return PutInt(SOCK_STREAM, value, len);
      case SO_DOMAIN: return PutInt(sk->domain, value, len);
      case SO_PROTOCOL: return PutInt(IPPROTO_TCP, value, len);
      case SO_ACCEPTCONN: return PutInt(sk->listening(), value, len);
      case SO_LINGER: {
        linger l{sk->linger ? 1 : 0, sk->linger_seconds};
        const socklen_t n = std::min<socklen_t>(*len, sizeof l);
        if (value != nullptr) std::memcpy(value, &l, n);
        *len = n;
        return CallResult::Ok(0);
      }
      default:
        return CallResult::Error(ENOPROTOOPT);
    }
  }
  if (level == IPPROTO_TCP) {
    switch (name) {
      case TCP_NODELAY: return PutInt(sk->nodelay, value, len);
      case TCP_CORK: return PutInt(sk->cork, value, len);
      case TCP_MAXSEG: {
        // mss_cache (536 before a connection), or TCP_MAXSEG's value on a
        // closed or listening socket.
        int mss = static_cast<int>(sk->mss_cache);
        if (sk->user_mss != 0 &&
            (sk->state == TcpState::kClose || sk->state == TcpState::kListen)) {
          mss = sk->user_mss;
        }
        return PutInt(mss, value, len);
      }
      case TCP_USER_TIMEOUT:
        return PutInt(static_cast<int>(sk->user_timeout_ms), value, len);
      case TCP_SYNCNT:
        return PutInt(sk->syn_retries != 0 ? sk->syn_retries : sysctls_.tcp_syn_retries,
                      value, len);
      case TCP_LINGER2:
        return PutInt(sk->linger2 < 0 ? -1
                      : sk->linger2 != 0 ? sk->linger2
                                         : sysctls_.tcp_fin_timeout,
                      value, len);
      case TCP_QUICKACK:
        return PutInt(InQuickackMode(sk) ? 1 : 0, value, len);
      case TCP_INQ:
        return PutInt(sk->recv_inq ? 1 : 0, value, len);
      case TCP_NOTSENT_LOWAT:
        return PutInt(static_cast<int>(sk->notsent_lowat), value, len);
      case TCP_DEFER_ACCEPT:
        return PutInt(RetransmitsToSeconds(sk->defer_accept), value, len);
      case TCP_FASTOPEN_CONNECT:
        return PutInt(sk->fastopen_connect ? 1 : 0, value, len);
      case TCP_FASTOPEN:
        return PutInt(sk->tfo.max_qlen, value, len);
      case TCP_FASTOPEN_NO_COOKIE:
        return PutInt(sk->tfo.no_cookie ? 1 : 0, value, len);
      case TCP_FASTOPEN_KEY: {
        // tcp_fastopen_get_cipher(): the socket's keys, else the sysctl's.
        std::vector<uint8_t> bytes;
        for (const SipKey& key : FastOpenKeys(sk)) {
          uint8_t k[kFastOpenKeyLength];
          FastOpenKeyToBytes(key, k);
          bytes.insert(bytes.end(), k, k + kFastOpenKeyLength);
        }
        const socklen_t n = std::min<socklen_t>(*len, static_cast<socklen_t>(bytes.size()));
        if (value != nullptr && n > 0) std::memcpy(value, bytes.data(), n);
        *len = n;
        return CallResult::Ok(0);
      }
      case TCP_INFO:
        if (static_cast<int>(*len) < 0) return CallResult::Error(EINVAL);
        FillTcpInfo(sk, value, len);
        return CallResult::Ok(0);
      case TCP_CONGESTION: {
        char name_text[16] = {};
        const std::string_view ca = sk->bbr ? "bbr" : sk->ca_ops->name;
        std::memcpy(name_text, ca.data(), std::min<size_t>(ca.size(), 15));
        const socklen_t n = std::min<socklen_t>(*len, sizeof name_text);
        if (value != nullptr) std::memcpy(value, name_text, n);
        *len = n;
        return CallResult::Ok(0);
      }
      default:
        return CallResult::Error(ENOPROTOOPT);
    }
  }
  // The TOS and traffic class read back with the ECN field TCP set
  // (measured: IP_TOS 0x13 reads 0x10, then 0x12 once data went ECT(0)).
  if (level == IPPROTO_IP && name == IP_TOS) {
    // do_ip_getsockopt(): a length below an int gets one byte.
    if (static_cast<int>(*len) > 0 && *len < static_cast<socklen_t>(sizeof(int))) {
      if (value != nullptr) std::memcpy(value, &sk->tos, 1);
      *len = 1;
      return CallResult::Ok(0);
    }
    return PutInt(sk->tos, value, len);
  }
  if (level == IPPROTO_IPV6 && name == IPV6_TCLASS) return PutInt(sk->tclass, value, len);
  return CallResult::Error(ENOPROTOOPT);
}

}  // namespace synack::stack
