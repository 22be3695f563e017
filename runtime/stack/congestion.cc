// The helpers Linux's congestion-control algorithms share (tcp_cong.c) and
// the table of algorithms by name.
#include "runtime/stack/congestion.h"

#include <algorithm>

#include "runtime/stack/sock.h"

namespace synack::stack {

const CongestionOps* FindCongestionOps(std::string_view name) {
  if (name == "reno") return &kRenoOps;
  // bbr's own model is out of scope: its sockets get cubic's windows (and
  // the stack's bbr pacing, see Sock::bbr).
  if (name == "cubic" || name == "bbr") return &kCubicOps;
  return nullptr;
}

bool InSlowStart(const Sock* sk) { return sk->cwnd < sk->ssthresh; }

bool IsCwndLimited(const Sock* sk) {
  // tcp_is_cwnd_limited(): the window was the limit in the last flight; in
  // slow start, also while cwnd is below twice what was in flight.
  if (sk->is_cwnd_limited) return true;
  if (InSlowStart(sk)) return sk->cwnd < 2 * sk->max_packets_out;
  return false;
}

uint32_t SlowStart(Sock* sk, uint32_t acked) {
  // tcp_slow_start(): one segment per segment acknowledged, up to
  // ssthresh; returns what is left over for congestion avoidance.
  const uint32_t cwnd = std::min(sk->cwnd + acked, sk->ssthresh);
  acked -= cwnd - sk->cwnd;
  sk->cwnd = std::min(cwnd, sk->cwnd_clamp);
  return acked;
}

void CongAvoidAi(Sock* sk, uint32_t w, uint32_t acked) {
  // tcp_cong_avoid_ai(): one segment per w segments acknowledged; a credit
  // of w or more left from an earlier, larger w counts first.
  if (sk->cwnd_cnt >= w) {
    sk->cwnd_cnt = 0;
    ++sk->cwnd;
  }
  sk->cwnd_cnt += acked;
  if (sk->cwnd_cnt >= w) {
    const uint32_t delta = sk->cwnd_cnt / w;
    sk->cwnd_cnt -= delta * w;
    sk->cwnd += delta;
  }
  sk->cwnd = std::min(sk->cwnd, sk->cwnd_clamp);
}

uint32_t RenoSsthresh(Sock* sk) {
  // tcp_reno_ssthresh(): half the window, at least two segments.
  return std::max<uint32_t>(sk->cwnd >> 1, 2);
}

uint32_t RenoUndoCwnd(Sock* sk) {
  // tcp_reno_undo_cwnd(): back to the window before the reduction.
  return std::max(sk->cwnd, sk->prior_cwnd);
}

}  // namespace synack::stack
