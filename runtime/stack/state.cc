// Connection state changes and the ends of connections: tcp_set_state(),
// tcp_done(), tcp_reset(), tcp_finish_connect() and what they set up.
#include <algorithm>
#include <bit>

#include "runtime/stack/stack.h"

namespace synack::stack {

const char* StateName(TcpState state) {
  switch (state) {
    case TcpState::kEstablished: return "ESTABLISHED";
    case TcpState::kSynSent: return "SYN_SENT";
    case TcpState::kSynRecv: return "SYN_RECV";
    case TcpState::kFinWait1: return "FIN_WAIT1";
    case TcpState::kFinWait2: return "FIN_WAIT2";
    case TcpState::kTimeWait: return "TIME_WAIT";
    case TcpState::kClose: return "CLOSE";
    case TcpState::kCloseWait: return "CLOSE_WAIT";
    case TcpState::kLastAck: return "LAST_ACK";
    case TcpState::kListen: return "LISTEN";
    case TcpState::kClosing: return "CLOSING";
  }
  return "?";
}

void Stack::SetState(Sock* sk, TcpState state) {
  const TcpState old = sk->state;
  if (state == TcpState::kClose) {
    // tcp_set_state(): a synchronized connection that dies counts as an
    // EstabReset; the socket leaves the lookup tables.
    if (old == TcpState::kEstablished || old == TcpState::kCloseWait) {
      counters_.Inc(Counter::kTcpEstabResets);
    }
    UnhashConnection(sk);
    ReapLater(sk);
  }
  if (state == TcpState::kListen) {
    listeners_.insert(sk->id);
  } else if (old == TcpState::kListen) {
    listeners_.erase(sk->id);
  }
  if (state != old) ++sk->wakeups;  // sk_state_change()
  sk->state = state;
}

void Stack::TcpDone(Sock* sk) {
  if (sk->state == TcpState::kSynSent || sk->state == TcpState::kSynRecv) {
    counters_.Inc(Counter::kTcpAttemptFails);
  }
  FastOpenRemoveReq(sk);  // tcp_done(): a Fast Open child's request
  SetState(sk, TcpState::kClose);
  sk->write_timer = std::monostate{};
  sk->keepalive_timer = std::monostate{};
  sk->ack.timer.reset();
  sk->ack.scheduled = false;
  sk->shutdown = kShutdownMask;
}

void Stack::TcpReset(Sock* sk) {
  // tcp_reset(): the error a BSD socket reports for a RST in each state.
  switch (sk->state) {
    case TcpState::kSynSent: sk->err = ECONNREFUSED; break;
    case TcpState::kCloseWait: sk->err = EPIPE; break;
    case TcpState::kClose: return;
    default: sk->err = ECONNRESET; break;
  }
  sk->ClearSendQueues();
  TcpDone(sk);
}

void Stack::DoneWithError(Sock* sk, int err) {
  // tcp_done_with_error(): the error for the next call, nothing left to
  // send; what was received can still be read.
  sk->err = err;
  sk->ClearSendQueues();
  TcpDone(sk);
}

void Stack::SyncMss(Sock* sk) {
  SyncMss(sk, static_cast<uint32_t>(DstMtu(sk->tuple.remote.addr, sk->dst_route)));
}

void Stack::SyncMss(Sock* sk, uint32_t pmtu) {
  // tcp_sync_mss() with tcp_mtu_to_mss(): the path MTU less headers, at
  // most the peer's MSS, less the timestamp option when it is on every
  // segment; while probing, no more than the MTU known to work.
  if (sk->mtup.search_high > static_cast<int>(pmtu)) sk->mtup.search_high = static_cast<int>(pmtu);
  sk->pmtu_cookie = pmtu;
  int mss = std::min(static_cast<int>(pmtu) - (IsV4(sk->tuple.local.addr) ? 40 : 60),
                     int{sk->mss_clamp});
  mss = std::max(mss, sysctls_.tcp_min_snd_mss);
  const int header_options = sk->tstamp_ok ? 12 : 0;
  mss -= header_options;
  // tcp_bound_to_half_wnd(): never more than half the largest window the
  // peer has offered (measured: a peer offering an unscaled 514 gets
  // TCP_MAXSEG 514).
  const uint32_t cutoff =
      sk->max_window > 536 ? sk->max_window / 2 : sk->max_window;
  if (cutoff != 0 && static_cast<uint32_t>(mss) > cutoff) {
    mss = std::max<int>(static_cast<int>(cutoff), 68 - 20 - header_options);
  }
  if (sk->mtup.enabled) mss = std::min(mss, MtuToMss(sk, sk->mtup.search_low));
  sk->mss_cache = static_cast<uint32_t>(mss);
}

void Stack::InitializeRcvMss(Sock* sk) {
  // tcp_initialize_rcv_mss(): a conservative guess until segments arrive.
  uint32_t hint = std::min<uint32_t>(sk->advmss, sk->mss_cache);
  hint = std::min(hint, sk->rcv_wnd / 2);
  hint = std::min<uint32_t>(hint, 536);
  hint = std::max<uint32_t>(hint, 88);
  sk->ack.rcv_mss = hint;
}

void Stack::InitTransfer(Sock* sk) {
  // RFC 6298 §5.7: no RTT sample from the handshake (the SYN or SYN-ACK
  // was retransmitted) means an RTO of 3 s once established.
  if (sk->srtt_us == 0) {
    sk->rttvar_us = static_cast<uint32_t>(Micros(kTimeoutFallback));
    sk->mdev_us = sk->mdev_max_us = sk->rttvar_us;
    sk->rto = kTimeoutFallback;
  }
  // tcp_init_transfer(): an initial window of 10 segments (RFC 6928), or 1
  // after more than one SYN retransmission that was not undone.
  // tcp_init_cwnd(): the route's initcwnd metric if it has one.
  const int init_cwnd =
      sk->dst_route && sk->dst_route->initcwnd ? *sk->dst_route->initcwnd : 10;
  sk->cwnd = (sk->total_retrans > 1 && sk->undo_marker != 0)
                 ? 1
                 : std::min(static_cast<uint32_t>(init_cwnd), sk->cwnd_clamp);
  MtupInit(sk);
  sk->in_loss = false;
  sk->ca_state = CaState::kOpen;
  InitCongestionControl(sk);
  sk->rcv_ssthresh = std::min(sk->rcv_ssthresh, sk->window_clamp);
  // tcp_sndbuf_expand(): room for twice (bbr: three times) the initial
  // window of full segments at their worst-case memory cost, a power of
  // two for the data and headers plus the skb (87040 bytes for a 1460 MSS).
  if (!sk->sndbuf_locked) {
    const uint32_t data = std::max<uint32_t>(sk->mss_clamp, sk->mss_cache) + 320 + 320;
    const int per_mss = static_cast<int>(std::bit_ceil(data)) + 256;
    const int nr_segs = std::max<int>(10, static_cast<int>(sk->cwnd));
    const int sndmem = (sk->bbr ? 3 : 2) * nr_segs * per_mss;
    if (sk->sndbuf < sndmem) sk->sndbuf = std::min(sndmem, sysctls_.tcp_wmem[2]);
  }
  sk->lsndtime = now_;
}

void Stack::TcpFinishConnect(Sock* sk) {
  SetState(sk, TcpState::kEstablished);
  sk->ack.lrcvtime = now_;
  InitTransfer(sk);
}

}  // namespace synack::stack
