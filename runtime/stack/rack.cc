// RACK loss detection (RFC 8985 §6) as Linux's tcp_recovery.c: a segment
// is lost once a segment sent after it has been delivered and a reordering
// window has passed since; the window is min_rtt / 4 (in steps widened by
// D-SACKs), or zero while no reordering has been seen and the dupthresh
// rule would already apply. Also the marking of an RTO
// (tcp_timeout_mark_lost) and tcp_mark_skb_lost().
#include <algorithm>
#include <numeric>

#include "runtime/stack/stack.h"

namespace synack::stack {

namespace {

// tcp_skb_sent_after(): t1/seq1 sent after t2/seq2 (ties by sequence).
// At one instant of the virtual clock a later event's send is later, as a
// later tcp_mstamp would make it on Linux; only the sends of one event
// tie (SentSegment::last_sent_event).
bool SentAfter(Instant t1, uint64_t e1, Instant t2, uint64_t e2, uint32_t seq1,
               uint32_t seq2) {
  if (t1 != t2) return t1 > t2;
  if (e1 != e2) return e1 > e2;
  return SeqAfter(seq1, seq2);
}

constexpr int64_t kTimeoutMinUs = 2000;  // TCP_TIMEOUT_MIN_US

}  // namespace

void Stack::MarkSkbLost(Sock* /*sk*/, SentSegment* skb) {
  // tcp_mark_skb_lost(): a SACKed segment is never lost; a lost one sent
  // again is lost again (its retransmission no longer in flight).
  if (skb->sacked) return;
  if (skb->lost) {
    skb->retrans = false;
  } else {
    skb->lost = true;
  }
}

void Stack::TimeoutMarkLost(Sock* sk) {
  // tcp_timeout_mark_lost(): at an RTO everything not SACKed is lost,
  // except segments sent within RACK's RTT of now (the head always is). A
  // SACKed head means the peer reneged: SACK marks are forgotten.
  if (sk->rtx_queue.empty()) return;
  const bool reneg = sk->rtx_queue.front().sacked;
  if (reneg) {
    sk->is_sack_reneg = true;
  } else if (!sk->sack_ok) {
    sk->reno_sacked = 0;
  }
  for (size_t i = 0; i < sk->rtx_queue.size(); ++i) {
    SentSegment& skb = sk->rtx_queue[i];
    if (reneg) {
      skb.sacked = false;
    } else if (i != 0 &&
               int64_t{sk->rack.rtt_us} - Micros(now_ - skb.last_sent) > 0) {
      continue;
    }
    MarkSkbLost(sk, &skb);
  }
}

void Stack::RackAdvance(Sock* sk, bool ever_retrans, uint32_t end_seq, Instant xmit_time,
                        uint64_t xmit_event) {
  // tcp_rack_advance(): remember the latest-sent segment delivered. A
  // retransmitted one delivered sooner than the min RTT may be the
  // original's delivery: ambiguous, skipped.
  const int64_t rtt_us = Micros(now_ - xmit_time);
  if (ever_retrans && sk->min_rtt_us && rtt_us < int64_t{*sk->min_rtt_us}) return;
  sk->rack.advanced = true;
  sk->rack.rtt_us = static_cast<uint32_t>(std::max<int64_t>(rtt_us, 0));
  if (SentAfter(xmit_time, xmit_event, sk->rack.mstamp, sk->rack.mstamp_event, end_seq,
                sk->rack.end_seq)) {
    sk->rack.mstamp = xmit_time;
    sk->rack.mstamp_event = xmit_event;
    sk->rack.end_seq = end_seq;
  }
}

uint32_t Stack::RackReoWnd(const Sock* sk) const {
  // tcp_rack_reo_wnd(): no window in recovery, or once dupthresh SACKs
  // are in, while no reordering has been seen; else min_rtt / 4 per step,
  // at most srtt.
  if (sk->reord_seen == 0) {
    if (sk->ca_state >= CaState::kRecovery) return 0;
    const int recovery = SysctlInt("net.ipv4.tcp_recovery", 1);
    if (sk->sacked_out() >= sk->reordering && !(recovery & 0x4)) return 0;
  }
  const uint32_t min_rtt = sk->min_rtt_us.value_or(~0u);
  const uint64_t wnd = uint64_t{min_rtt >> 2} * sk->rack.reo_wnd_steps;
  return static_cast<uint32_t>(std::min<uint64_t>(wnd, sk->srtt_us >> 3));
}

void Stack::RackDetectLoss(Sock* sk, uint32_t* reo_timeout) {
  // tcp_rack_detect_loss(): walk the segments in the order they were
  // (re)sent, up to RACK's reference; each is lost once its RTT plus the
  // window has passed, else the longest wait is the timer's.
  *reo_timeout = 0;
  const uint32_t reo_wnd = RackReoWnd(sk);
  std::vector<size_t> order(sk->rtx_queue.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [sk](size_t a, size_t b) {
    const SentSegment& x = sk->rtx_queue[a];
    const SentSegment& y = sk->rtx_queue[b];
    if (x.last_sent != y.last_sent) return x.last_sent < y.last_sent;
    return x.last_sent_event < y.last_sent_event;
  });
  for (size_t index : order) {
    SentSegment& skb = sk->rtx_queue[index];
    if (skb.sacked || skb.syn) continue;
    // Marked lost and not yet sent again: nothing to decide.
    if (skb.lost && !skb.retrans) continue;
    if (!SentAfter(sk->rack.mstamp, sk->rack.mstamp_event, skb.last_sent, skb.last_sent_event,
                   sk->rack.end_seq, skb.end)) {
      break;
    }
    const int64_t remaining =
        int64_t{sk->rack.rtt_us} + reo_wnd - Micros(now_ - skb.last_sent);
    if (remaining <= 0) {
      MarkSkbLost(sk, &skb);
    } else {
      *reo_timeout = std::max(*reo_timeout, static_cast<uint32_t>(remaining));
    }
  }
}

bool Stack::RackMarkLost(Sock* sk) {
  // tcp_rack_mark_lost(): after RACK advanced, mark what it shows lost;
  // arm the reordering timer for what may yet be. True if it armed it.
  if (!sk->rack.advanced) return false;
  sk->rack.advanced = false;
  uint32_t timeout = 0;
  RackDetectLoss(sk, &timeout);
  if (timeout == 0) return false;
  const Duration when = RoundUpToJiffy(std::chrono::microseconds(timeout + kTimeoutMinUs));
  sk->write_timer = ReorderTimer{now_ + std::min<Duration>(when, sk->rto)};
  ScheduleTimer(sk, TimerKind::kWrite);
  return true;
}

void Stack::RackReoTimeout(Sock* sk) {
  // tcp_rack_reo_timeout(): the window passed. Newly lost segments start
  // recovery (with one segment's PRR credit) and go again.
  const uint32_t prior_inflight = InFlight(sk);
  uint32_t timeout = 0;
  RackDetectLoss(sk, &timeout);
  if (prior_inflight != InFlight(sk)) {
    if (sk->ca_state != CaState::kRecovery) {
      EnterRecovery(sk, false);
      sk->prr_snd_una_advanced = false;
      sk->prr_newly_lost = 1;
      CwndReduction(sk, 1);
    }
    XmitRetransmitQueue(sk);
  }
  if (!std::holds_alternative<RetransmitTimer>(sk->write_timer)) RearmRto(sk);
}

void Stack::RackUpdateReoWnd(Sock* sk, uint32_t prior_delivered) {
  // tcp_rack_update_reo_wnd(): a D-SACK (at most once a round trip)
  // widens the window by a step for 16 recoveries; then back to one.
  const int recovery = SysctlInt("net.ipv4.tcp_recovery", 1);
  if ((recovery & 0x2) || prior_delivered == 0) return;
  if (SeqBefore(prior_delivered, sk->rack.last_delivered)) sk->rack.dsack_seen = false;
  if (sk->rack.dsack_seen) {
    sk->rack.reo_wnd_steps = static_cast<uint8_t>(std::min(0xff, sk->rack.reo_wnd_steps + 1));
    sk->rack.dsack_seen = false;
    sk->rack.last_delivered = sk->delivered;
    sk->rack.reo_wnd_persist = 16;  // TCP_RACK_RECOVERY_THRESH
  } else if (sk->rack.reo_wnd_persist == 0) {
    sk->rack.reo_wnd_steps = 1;
  }
}

}  // namespace synack::stack
