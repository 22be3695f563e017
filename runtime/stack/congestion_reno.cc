// Reno (RFC 5681) as Linux's tcp_reno_* ops: slow start, then one segment
// per window of acknowledged segments; half the window after a loss.
#include "runtime/stack/congestion.h"
#include "runtime/stack/sock.h"

namespace synack::stack {

namespace {

void RenoCongAvoid(Sock* sk, const CaClock&, uint32_t, uint32_t acked) {
  // tcp_reno_cong_avoid().
  if (!IsCwndLimited(sk)) return;
  if (InSlowStart(sk)) {
    acked = SlowStart(sk, acked);
    if (acked == 0) return;
  }
  CongAvoidAi(sk, sk->cwnd, acked);
}

}  // namespace

const CongestionOps kRenoOps = {
    .name = "reno",
    .init = nullptr,
    .ssthresh = RenoSsthresh,
    .cong_avoid = RenoCongAvoid,
    .set_state = nullptr,
    .cwnd_event = nullptr,
    .pkts_acked = nullptr,
    .undo_cwnd = RenoUndoCwnd,
};

}  // namespace synack::stack
