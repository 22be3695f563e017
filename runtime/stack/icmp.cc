// ICMP errors about the stack's own TCP segments: what icmp_rcv() /
// icmp_unreach() and icmpv6_rcv() check and count, then tcp_v4_err() and
// tcp_v6_err() (RFC 1122 §4.2.3.9, RFC 5927 §4.1's sequence check), path
// MTU discovery (RFC 1191, RFC 8201) through tcp_v4_mtu_reduced() /
// tcp_v6_mtu_reduced() and tcp_simple_retransmit(), and the route's PMTU
// cache those update; RFC 6069's revert of the RTO backoff
// (tcp_ld_RTO_revert()). Informational ICMP (echo) is not modelled: the
// stack neither counts nor answers it.
#include <algorithm>
#include <cerrno>

#include "runtime/stack/stack.h"
#include "runtime/wire/bytes.h"

namespace synack::stack {
namespace {

// ICMP (RFC 792) types and codes that tcp_v4_err() tells apart.
constexpr uint8_t kIcmpDestUnreach = 3, kIcmpSourceQuench = 4, kIcmpRedirect = 5,
                  kIcmpTimeExceeded = 11, kIcmpParameterProb = 12;
constexpr uint8_t kIcmpNetUnreach = 0, kIcmpHostUnreach = 1, kIcmpFragNeeded = 4;
constexpr uint8_t kNrIcmpUnreach = 15;  // NR_ICMP_UNREACH
// ICMPv6 (RFC 4443).
constexpr uint8_t kIcmpv6DestUnreach = 1, kIcmpv6PktTooBig = 2, kIcmpv6TimeExceed = 3,
                  kIcmpv6ParamProb = 4, kNdiscRedirect = 137;
constexpr uint8_t kIcmpv6InfoMsgMask = 0x80;  // ICMPV6_INFOMSG_MASK
constexpr uint32_t kIpv6MinMtu = 1280;        // IPV6_MIN_MTU
// net.ipv4.route.min_pmtu and mtu_expires, net.ipv6.route.mtu_expires:
// their defaults (552 bytes, 600 s).
constexpr uint32_t kIpRtMinPmtu = 552;
constexpr Duration kRtMtuExpires = std::chrono::seconds(600);

// icmp_err_convert[]: the errno of each destination-unreachable code
// (whether Linux calls it fatal does not matter to TCP's connected case).
int UnreachErrno(uint8_t code) {
  switch (code) {
    case 0: return ENETUNREACH;   // ICMP_NET_UNREACH
    case 1: return EHOSTUNREACH;  // ICMP_HOST_UNREACH
    case 2: return ENOPROTOOPT;   // ICMP_PROT_UNREACH
    case 3: return ECONNREFUSED;  // ICMP_PORT_UNREACH
    case 4: return EMSGSIZE;      // ICMP_FRAG_NEEDED
    case 5: return EOPNOTSUPP;    // ICMP_SR_FAILED
    case 6: return ENETUNREACH;   // ICMP_NET_UNKNOWN
    case 7: return EHOSTDOWN;     // ICMP_HOST_UNKNOWN
    case 8: return ENONET;        // ICMP_HOST_ISOLATED
    case 9: return ENETUNREACH;   // ICMP_NET_ANO
    case 10: return EHOSTUNREACH; // ICMP_HOST_ANO
    case 11: return ENETUNREACH;  // ICMP_NET_UNR_TOS
    default: return EHOSTUNREACH; // 12..15: HOST_UNR_TOS .. PREC_CUTOFF
  }
}

// icmpv6_err_convert(): the errno, and whether the error is fatal (which
// decides whether it drops a request).
int Icmpv6Errno(uint8_t type, uint8_t code, bool* fatal) {
  *fatal = false;
  switch (type) {
    case kIcmpv6DestUnreach:
      switch (code) {
        case 0: return ENETUNREACH;  // ICMPV6_NOROUTE
        case 1: *fatal = true; return EACCES;  // ICMPV6_ADM_PROHIBITED
        case 2: return EHOSTUNREACH;  // ICMPV6_NOT_NEIGHBOUR
        case 3: return EHOSTUNREACH;  // ICMPV6_ADDR_UNREACH
        case 4: *fatal = true; return ECONNREFUSED;  // ICMPV6_PORT_UNREACH
        case 5: *fatal = true; return EACCES;  // ICMPV6_POLICY_FAIL
        case 6: *fatal = true; return EACCES;  // ICMPV6_REJECT_ROUTE
        default: return EPROTO;
      }
    case kIcmpv6PktTooBig: return EMSGSIZE;
    case kIcmpv6ParamProb: *fatal = true; return EPROTO;
    case kIcmpv6TimeExceed: return EHOSTUNREACH;
    default: return EPROTO;
  }
}

wire::IpAddress AddressAt(const uint8_t* p, bool ipv6) {
  wire::IpAddress a;
  a.family = ipv6 ? AF_INET6 : AF_INET;
  std::copy(p, p + (ipv6 ? 16 : 4), a.bytes.begin());
  return a;
}

}  // namespace

// --- ICMP input ---------------------------------------------------------------

void Stack::IcmpInput(const wire::Packet& packet) {
  const auto& icmp = std::get<wire::IcmpHeader>(packet.l4);
  const bool ipv6 = packet.is_ipv6();
  const std::vector<uint8_t>& quoted = icmp.quoted;
  if (!ipv6) {
    // icmp_rcv(): ICMP_MIB_INMSGS and the per-type count, for the error
    // types that icmp_unreach() hands to the transport.
    Counter type_counter, msg_counter;
    switch (icmp.type) {
      case kIcmpDestUnreach:
        type_counter = Counter::kIcmpInDestUnreachs;
        msg_counter = Counter::kIcmpMsgInType3;
        break;
      case kIcmpSourceQuench:
        type_counter = Counter::kIcmpInSrcQuenchs;
        msg_counter = Counter::kIcmpMsgInType4;
        break;
      case kIcmpRedirect:
        type_counter = Counter::kIcmpInRedirects;
        msg_counter = Counter::kIcmpMsgInType5;
        break;
      case kIcmpTimeExceeded:
        type_counter = Counter::kIcmpInTimeExcds;
        msg_counter = Counter::kIcmpMsgInType11;
        break;
      case kIcmpParameterProb:
        type_counter = Counter::kIcmpInParmProbs;
        msg_counter = Counter::kIcmpMsgInType12;
        break;
      default:
        return;
    }
    counters_.Inc(Counter::kIcmpInMsgs);
    counters_.Inc(type_counter);
    counters_.Inc(msg_counter);
    // icmp_unreach(): a quoted IP header shorter than 20 bytes is mangled.
    const size_t ihl = quoted.empty() ? 0 : size_t{quoted[0] & 0x0fu} * 4;
    if (quoted.size() < 20 || ihl < 20) {
      counters_.Inc(Counter::kIcmpInErrors);
      return;
    }
    if (icmp.type == kIcmpDestUnreach && icmp.code > kNrIcmpUnreach) return;
    // icmp_socket_deliver(): the IP header and 8 bytes of what it carried.
    if (quoted.size() < ihl + 8) {
      counters_.Inc(Counter::kIcmpInErrors);
      return;
    }
    // icmp_unreach(): frag-needed carries the next-hop MTU
    // (net.ipv4.ip_no_pmtu_disc 0); parameter problem, the pointer.
    uint32_t info = 0;
    if (icmp.type == kIcmpDestUnreach && icmp.code == kIcmpFragNeeded) {
      info = icmp.rest & 0xffff;
    } else if (icmp.type == kIcmpParameterProb) {
      info = icmp.rest >> 24;
    }
    const uint8_t protocol = quoted[9];
    if (protocol == wire::ip_proto::kTcp) {
      TcpErr(packet, AddressAt(&quoted[12], false), AddressAt(&quoted[16], false),
             &quoted[ihl], info);
    } else if (protocol == wire::ip_proto::kUdp) {
      // udp_err(): the stack has no UDP sockets to find.
      counters_.Inc(Counter::kIcmpInErrors);
    }
    return;
  }
  // icmpv6_rcv(): informational messages are not for the transport.
  if (icmp.type & kIcmpv6InfoMsgMask) return;
  counters_.Inc(Counter::kIcmp6InMsgs);
  switch (icmp.type) {
    case kIcmpv6DestUnreach:
      counters_.Inc(Counter::kIcmp6InDestUnreachs);
      counters_.Inc(Counter::kIcmp6InType1);
      break;
    case kIcmpv6PktTooBig:
      counters_.Inc(Counter::kIcmp6InPktTooBigs);
      counters_.Inc(Counter::kIcmp6InType2);
      break;
    case kIcmpv6TimeExceed:
      counters_.Inc(Counter::kIcmp6InTimeExcds);
      counters_.Inc(Counter::kIcmp6InType3);
      break;
    case kIcmpv6ParamProb:
      counters_.Inc(Counter::kIcmp6InParmProblems);
      counters_.Inc(Counter::kIcmp6InType4);
      break;
    default:
      break;  // an error of unknown type still goes up (icmpv6_notify())
  }
  // icmpv6_notify(): the quoted IPv6 header and 8 bytes after it (the
  // stack sends no extension headers, so TCP follows at once).
  if (quoted.size() < 40 + 8 || (quoted[0] >> 4) != 6 ||
      quoted[6] != wire::ip_proto::kTcp) {
    return;
  }
  TcpErr(packet, AddressAt(&quoted[8], true), AddressAt(&quoted[24], true), &quoted[40],
         icmp.rest);
}

// --- tcp_v4_err() / tcp_v6_err() -------------------------------------------------

void Stack::TcpErr(const wire::Packet& packet, const wire::IpAddress& quoted_src,
                   const wire::IpAddress& quoted_dst, const uint8_t* th, uint32_t info) {
  const auto& icmp = std::get<wire::IcmpHeader>(packet.l4);
  const bool ipv6 = packet.is_ipv6();
  const uint8_t type = icmp.type, code = icmp.code;
  // The quoted segment went from us to the peer.
  FourTuple tuple;
  tuple.local = {quoted_src, wire::Load16(th)};
  tuple.remote = {quoted_dst, wire::Load16(th + 2)};
  const uint32_t seq = wire::Load32(th + 4);

  // What the error means (tcp_v6_err() converts first, tcp_v4_err() per type).
  bool fatal = false;
  const int err6 = ipv6 ? Icmpv6Errno(type, code, &fatal) : 0;
  // __inet_lookup_established(): connections, TIME_WAIT, then requests
  // (which sit in the established hash in Linux, in their listener here).
  Sock* sk = FindConnection(tuple);
  if (sk == nullptr) {
    if (timewait_.count(tuple) != 0) return;  // TIME_WAIT ignores ICMP
    Sock* listener = FindListener(tuple.local);
    RequestSock* req = listener != nullptr ? FindReq(listener, tuple) : nullptr;
    if (req == nullptr) {
      counters_.Inc(ipv6 ? Counter::kIcmp6InErrors : Counter::kIcmpInErrors);
      return;
    }
    // tcp_req_err(): which errors drop a request still in SYN_RECV.
    const bool abort =
        ipv6 ? fatal
             : type == kIcmpParameterProb || type == kIcmpTimeExceeded ||
                   (type == kIcmpDestUnreach &&
                    (code == kIcmpNetUnreach || code == kIcmpHostUnreach));
    ReqErr(listener, req, seq, abort);
    return;
  }

  // RFC 5927 §4.1: only an error about data in flight is believed. A Fast
  // Open child's snd_una is past its SYN-ACK, so its ISN counts instead.
  const uint32_t snd_una = sk->fastopen_rsk ? sk->fastopen_rsk->snt_isn : sk->snd_una;
  if (!SeqBetween(seq, snd_una, sk->snd_nxt)) {
    counters_.Inc(Counter::kTcpExtOutOfWindowIcmps);
    return;
  }

  int err = 0;
  if (!ipv6) {
    switch (type) {
      case kIcmpRedirect:       // do_redirect(): the route, not TCP
      case kIcmpSourceQuench:   // silently ignored
        return;
      case kIcmpParameterProb:
        err = EPROTO;
        break;
      case kIcmpDestUnreach:
        if (code == kIcmpFragNeeded) {
          // RFC 1191: the path MTU drops (tp->mtu_info), at once.
          MtuReduced(sk, info);
          return;
        }
        err = UnreachErrno(code);
        // RFC 6069: a net or host unreachable may undo a backoff.
        if (!sk->fastopen_rsk && (code == kIcmpNetUnreach || code == kIcmpHostUnreach)) {
          LdRtoRevert(sk, seq);
        }
        break;
      case kIcmpTimeExceeded:
        err = EHOSTUNREACH;
        break;
      default:
        return;
    }
  } else {
    if (type == kNdiscRedirect) return;
    if (type == kIcmpv6PktTooBig) {
      // RFC 8201: an MTU under the IPv6 minimum is ignored.
      if (info < kIpv6MinMtu) return;
      MtuReduced(sk, info);
      return;
    }
    err = err6;
  }

  switch (sk->state) {
    case TcpState::kSynSent:
    case TcpState::kSynRecv:
      // A connection not yet synchronized dies of the error (simultaneous
      // or Fast Open), unless it is a Fast Open child already accepted,
      // which is treated as connected below. ip_icmp_error() queues the
      // error only with IP_RECVERR, which the stack does not offer.
      if (sk->fastopen_rsk && !sk->in_accept_queue) break;
      DoneWithError(sk, err);
      return;
    default:
      // tcp_v6_err(): RFC 6069 for "no route to destination" only.
      if (ipv6 && !sk->fastopen_rsk && type == kIcmpv6DestUnreach && code == 0) {
        LdRtoRevert(sk, seq);
      }
      break;
  }
  // RFC 1122 §4.2.3.9: on a synchronized connection an ICMP error is soft:
  // it is what the connection reports if it then times out (and what
  // SO_ERROR returns). With IP_RECVERR it would be a hard error.
  sk->err_soft = err;
}

void Stack::LdRtoRevert(Sock* sk, uint32_t seq) {
  // tcp_ld_RTO_revert(): an error about the oldest unacknowledged segment
  // while the RTO is backed off (RFC 6069 §4: the path may be down rather
  // than congested) undoes one backoff; the timer then runs from that
  // segment's last transmission and fires at once if that time is past.
  if (seq != sk->snd_una || sk->retransmits == 0 || sk->backoff == 0) return;
  if (sk->rtx_queue.empty()) return;
  --sk->backoff;
  const Duration rto_max = std::chrono::milliseconds(sysctls_.tcp_rto_max_ms);
  Duration rto = kTimeoutInit;
  if (sk->srtt_us != 0) {
    rto = RoundUpToJiffy(std::chrono::microseconds((sk->srtt_us >> 3) + sk->rttvar_us));
  }
  // inet_csk_rto_backoff(): the RTO shifted by what is left of the backoff.
  sk->rto = std::min<Duration>(rto * (int64_t{1} << std::min(sk->backoff, 30)), rto_max);
  const Duration elapsed = RoundUpToJiffy(now_ - sk->rtx_queue.front().last_sent);
  if (sk->rto > elapsed) {
    ArmRetransmitTimer(sk, sk->rto - elapsed);
  } else {
    RetransmitTimerFired(sk);
  }
}

void Stack::ReqErr(Sock* listener, RequestSock* req, uint32_t seq, bool abort) {
  // tcp_req_err(): an error must quote our SYN-ACK's ISN; then it drops
  // the request silently (POSIX wants no network errors from accept()).
  if (seq != req->snt_isn) {
    counters_.Inc(Counter::kTcpExtOutOfWindowIcmps);
    return;
  }
  if (!abort) return;
  DropReq(listener, req->tuple);
  counters_.Inc(Counter::kTcpExtListenDrops);  // tcp_listendrop()
}

// --- Path MTU ---------------------------------------------------------------------

int Stack::PathMtu(const wire::IpAddress& remote) const {
  // ipv4_mtu() / ip6_mtu(): the route's learned PMTU until it expires,
  // else the device's.
  if (pmtu_.empty()) return config_.mtu;  // the common case, without a lookup
  if (auto it = pmtu_.find(remote.ToString()); it != pmtu_.end() && now_ < it->second.expires) {
    return std::min<int>(config_.mtu, static_cast<int>(it->second.mtu));
  }
  return config_.mtu;
}

void Stack::UpdatePmtu(const wire::IpAddress& remote, uint32_t mtu) {
  // __ip_rt_update_pmtu() / __ip6_rt_update_pmtu(): only ever lower; an
  // IPv4 MTU below route.min_pmtu is raised to it; the entry lasts
  // mtu_expires (update_or_create_fnhe()).
  const auto old_mtu = static_cast<uint32_t>(PathMtu(remote));
  if (IsV4(remote)) {
    if (old_mtu < mtu) return;
    if (mtu < kIpRtMinPmtu) mtu = std::min(old_mtu, kIpRtMinPmtu);
  } else {
    mtu = std::max(mtu, kIpv6MinMtu);
    if (mtu >= old_mtu) return;
  }
  pmtu_[remote.ToString()] = {mtu, now_ + kRtMtuExpires};
}

void Stack::MtuReduced(Sock* sk, uint32_t mtu) {
  // tcp_v4_mtu_reduced() / tcp_v6_mtu_reduced(): not for a listener or a
  // closed socket (both unreachable here: neither is in the lookup).
  const bool v4 = IsV4(sk->tuple.remote.addr);
  // tcp_v6_mtu_reduced() drops a report that would not lower the MSS
  // (tcp_mtu_to_mss(): headers and the timestamp option off the MTU).
  const uint32_t header = (v4 ? 40 : 60) + (sk->tstamp_ok ? 12 : 0);
  if (!v4 && mtu - header >= sk->mss_cache) return;
  UpdatePmtu(sk->tuple.remote.addr, mtu);
  // The soft error a connection that cannot recover reports (IPv4, DF set).
  const auto path_mtu = static_cast<uint32_t>(PathMtu(sk->tuple.remote.addr));
  if (v4 && mtu < path_mtu) sk->err_soft = EMSGSIZE;
  if (sk->pmtu_cookie <= path_mtu) return;  // the usual RTO deals with it
  const uint32_t prior_mss = sk->mss_cache;
  SyncMss(sk);
  // Resend what no longer fits at once: the new "fast" path MTU discovery.
  SimpleRetransmit(sk, prior_mss);
}

void Stack::SimpleRetransmit(Sock* sk, uint32_t prior_mss) {
  // tcp_simple_retransmit(): every skb bigger than the new MSS is lost. A
  // Fast Open SYN in SYN_SENT went as SYN and data in one packet, which
  // the queue's sizes do not show: everything is lost (commit c31b70c9968f).
  // A multi-segment skb's segment size (tcp_skb_seglen()) is the MSS it
  // was cut with, taken here as the MSS before the change.
  const bool all = sk->tfo.syn_data && sk->state == TcpState::kSynSent;
  const uint32_t mss = CurrentMss(sk);
  for (SentSegment& skb : sk->rtx_queue) {
    const uint32_t len = skb.end - skb.seq;
    const uint32_t seglen = skb.pcount > 1 ? prior_mss : len;
    if (!all && seglen <= mss) continue;
    MarkSkbLost(sk, &skb);
    // __tcp_retransmit_skb() counts its segments again at the new MSS
    // (tcp_set_skb_tso_segs(); measured: 2000 bytes sent at MSS 1000 and
    // resent at 660 add 4 to TcpRetransSegs).
    if (!skb.syn) skb.pcount = std::max<uint32_t>(1, (len + sk->mss_cache - 1) / sk->mss_cache);
  }
  if (sk->lost_out() == 0) return;
  // cwnd and ssthresh stay: the units changed, not the data in flight.
  if (sk->ca_state != CaState::kLoss) {
    sk->high_seq = sk->snd_nxt;
    sk->ssthresh = CurrentSsthresh(sk);
    sk->prior_ssthresh = 0;
    sk->undo_marker = 0;
    SetCaState(sk, CaState::kLoss);
  }
  SentSegment& head = sk->rtx_queue.front();
  if (head.syn) {
    // tcp_xmit_retransmit_queue() with our SYN unacknowledged: the SYN goes
    // again (without the Fast Open option, tcp_send_syn_data()); nothing
    // after it fits the window the peer has not opened yet
    // (__tcp_retransmit_skb()'s avail_wnd).
    if (head.retrans) return;
    RetransmitHead(sk);
    head.retrans = true;
    ArmRetransmitTimer(sk, sk->rto);
    return;
  }
  XmitRetransmitQueue(sk);
}

}  // namespace synack::stack
