// Timer expiry: the retransmission timer with Linux's SYN linear timeouts
// and give-up rules, delayed ACKs, zero-window probes, the orphaned
// FIN_WAIT_2 timer, request and TIME_WAIT timers (tcp_timer.c).
#include <algorithm>
#include <bit>

#include "runtime/stack/stack.h"

namespace synack::stack {

void Stack::ScheduleTimer(const Sock* sk, TimerKind kind) {
  TimerEntry entry;
  entry.owner = sk->id;
  entry.kind = kind;
  if (const std::optional<Instant> at = TimerArmedAt(entry)) {
    entry.at = *at;
    timers_.Push(entry);
  }
}

void Stack::ScheduleReqTimer(const Sock* listener, const RequestSock& req) {
  timers_.Push({req.expires, listener->id, TimerKind::kRequest, req.seq, req.tuple});
}

void Stack::ScheduleTimeWait(const TimeWaitSock& tw) {
  timers_.Push({tw.expires, kTimeWaitOwner, TimerKind::kTimeWait, 0, tw.tuple});
}

std::optional<Instant> Stack::TimerArmedAt(const TimerEntry& entry) const {
  if (entry.kind == TimerKind::kTimeWait) {
    auto tw = timewait_.find(entry.tuple);
    if (tw == timewait_.end()) return std::nullopt;
    return tw->second.expires;
  }
  const Sock* sk = FindSock(entry.owner);
  if (sk == nullptr) return std::nullopt;
  switch (entry.kind) {
    case TimerKind::kWrite:
      return Deadline(sk->write_timer);
    case TimerKind::kDelack:
      return sk->ack.timer;
    case TimerKind::kKeepalive:
      if (const auto* k = std::get_if<FinWait2Timer>(&sk->keepalive_timer)) {
        return k->at;
      }
      return std::nullopt;
    case TimerKind::kRequest: {
      const RequestSock* req = sk->syn_queue.Find(entry.tuple);
      if (req == nullptr || req->seq != entry.seq) return std::nullopt;
      return req->expires;
    }
    case TimerKind::kTimeWait:
      break;
  }
  return std::nullopt;
}

void Stack::FireTimer(Instant due) {
  // The earliest armed timer, if due by `due`; ties in TimerKind's order.
  const TimerEntry* top = timers_.Top();
  if (top == nullptr || top->at > due) return;
  const TimerEntry first = *top;
  timers_.Pop();

  Sock* sk = FindSock(first.owner);
  switch (first.kind) {
    case TimerKind::kWrite: {
      const WriteTimer timer = sk->write_timer;
      ClearWriteTimer(sk);
      if (std::holds_alternative<ZeroWindowProbeTimer>(timer)) {
        ProbeTimerFired(sk);
      } else if (std::holds_alternative<LossProbeTimer>(timer)) {
        SendLossProbe(sk);
      } else if (std::holds_alternative<ReorderTimer>(timer)) {
        RackReoTimeout(sk);
      } else {
        RetransmitTimerFired(sk);
      }
      break;
    }
    case TimerKind::kDelack:
      sk->ack.timer.reset();
      DelackTimerFired(sk);
      break;
    case TimerKind::kKeepalive:
      sk->keepalive_timer = std::monostate{};
      KeepaliveTimerFired(sk);
      break;
    case TimerKind::kRequest:
      if (RequestSock* req = FindReq(sk, first.tuple)) ReqTimer(sk, req);
      break;
    case TimerKind::kTimeWait:
      // inet_twsk_kill(): the tuple is free again.
      EraseTimeWait(first.tuple);
      counters_.Inc(Counter::kTcpExtTW);
      break;
  }
}

namespace {

// tcp_model_timeout(): how long `boundary` retransmissions take when the
// RTO starts at `rto_base` and doubles up to `rto_max`.
Duration ModelTimeout(int boundary, Duration rto_base, Duration rto_max) {
  const int64_t ratio = rto_max / rto_base;
  const int thresh = ratio > 0 ? std::bit_width(static_cast<uint64_t>(ratio)) - 1 : 0;
  if (boundary <= thresh) return ((int64_t{2} << boundary) - 1) * rto_base;
  return ((int64_t{2} << thresh) - 1) * rto_base + (boundary - thresh) * rto_max;
}

}  // namespace

Duration Stack::FinTime(const Sock* sk) const {
  // tcp_fin_time(): TCP_LINGER2 or tcp_fin_timeout, at least 3.5 RTO.
  Duration fin_timeout = sk->linger2 != 0 ? std::chrono::seconds(sk->linger2)
                                          : std::chrono::seconds(sysctls_.tcp_fin_timeout);
  const Duration rto_based = sk->rto * 4 - sk->rto / 2;
  return std::max(fin_timeout, rto_based);
}

bool Stack::WriteTimeout(Sock* sk) {
  // tcp_write_timeout(). In SYN_SENT the count of retransmissions decides
  // (tcp_syn_retries plus tcp_syn_linear_timeouts); elsewhere, and as a
  // second test, the time since the first retransmitted segment left,
  // against the time `boundary` doubling RTOs would take
  // (retransmits_timed_out()). With tcp_syn_retries=6 and 4 linear
  // timeouts that is SYNs at 0,1,2,3,4,5,7,11,19,35,67 s and ETIMEDOUT at
  // 131 s. (Measured: 0, 1.01, 2.03, 3.06, 4.09, 5.11, 7.12, 11.19, 19.38,
  // 35.51, 68.28 and 133.8 s: Linux's timer wheel fires up to 1/8 of a
  // long timeout late; the virtual clock does not.)
  const Duration rto_max = std::chrono::milliseconds(sysctls_.tcp_rto_max_ms);
  const Duration rto_min = std::chrono::microseconds(sysctls_.tcp_rto_min_us);
  bool expired = false;
  int retry_until = 0;
  const bool handshake =
      sk->state == TcpState::kSynSent || sk->state == TcpState::kSynRecv;
  if (handshake) {
    retry_until = sk->syn_retries != 0 ? sk->syn_retries : sysctls_.tcp_syn_retries;
    int max_retransmits = retry_until;
    if (sk->state == TcpState::kSynSent) {
      max_retransmits += sysctls_.tcp_syn_linear_timeouts;
    }
    expired = sk->retransmits >= max_retransmits;
  } else {
    retry_until = sysctls_.tcp_retries2;
    if (sk->orphan) {
      // tcp_orphan_retries(): 0 means 8 while the peer still answers.
      const bool alive = sk->rto < rto_max;
      int retries = sysctls_.tcp_orphan_retries;
      if (sk->err_soft != 0 && !alive) retries = 0;
      if (retries == 0 && alive) retries = 8;
      retry_until = retries;
    }
  }
  if (!expired && sk->retransmits > 0) {
    const Instant start = sk->retrans_stamp.value_or(now_);
    Duration timeout = std::chrono::milliseconds(sk->user_timeout_ms);
    if (sk->user_timeout_ms == 0) {
      timeout = ModelTimeout(retry_until, handshake ? kTimeoutInit : rto_min, rto_max);
    }
    expired = now_ - start >= timeout;
  }
  if (!expired) return false;
  // tcp_write_err(): the connection times out.
  sk->err = sk->err_soft != 0 ? sk->err_soft : ETIMEDOUT;
  sk->ClearSendQueues();
  counters_.Inc(Counter::kTcpExtTCPAbortOnTimeout);
  TcpDone(sk);
  return true;
}

void Stack::RetransmitTimerFired(Sock* sk) {
  // tcp_retransmit_timer(). A Fast Open child resends its SYN-ACK and
  // nothing else until that is acknowledged.
  if (sk->fastopen_rsk) {
    FastOpenSynAckTimer(sk);
    return;
  }
  if (sk->packets_out() == 0) return;
  const Duration rto_max = std::chrono::milliseconds(sysctls_.tcp_rto_max_ms);
  const bool handshake =
      sk->state == TcpState::kSynSent || sk->state == TcpState::kSynRecv;
  if (sk->snd_wnd == 0 && !sk->orphan && !handshake) {
    // The peer shrank its window to zero under our data: keep probing by
    // retransmission, without counting a timeout, for up to 2 x RTO max.
    if (now_ - sk->rcv_tstamp > 2 * rto_max) {
      sk->err = sk->err_soft != 0 ? sk->err_soft : ETIMEDOUT;
      TcpDone(sk);
      return;
    }
    EnterLoss(sk);
    RetransmitHead(sk);
  } else {
    counters_.Inc(Counter::kTcpExtTCPTimeouts);
    if (WriteTimeout(sk)) return;
    EnterLoss(sk);
    ++sk->retransmits;
    ++sk->total_rto;
    if (!RetransmitHead(sk)) {
      // Local congestion (the device queue dropped it): try again after
      // TCP_RESOURCE_PROBE_INTERVAL, without backing off.
      ArmRetransmitTimer(sk, kResourceProbeInterval);
      return;
    }
    ++sk->backoff;
  }
  // Double the RTO, except during the first tcp_syn_linear_timeouts SYN
  // retransmissions, which keep the initial 1 s.
  if (sk->state != TcpState::kSynSent ||
      sk->backoff > sysctls_.tcp_syn_linear_timeouts) {
    sk->rto = std::min(sk->rto * 2, rto_max);
  }
  // tcp_clamp_rto_to_user_timeout().
  Duration when = sk->rto;
  if (sk->user_timeout_ms != 0) {
    const Duration elapsed = now_ - sk->retrans_stamp.value_or(now_);
    const Duration remaining = std::chrono::milliseconds(sk->user_timeout_ms) - elapsed;
    when = remaining <= Duration{0} ? kJiffy
                                    : std::min(when, RoundUpToJiffy(remaining));
  }
  ArmRetransmitTimer(sk, when);
}

void Stack::DelackTimerFired(Sock* sk) {
  // tcp_delack_timer_handler(): a missed delayed ACK inflates ato; in
  // interactive mode it ends that mode instead.
  if (sk->state == TcpState::kClose || sk->state == TcpState::kListen) return;
  if (!sk->ack.scheduled) return;
  if (sk->ack.pingpong < sysctls_.tcp_pingpong_thresh) {
    sk->ack.ato = std::min(sk->ack.ato * 2, sk->rto);
  } else {
    sk->ack.pingpong = 0;
    sk->ack.ato = kAtoMin;
  }
  SendAck(sk);
  counters_.Inc(Counter::kTcpExtDelayedACKs);
}

void Stack::ProbeTimerFired(Sock* sk) {
  // tcp_probe_timer(): probe a zero window, backing off, until
  // tcp_retries2 probes (or TCP_USER_TIMEOUT) go unanswered.
  const Duration rto_max = std::chrono::milliseconds(sysctls_.tcp_rto_max_ms);
  if (sk->packets_out() > 0 || !sk->send_pending()) {
    sk->probes_out = 0;
    sk->probes_tstamp.reset();
    return;
  }
  bool abort = false;
  if (!sk->probes_tstamp) {
    sk->probes_tstamp = now_;
  } else if (sk->user_timeout_ms != 0 &&
             now_ - *sk->probes_tstamp >= std::chrono::milliseconds(sk->user_timeout_ms)) {
    abort = true;
  }
  int max_probes = sysctls_.tcp_retries2;
  if (!abort && sk->orphan) {
    const bool alive = std::min(sk->rto * (int64_t{1} << std::min(sk->backoff, 30)), rto_max) < rto_max;
    int retries = sysctls_.tcp_orphan_retries;
    if (retries == 0 && alive) retries = 8;
    max_probes = retries;
    if (!alive && sk->backoff >= max_probes) abort = true;
  }
  if (abort || sk->probes_out >= max_probes) {
    sk->err = sk->err_soft != 0 ? sk->err_soft : ETIMEDOUT;
    counters_.Inc(Counter::kTcpExtTCPAbortOnTimeout);
    TcpDone(sk);
    return;
  }
  // tcp_send_probe0().
  const bool sent = SendProbe(sk);
  if (sk->packets_out() > 0 || !sk->send_pending()) {
    sk->probes_out = 0;
    sk->backoff = 0;
    sk->probes_tstamp.reset();
    return;
  }
  ++sk->probes_out;
  Duration when = kResourceProbeInterval;
  if (sent) {
    if (sk->backoff < sysctls_.tcp_retries2) ++sk->backoff;
    const Duration base = std::max<Duration>(
        sk->rto, std::chrono::microseconds(sysctls_.tcp_rto_min_us));
    when = RoundUpToJiffy(std::min(base * (int64_t{1} << std::min(sk->backoff, 30)), rto_max));
  }
  // Local congestion (the device dropped the probe): every
  // TCP_RESOURCE_PROBE_INTERVAL. tcp_clamp_probe0_to_user_timeout().
  if (sk->user_timeout_ms != 0 && sk->probes_tstamp) {
    const Duration remaining =
        std::chrono::milliseconds(sk->user_timeout_ms) - (now_ - *sk->probes_tstamp);
    when = remaining <= Duration{0} ? kJiffy : std::min(when, RoundUpToJiffy(remaining));
  }
  sk->write_timer = ZeroWindowProbeTimer{now_ + when};
  ScheduleTimer(sk, TimerKind::kWrite);
}

void Stack::KeepaliveTimerFired(Sock* sk) {
  // tcp_keepalive_timer() for an orphan in FIN_WAIT_2: the part of the FIN
  // timeout beyond 60 s has passed; the rest runs as a timewait socket, or
  // a RST ends it when nothing is left.
  if (sk->state != TcpState::kFinWait2 || !sk->orphan) return;
  if (sk->linger2 >= 0) {
    const Duration tmo = FinTime(sk) - kTimewaitLen;
    if (tmo > Duration{0}) {
      TimeWait(sk, TcpState::kFinWait2, tmo);
      return;
    }
  }
  SendActiveReset(sk);
  TcpDone(sk);
}

}  // namespace synack::stack
