// Where the stack calls its congestion control, as Linux's tcp_cong.c and
// tcp_input.c do: choosing the algorithm, tcp_init_congestion_control, the
// ca_state changes and events, tcp_cong_control on each ACK, RTT samples
// for pkts_acked and the windowed min RTT, and cwnd restart after idle.
#include <algorithm>
#include <charconv>
#include <string>

#include "runtime/stack/stack.h"

namespace synack::stack {

int Stack::SysctlInt(const char* name, int fallback) const {
  // For the sysctls kept as text (Sysctls::unmodelled).
  std::string text;
  if (!sysctls_.Get(name, &text).empty()) return fallback;
  int value = fallback;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  (void)end;
  return ec == std::errc() ? value : fallback;
}

CaClock Stack::CaNow() const {
  return CaClock{static_cast<uint64_t>(Micros(now_.since_epoch)),
                 static_cast<uint32_t>(now_.since_epoch / kJiffy)};
}

bool Stack::SetCongestionControl(Sock* sk, std::string_view name) {
  // tcp_set_congestion_control(): a connection already under way starts
  // the new algorithm from its current window.
  const CongestionOps* ops = FindCongestionOps(name);
  if (ops == nullptr) return false;
  sk->bbr = name == "bbr";
  sk->ca_ops = ops;
  sk->ca_priv = {};
  if (sk->state != TcpState::kClose && sk->state != TcpState::kListen &&
      sk->state != TcpState::kSynSent && sk->ca_ops->init != nullptr) {
    sk->ca_ops->init(sk, CaNow());
  }
  return true;
}

void Stack::InitCongestionControl(Sock* sk) {
  // tcp_init_congestion_control() at tcp_init_transfer().
  sk->ca_priv = {};
  if (sk->ca_ops->init != nullptr) sk->ca_ops->init(sk, CaNow());
}

void Stack::SetCaState(Sock* sk, CaState state) {
  // tcp_set_ca_state(): the algorithm hears of it first.
  if (sk->ca_ops->set_state != nullptr) sk->ca_ops->set_state(sk, CaNow(), state);
  sk->ca_state = state;
  sk->in_loss = state == CaState::kLoss;
}

void Stack::CwndEvent(Sock* sk, CaEvent event) {
  if (sk->ca_ops->cwnd_event != nullptr) sk->ca_ops->cwnd_event(sk, CaNow(), event);
}

void Stack::PktsAcked(Sock* sk, uint32_t pkts_acked, int64_t rtt_us) {
  // The pkts_acked hook of tcp_clean_rtx_queue().
  if (sk->ca_ops->pkts_acked == nullptr) return;
  AckSample sample;
  sample.pkts_acked = pkts_acked;
  sample.rtt_us = rtt_us;
  sk->ca_ops->pkts_acked(sk, CaNow(), sample);
}

void Stack::CongControl(Sock* sk, uint32_t ack, uint32_t acked_sacked, int flag) {
  // tcp_cong_control(): in CWR or Recovery the reduction (PRR) sets cwnd;
  // otherwise the algorithm may grow it when new data was acknowledged, or
  // with reordering seen, when anything was delivered (tcp_may_raise_cwnd).
  const bool may_raise = sk->reordering > 3 ? (flag & ack_flag::kForwardProgress) != 0
                                            : (flag & ack_flag::kDataAcked) != 0;
  if (sk->ca_state == CaState::kCwr || sk->ca_state == CaState::kRecovery) {
    CwndReduction(sk, acked_sacked);
  } else if (may_raise && acked_sacked > 0) {
    sk->ca_ops->cong_avoid(sk, CaNow(), ack, acked_sacked);
  }
  UpdatePacingRate(sk);
}

uint32_t Stack::CurrentSsthresh(const Sock* sk) const {
  // tcp_current_ssthresh(): ssthresh, or 3/4 of cwnd if that is more
  // (outside a reduction).
  if (sk->ca_state == CaState::kCwr || sk->ca_state == CaState::kRecovery) {
    return sk->ssthresh;
  }
  return std::max(sk->ssthresh, (sk->cwnd >> 1) + (sk->cwnd >> 2));
}

void Stack::SlowStartAfterIdleCheck(Sock* sk) {
  // tcp_slow_start_after_idle_check() and tcp_cwnd_restart(): after more
  // than an RTO without sending, cwnd halves for each RTO idle, down to
  // the initial window (RFC 2861 §3, RFC 5681 §4.1). Not with the sysctl
  // off, with data in flight, or for an algorithm that sets cwnd itself
  // (ca_ops->cong_control: bbr).
  if (SysctlInt("net.ipv4.tcp_slow_start_after_idle", 1) == 0 || sk->packets_out() != 0 ||
      sk->bbr) {
    return;
  }
  const int64_t delta_j = Jiffies(now_) - Jiffies(sk->lsndtime);
  const int64_t rto_j = sk->rto / kJiffy;
  if (delta_j <= rto_j) return;
  CwndEvent(sk, CaEvent::kCwndRestart);
  sk->ssthresh = CurrentSsthresh(sk);
  const uint32_t restart_cwnd = std::min<uint32_t>(10, sk->cwnd);
  uint32_t cwnd = sk->cwnd;
  int64_t delta = delta_j;
  while ((delta -= rto_j) > 0 && cwnd > restart_cwnd) cwnd >>= 1;
  sk->cwnd = std::max(cwnd, restart_cwnd);
}

void Stack::UpdateRttMin(Sock* sk, int64_t rtt_us, bool maybe_delayed) {
  // tcp_update_rtt_min(): a windowed minimum over tcp_min_rtt_wlen
  // seconds; a probably delayed ACK's longer sample is left out.
  if (maybe_delayed && sk->min_rtt_us && rtt_us > *sk->min_rtt_us) return;
  const uint32_t wlen = 300 * 250;  // tcp_min_rtt_wlen (300 s) in jiffies
  const uint32_t v = rtt_us > 0 ? static_cast<uint32_t>(rtt_us)
                                : static_cast<uint32_t>(Micros(kJiffy));
  if (!sk->min_rtt_us) sk->rtt_min.Reset(static_cast<uint32_t>(Jiffies(now_)), ~0u);
  sk->min_rtt_us = sk->rtt_min.Update(wlen, static_cast<uint32_t>(Jiffies(now_)), v);
}

}  // namespace synack::stack
