// Explicit Congestion Notification (RFC 3168) as Linux 6.18's tcp_ecn.h
// does it for TCP: the SYN / SYN-ACK negotiation (tcp_ecn: 1 asks and
// accepts, 2 only accepts), ECT(0) on new data, ECE echoed from a CE mark
// until the peer's CWR, and CWR after our window was reduced. Each
// behaviour was measured on 6.18 (scripts/ecn/).
#include "runtime/stack/stack.h"

namespace synack::stack {

namespace {

namespace flag = wire::tcp_flag;

constexpr uint16_t kSynEcn = flag::kEce | flag::kCwr;  // TCPHDR_SYN_ECN's ECN part

bool EcnOk(const Sock* sk) { return (sk->ecn_flags & ecn_flag::kOk) != 0; }

// INET_ECN_xmit() and INET_ECN_dontxmit(): the socket's ECN field, in
// both the IPv4 TOS and the IPv6 traffic class.
void SetEct(Sock* sk, bool ect) {
  const auto set = [ect](uint8_t* dsfield) {
    *dsfield = static_cast<uint8_t>((*dsfield & ~ip_ecn::kMask) | (ect ? ip_ecn::kEct0 : 0));
  };
  set(&sk->tos);
  set(&sk->tclass);
}

}  // namespace

uint8_t Stack::Dsfield(const Sock* sk) const {
  // An AF_INET6 socket talking to an IPv4-mapped peer sends IPv4 packets
  // with inet->tos; IPv6 packets take np->tclass.
  return IsV4(sk->tuple.local.addr) ? sk->tos : sk->tclass;
}

// --- Negotiation (RFC 3168 §6.1.1) ----------------------------------------------

void Stack::EcnSendSyn(Sock* sk) {
  // tcp_ecn_send_syn(): tcp_ecn=1 asks for ECN with ECE and CWR on the SYN
  // (measured: `SEW`; tcp_ecn=2 and 0 send a plain `S`). The SYN itself
  // is not ECT.
  sk->ecn_flags = 0;
  sk->syn_ecn = 0;
  if (sysctls_.tcp_ecn == 1) {
    sk->syn_ecn = kSynEcn;
    sk->ecn_flags = ecn_flag::kOk;
  }
}

void Stack::EcnClearSyn(Sock* sk) {
  // tcp_ecn_clear_syn(), from tcp_retransmit_skb(): with tcp_ecn_fallback
  // a retransmitted SYN no longer asks for ECN, in case a middlebox drops
  // ECN-setup SYNs (RFC 3168 §6.1.1.1); nor does any later one (measured:
  // SEW, then S, S). The connection still takes ECN if the SYN-ACK offers it.
  if (sk->syn_ecn == kSynEcn && sysctls_.tcp_ecn_fallback != 0) sk->syn_ecn = 0;
}

void Stack::EcnSendSynAck(Sock* sk) {
  // tcp_ecn_send_synack(): a simultaneous open's SYN-ACK is our SYN again
  // without CWR, and without ECE unless ECN is still on.
  sk->syn_ecn &= static_cast<uint16_t>(~flag::kCwr);
  if (!EcnOk(sk)) sk->syn_ecn &= static_cast<uint16_t>(~flag::kEce);
}

void Stack::EcnRcvSynAck(Sock* sk, const Segment& seg) {
  // tcp_ecn_rcv_synack(): the peer agrees with ECE alone (measured: `SE.`
  // keeps ECN, `S.` turns it off). ECE with CWR, or with AE, is an
  // Accurate ECN answer (RFC 9768), which 6.18 takes up (measured: `SEW.`
  // is answered by `[ect0] W.`) and which is not modelled: ECN is off.
  const uint16_t ace = seg.th->flags & (flag::kEce | flag::kCwr | flag::kAe);
  if (ace != flag::kEce) sk->ecn_flags = 0;
}

void Stack::EcnRcvSyn(Sock* sk, const Segment& seg) {
  // tcp_ecn_rcv_syn(): in a simultaneous open the peer's SYN must ask for
  // ECN too.
  if (EcnOk(sk) && (!(seg.th->flags & flag::kEce) || !(seg.th->flags & flag::kCwr))) {
    sk->ecn_flags = 0;
  }
}

bool Stack::EcnCreateRequest(const Segment& seg) const {
  // tcp_ecn_create_request(): a SYN with ECE and CWR gets ECN when
  // tcp_ecn is 1 or 2, unless the SYN itself is ECT (RFC 3168 §6.1.1: a
  // SYN must not be; measured: `[ect0] SEW` is answered by `S.`) and
  // carries no reserved bits.
  const uint16_t flags = seg.th->flags;
  if ((flags & kSynEcn) != kSynEcn) return false;
  const bool ect = (seg.packet->tos & ip_ecn::kMask) != ip_ecn::kNotEct;
  return !ect && sysctls_.tcp_ecn != 0;
}

// --- Sending ---------------------------------------------------------------------

void Stack::EcnSend(Sock* sk, OutSegment* out, uint32_t len) {
  // tcp_ecn_send(), for every segment but a SYN: new data is ECT(0) and
  // carries a queued CWR (RFC 3168 §6.1.2); a pure ACK, a FIN alone or a
  // retransmission is not ECT (§6.1.5; measured: the RTO's and the loss
  // probe's retransmissions go `[noecn]`). ECE goes on everything while
  // the peer's CE is unanswered (§6.1.3).
  if (EcnOk(sk)) {
    if (len > 0 && !SeqBefore(out->seq, sk->snd_nxt)) {
      SetEct(sk, true);
      if (sk->ecn_flags & ecn_flag::kQueueCwr) {
        sk->ecn_flags &= static_cast<uint8_t>(~ecn_flag::kQueueCwr);
        out->flags |= flag::kCwr;
      }
    } else {
      SetEct(sk, false);
    }
    if (sk->ecn_flags & ecn_flag::kDemandCwr) out->flags |= flag::kEce;
  }
  out->tos = Dsfield(sk);
}

// --- Receiving -------------------------------------------------------------------

bool Stack::EcnRcvEcnEcho(const Sock* sk, const Segment& seg) const {
  // tcp_ecn_rcv_ecn_echo(): ECE on anything but a SYN.
  return EcnOk(sk) && (seg.th->flags & flag::kEce) && !seg.syn();
}

void Stack::EcnDataCheck(Sock* sk, const Segment& seg) {
  // tcp_data_ecn_check(), for data in sequence or out of order: CE asks
  // for ECE on our ACKs until the peer's CWR, and for an ACK at once
  // (measured: a CE mark on a pure ACK changes nothing).
  if (!EcnOk(sk)) return;
  switch (seg.packet->tos & ip_ecn::kMask) {
    case ip_ecn::kNotEct:
      // Not ECT after ECT was seen: probably a retransmission, which the
      // sender may send with a small window; do not delay the ACK.
      if (sk->ecn_flags & ecn_flag::kSeen) EnterQuickackMode(sk, 2);
      break;
    case ip_ecn::kCe:
      if (!(sk->ecn_flags & ecn_flag::kDemandCwr)) {
        EnterQuickackMode(sk, 2);
        sk->ecn_flags |= ecn_flag::kDemandCwr;
      }
      sk->ecn_flags |= ecn_flag::kSeen;
      break;
    default:
      sk->ecn_flags |= ecn_flag::kSeen;
      break;
  }
}

void Stack::EcnAcceptCwr(Sock* sk, const Segment& seg) {
  // tcp_ecn_accept_cwr(): the peer reduced its window; stop echoing. Any
  // acceptable segment counts (measured: CWR on a pure ACK and on a
  // retransmission of old data both end the echo); with data, ACK at once.
  if (!(seg.th->flags & flag::kCwr)) return;
  sk->ecn_flags &= static_cast<uint8_t>(~ecn_flag::kDemandCwr);
  if (seg.seq != seg.end_seq) sk->ack.now = true;
}

// --- Reducing the window ---------------------------------------------------------

void Stack::EcnQueueCwr(Sock* sk) {
  // tcp_ecn_queue_cwr(): tell the peer with the next new data.
  if (EcnOk(sk)) sk->ecn_flags |= ecn_flag::kQueueCwr;
}

void Stack::EcnWithdrawCwr(Sock* sk) {
  // tcp_ecn_withdraw_cwr(): an undone reduction need not be reported.
  sk->ecn_flags &= static_cast<uint8_t>(~ecn_flag::kQueueCwr);
}

void Stack::EnterCwr(Sock* sk) {
  // tcp_enter_cwr(): an ECE starts one reduction (PRR towards the
  // algorithm's ssthresh) unless one is already under way; undo will not
  // restore it (RFC 3168 §6.1.2: once per window of data).
  sk->prior_ssthresh = 0;
  if (sk->ca_state < CaState::kCwr) {
    sk->undo_marker = 0;
    InitCwndReduction(sk);
    SetCaState(sk, CaState::kCwr);
  }
}

}  // namespace synack::stack
