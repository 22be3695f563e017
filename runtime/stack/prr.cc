// Proportional Rate Reduction (RFC 6937) as Linux's tcp_cwnd_reduction():
// during fast recovery and CWR, cwnd follows what the peer delivers, so that
// the window shrinks to ssthresh over one round trip instead of at once.
#include <algorithm>

#include "runtime/stack/stack.h"

namespace synack::stack {

void Stack::InitCwndReduction(Sock* sk) {
  // tcp_init_cwnd_reduction(): remember the window, ask the algorithm for
  // ssthresh, and count from zero what is delivered and sent meanwhile.
  sk->high_seq = sk->snd_nxt;
  sk->tlp_high_seq.reset();
  sk->cwnd_cnt = 0;
  sk->prior_cwnd = sk->cwnd;
  sk->prr_delivered = 0;
  sk->prr_out = 0;
  sk->ssthresh = sk->ca_ops->ssthresh(sk);
  EcnQueueCwr(sk);
}

void Stack::CwndReduction(Sock* sk, uint32_t newly_acked_sacked) {
  // tcp_cwnd_reduction(). Above ssthresh, send in proportion to what was
  // delivered (RFC 6937's PRR); below it, slow start back up to ssthresh
  // (PRR-SSRB: one more for an ACK that advances snd_una).
  if (newly_acked_sacked == 0 || sk->prior_cwnd == 0) return;
  const uint32_t in_flight = InFlight(sk);
  const int64_t delta = int64_t{sk->ssthresh} - in_flight;
  sk->prr_delivered += newly_acked_sacked;
  int64_t sndcnt = 0;
  if (delta < 0) {
    const uint64_t dividend =
        uint64_t{sk->ssthresh} * sk->prr_delivered + sk->prior_cwnd - 1;
    sndcnt = static_cast<int64_t>(dividend / sk->prior_cwnd) - sk->prr_out;
  } else {
    sndcnt = std::max<int64_t>(int64_t{sk->prr_delivered} - sk->prr_out,
                               newly_acked_sacked);
    if (sk->prr_snd_una_advanced && sk->prr_newly_lost == 0) ++sndcnt;
    sndcnt = std::min(delta, sndcnt);
  }
  // A fast retransmit goes out on entering recovery, whatever the count.
  sndcnt = std::max<int64_t>(sndcnt, sk->prr_out != 0 ? 0 : 1);
  sk->cwnd = static_cast<uint32_t>(std::max<int64_t>(in_flight + sndcnt, 0));
}

void Stack::EndCwndReduction(Sock* sk) {
  // tcp_end_cwnd_reduction(): cwnd lands on ssthresh, unless the
  // reduction was undone.
  if (sk->ssthresh < 0x7fffffff &&
      (sk->ca_state == CaState::kCwr || sk->undo_marker != 0)) {
    sk->cwnd = sk->ssthresh;
  }
  CwndEvent(sk, CaEvent::kCompleteCwr);
}

}  // namespace synack::stack
