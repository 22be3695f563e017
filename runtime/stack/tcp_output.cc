// Building and sending segments: windows, options, SYNs, ACKs, RSTs, the
// transmission of a segment, retransmission (RTO, loss recovery, loss
// probes) and timers; after Linux's tcp_output.c. New data and its queue
// are in write_queue.cc.
#include <algorithm>

#include "runtime/stack/stack.h"
#include "runtime/stack/window.h"

namespace synack::stack {

namespace flag = wire::tcp_flag;

// --- Windows ---------------------------------------------------------------

uint32_t Stack::FullSpace(const Sock* sk) const {
  return WinFromSpace(sk->rcvbuf);
}

uint32_t Stack::TcpSpace(const Sock* sk) const {
  // Memory as Linux counts it: payload plus per-segment overhead.
  int64_t alloc = sk->rmem_alloc;
  for (const OutOfOrderSegment& s : sk->ofo) alloc += s.data.size() + kSkbOverhead;
  return WinFromSpace(sk->rcvbuf - alloc);
}

uint32_t Stack::ComputeWindow(const Sock* sk) const {
  // __tcp_select_window().
  int64_t mss = sk->ack.rcv_mss;
  int64_t free_space = TcpSpace(sk);
  const int64_t allowed_space = FullSpace(sk);
  const int64_t full_space =
      std::min<int64_t>(sk->window_clamp, allowed_space);
  if (mss > full_space) {
    mss = full_space;
    if (mss <= 0) return 0;
  }
  // The window is never shrunk; below half the full space Linux heads for
  // a zero window instead of offering crumbs.
  if (free_space < full_space / 2) {
    free_space = free_space >> sk->rcv_wscale << sk->rcv_wscale;
    if (free_space < (allowed_space >> 4) || free_space < mss) return 0;
  }
  free_space = std::min<int64_t>(free_space, sk->rcv_ssthresh);
  int64_t window;
  if (sk->rcv_wscale != 0) {
    // Round up so the scaled value does not lose the last bytes.
    const int64_t unit = int64_t{1} << sk->rcv_wscale;
    window = (free_space + unit - 1) / unit * unit;
  } else {
    // Keep the current offer when it is within one MSS of the free space;
    // otherwise the largest multiple of the MSS.
    window = sk->rcv_wnd;
    if (window <= free_space - mss || window > free_space) {
      window = mss > 0 ? free_space / mss * mss : free_space;
    } else if (mss == full_space && free_space > window + (full_space >> 1)) {
      window = free_space;
    }
  }
  return static_cast<uint32_t>(std::max<int64_t>(window, 0));
}

uint32_t Stack::SelectWindow(Sock* sk) {
  // tcp_select_window(): never shrink what was offered; the offer moves
  // rcv_wup to rcv_nxt. What is left of the last offer is signed
  // (tcp_receive_window()): data accepted beyond the right edge, as
  // tcp_sequence() lets through into an empty receive queue, leaves none,
  // and the new window may then be 0 (measured: SO_RCVBUF 20000 and 60000
  // bytes queued are acknowledged with win 0).
  const int64_t cur = std::max<int64_t>(
      0, static_cast<int32_t>(sk->rcv_wup + sk->rcv_wnd - sk->rcv_nxt));
  uint32_t new_win = ComputeWindow(sk);
  if (new_win < cur) {
    const uint32_t unit = 1u << sk->rcv_wscale;
    new_win = static_cast<uint32_t>((cur + unit - 1) / unit * unit);
  }
  sk->rcv_wnd = new_win;
  sk->rcv_wup = sk->rcv_nxt;
  new_win = std::min<uint32_t>(new_win, 65535u << sk->rcv_wscale);
  return new_win >> sk->rcv_wscale;
}

uint32_t Stack::SendMss(const Sock* sk) const { return sk->mss_cache; }

// --- Options -----------------------------------------------------------------

std::vector<wire::TcpOption> Stack::SegmentOptions(Sock* sk, bool with_sacks) {
  std::vector<SackBlock> sacks;
  if (with_sacks && sk->sack_ok) {
    // A D-SACK block goes first and only once (RFC 2883).
    if (sk->dsack) sacks.push_back(*sk->dsack);
    sacks.insert(sacks.end(), sk->selective_acks.begin(),
                 sk->selective_acks.end());
    sk->dsack.reset();
  }
  return BuildSegmentOptions(sk->tstamp_ok, TcpTimestampMs() + sk->ts_offset,
                             sk->ts_recent, sacks);
}

// --- Sending -------------------------------------------------------------------

bool Stack::TransmitSegment(Sock* sk, uint32_t seq, uint32_t len,
                            uint16_t flags, bool retransmission,
                            uint32_t pcount, uint32_t gso_size) {
  CheckDst(sk);
  OutSegment out;
  out.seq = seq;
  out.ack = sk->rcv_nxt;
  out.flags = flags | flag::kAck;
  out.window = static_cast<uint16_t>(SelectWindow(sk));
  out.options = SegmentOptions(sk, true);
  EcnSend(sk, &out, len);
  if (len > 0) {
    const size_t offset = seq - sk->snd_una;
    out.payload.assign(sk->send_buf.begin() + static_cast<long>(offset),
                       sk->send_buf.begin() + static_cast<long>(offset + len));
  }
  const uint32_t end = seq + len + ((flags & flag::kFin) ? 1 : 0);
  // A packet the device queue drops never left (tcp_transmit_skb()
  // fails): nothing about it is counted.
  const bool idle = len > 0 && InFlight(sk) == 0;
  if (!Emit(sk->tuple, out, sk->ip_id, pcount > 1 ? gso_size : 0)) return false;
  sk->wstamp = now_;
  if (idle) CwndEvent(sk, CaEvent::kTxStart);
  sk->ip_id = static_cast<uint16_t>(sk->ip_id + pcount);
  // A TSO packet counts as the segments it will be cut into, and uses as
  // many IP IDs. OutSegs leaves out segments that carry only retransmitted
  // sequence space (tcp_transmit_skb).
  if (SeqAfter(end, sk->snd_nxt) || end == seq) {
    counters_.Inc(Counter::kTcpOutSegs, pcount);
  }
  if (retransmission) counters_.Inc(Counter::kTcpRetransSegs, pcount);
  if (!retransmission && len > 0) counters_.Inc(Counter::kTcpExtTCPOrigDataSent, pcount);
  sk->segs_out += pcount;
  if (len > 0) {
    sk->data_segs_out += pcount;
    sk->bytes_sent += len;
    if (retransmission) sk->bytes_retrans += len;
    if (!retransmission) TxTimestampSent(*sk, seq, seq + len, len, now_);
  }
  EventAckSent(sk);
  if (len > 0) {
    // tcp_event_data_sent(): the first data after idle restarts the
    // algorithm's clock (CA_EVENT_TX_START; the packet is not yet counted
    // in flight); a reply within ato of the last receive
    // counts towards interactive (pingpong) mode.
    if (now_ - sk->ack.lrcvtime < sk->ack.ato) ++sk->ack.pingpong;
    sk->lsndtime = now_;
  }
  return true;
}

void Stack::SendSyn(Sock* sk, bool retransmission, uint32_t data_len) {
  OutSegment out;
  out.seq = sk->iss;
  if (retransmission) EcnClearSyn(sk);
  out.flags = flag::kSyn | sk->syn_ecn;
  out.tos = Dsfield(sk);
  out.payload.assign(sk->send_buf.begin(), sk->send_buf.begin() + data_len);
  out.window = static_cast<uint16_t>(std::min<uint32_t>(sk->rcv_wnd, 65535));
  // tcp_advertise_mss(): a path MTU learned since connect() lowers the
  // MSS announced (measured: fastopen/client/syn-data-icmp-unreach-frag-needed.pkt).
  const int route_mss = AdvMss(sk->tuple.remote.addr);
  if (route_mss < sk->advmss) sk->advmss = static_cast<uint16_t>(route_mss);
  SynOptions spec;
  spec.mss = sk->advmss;
  spec.sack = sysctls_.tcp_sack != 0;
  spec.timestamps = sysctls_.tcp_timestamps != 0;
  spec.tsval = TcpTimestampMs() + sk->ts_offset;
  // tcp_syn_options(): ts_recent, 0 unless the tuple was taken over from
  // TIME_WAIT.
  spec.tsecr = sk->ts_recent;
  if (sysctls_.tcp_window_scaling != 0) spec.wscale = sk->rcv_wscale;
  // tcp_syn_options(): a Fast Open option (a cookie or a request) marks
  // the connection as trying Fast Open (tp->syn_fastopen).
  spec.fastopen = sk->syn_fastopen;
  spec.fastopen_exp = sk->tfo.syn_fastopen_exp;
  if (spec.fastopen) sk->tfo.syn_fastopen = true;
  out.options = BuildSynOptions(spec);
  if (retransmission) {
    counters_.Inc(Counter::kTcpRetransSegs);
    counters_.Inc(Counter::kTcpExtTCPSynRetrans);
  } else {
    counters_.Inc(Counter::kTcpOutSegs);
  }
  Emit(sk->tuple, out, sk->ip_id++);
  sk->lsndtime = now_;
}

void Stack::SendSynAckFromSock(Sock* sk, bool retransmission) {
  // Simultaneous open (tcp_send_synack): our SYN again, now with an ACK.
  OutSegment out;
  out.seq = sk->iss;
  out.ack = sk->rcv_nxt;
  EcnSendSynAck(sk);
  out.flags = flag::kSyn | flag::kAck | sk->syn_ecn;
  out.tos = Dsfield(sk);
  out.window = static_cast<uint16_t>(std::min<uint32_t>(sk->rcv_wnd, 65535));
  SynOptions spec;
  spec.mss = sk->advmss;
  spec.sack = sk->sack_ok;
  spec.timestamps = sk->tstamp_ok;
  spec.tsval = TcpTimestampMs() + sk->ts_offset;
  spec.tsecr = sk->ts_recent;
  if (sk->wscale_ok) spec.wscale = sk->rcv_wscale;
  out.options = BuildSynOptions(spec);
  // The SYN's sequence space was counted when the SYN went out.
  if (retransmission) {
    counters_.Inc(Counter::kTcpRetransSegs);
    counters_.Inc(Counter::kTcpExtTCPSynRetrans);
  }
  Emit(sk->tuple, out, sk->ip_id++);
  EventAckSent(sk);
}

void Stack::SendAck(Sock* sk) {
  // tcp_acceptable_seq(): snd_nxt, unless the peer's window shrank below it.
  const uint32_t wnd_end = sk->snd_una + sk->snd_wnd;
  const uint32_t seq = SeqAfter(sk->snd_nxt, wnd_end) && sk->snd_wnd != 0
                           ? wnd_end
                           : sk->snd_nxt;
  TransmitSegment(sk, seq, 0, 0, false, 1);
}

void Stack::SendActiveReset(Sock* sk) {
  // tcp_send_active_reset(): RST|ACK at snd_nxt with the usual options and
  // window (measured: `R. seq <snd_nxt> ack <rcv_nxt> win 64 <nop,nop,TS>`).
  OutSegment out;
  out.seq = sk->snd_nxt;
  out.ack = sk->rcv_nxt;
  out.flags = flag::kRst | flag::kAck;
  out.window = static_cast<uint16_t>(SelectWindow(sk));
  out.options = SegmentOptions(sk, false);
  EcnSend(sk, &out, 0);  // through tcp_transmit_skb() like any segment
  counters_.Inc(Counter::kTcpOutSegs);
  Emit(sk->tuple, out, sk->ip_id++);
}

void Stack::SendResetReply(const Segment& seg) {
  // tcp_v4_send_reset(): never answer a RST; take the sequence number from
  // the ACK field if there is one, else acknowledge everything the segment
  // occupied (measured: SYN to a closed port -> `R. 0:0(0) ack <isn+1>`,
  // ACK -> `R <ack>:<ack>(0)`, always win 0 and no options).
  if (seg.rst()) return;
  OutSegment out;
  if (seg.ack_flag()) {
    out.seq = seg.ack;
    out.flags = flag::kRst;
  } else {
    out.seq = 0;
    out.ack = seg.seq + seg.len + (seg.syn() ? 1 : 0) + (seg.fin() ? 1 : 0);
    out.flags = flag::kRst | flag::kAck;
  }
  // The reply keeps the segment's DSCP but not its ECN field (measured:
  // TOS / traffic class 0x47 in, 0x44 out; ip_send_unicast_reply()).
  out.tos = static_cast<uint8_t>(seg.packet->tos & ~ip_ecn::kMask);
  counters_.Inc(Counter::kTcpOutSegs);
  Emit(seg.tuple, out, 0);
}

void Stack::EventAckSent(Sock* sk) {
  // tcp_event_ack_sent(): one quick ACK used up if one was owed; the
  // delayed-ACK timer and its flags cleared.
  if (sk->ack.quick > 0) {
    const int pkts = sk->ack.scheduled ? 1 : 0;
    if (pkts >= sk->ack.quick) {
      sk->ack.quick = 0;
      sk->ack.ato = kAtoMin;
    } else {
      sk->ack.quick -= pkts;
    }
  }
  sk->ack.scheduled = sk->ack.pushed = sk->ack.pushed2 = sk->ack.now = false;
  sk->ack.timer.reset();
  sk->ack.compressed = 0;
}

void Stack::SendDelayedAck(Sock* sk) {
  // tcp_send_delayed_ack().
  Duration ato = sk->ack.ato;
  if (ato > kDelackMin) {
    Duration max_ato = 500ms;  // HZ/2
    if (sk->ack.pingpong >= sysctls_.tcp_pingpong_thresh || sk->ack.pushed) {
      max_ato = kDelackMax;
    }
    // Bound by the RTT when one is known.
    if (sk->srtt_us != 0) {
      const Duration rtt = std::max<Duration>(
          RoundUpToJiffy(std::chrono::microseconds(sk->srtt_us >> 3)),
          kDelackMin);
      if (rtt < max_ato) max_ato = rtt;
    }
    ato = std::min(ato, max_ato);
  }
  ato = std::min<Duration>(ato, kDelackMax);
  Instant timeout = now_ + ato;
  if (sk->ack.timer) {
    // An ACK about to be sent anyway goes now; an earlier timer stays.
    if (*sk->ack.timer <= now_ + ato / 4) {
      SendAck(sk);
      return;
    }
    if (timeout >= *sk->ack.timer) timeout = *sk->ack.timer;
  }
  sk->ack.scheduled = true;
  sk->ack.timer = timeout;
  ScheduleTimer(sk, TimerKind::kDelack);
}

// --- The chronograph -------------------------------------------------------------

void Stack::ChronoSet(Sock* sk, Chrono type) {
  // tcp_chrono_set(): the running kind's time is added up, in jiffies.
  const int64_t now = Jiffies(now_);
  if (sk->chrono_type != Chrono::kUnspec) {
    sk->chrono_stat[static_cast<size_t>(sk->chrono_type) - 1] += now - sk->chrono_start;
  }
  sk->chrono_start = now;
  sk->chrono_type = type;
}

void Stack::ChronoStart(Sock* sk, Chrono type) {
  // tcp_chrono_start(): a more interesting kind takes over.
  if (type > sk->chrono_type) ChronoSet(sk, type);
}

void Stack::ChronoStop(Sock* sk, Chrono type) {
  // tcp_chrono_stop(): with nothing left to send or acknowledge the clock
  // stops; the kind that ends goes back to busy.
  if (sk->rtx_queue.empty() && sk->write_queue.empty()) {
    ChronoSet(sk, Chrono::kUnspec);
  } else if (type == sk->chrono_type) {
    ChronoSet(sk, Chrono::kBusy);
  }
}

// --- Timers --------------------------------------------------------------------

void Stack::ArmRetransmitTimer(Sock* sk, Duration when) {
  sk->write_timer = RetransmitTimer{now_ + when};
  ScheduleTimer(sk, TimerKind::kWrite);
}

void Stack::ClearWriteTimer(Sock* sk) { sk->write_timer = std::monostate{}; }

// --- Retransmission ----------------------------------------------------------------

void Stack::FragmentSent(Sock* sk, size_t index, uint32_t len) {
  // tcp_fragment() in the retransmit queue: the first `len` bytes stay,
  // without PSH and FIN; the rest is an skb of its own.
  const uint32_t mss = SendMss(sk);
  SentSegment& skb = sk->rtx_queue[index];
  SentSegment rest = skb;
  rest.seq = skb.seq + len;
  const uint32_t moved = skb.end - rest.seq - (skb.fin ? 1 : 0);
  rest.truesize = kSkbTruesize + moved;
  rest.pcount = std::max<uint32_t>(1, (moved + mss - 1) / mss);
  skb.truesize -= moved;
  skb.end = rest.seq;
  skb.push = skb.fin = false;
  skb.pcount = std::max<uint32_t>(1, (len + mss - 1) / mss);
  sk->wmem_queued += kSkbTruesize;
  sk->rtx_queue.insert(sk->rtx_queue.begin() + static_cast<long>(index) + 1, rest);
}

bool Stack::RetransmitSent(Sock* sk, size_t index, bool loss_probe) {
  // __tcp_retransmit_skb() once the skb has its size.
  SentSegment& skb = sk->rtx_queue[index];
  const uint32_t data_len = skb.end - skb.seq - (skb.syn ? 1 : 0) - (skb.fin ? 1 : 0);
  uint16_t flags = 0;
  if (skb.push || skb.pcount > 1) flags |= flag::kPsh;
  if (skb.fin) flags |= flag::kFin;
  if (!TransmitSegment(sk, skb.seq, data_len, flags, true, skb.pcount, SendMss(sk))) {
    return false;
  }
  // tcp_retransmit_skb(): the skb's timestamp, just moved to this
  // retransmission (measured: with TCP_USER_TIMEOUT=1000 a FIN sent at 0.1 s
  // and resent at 0.41 s times out at 1.43 s, not 1.1 s).
  if (!sk->retrans_stamp) sk->retrans_stamp = now_;
  skb.retransmitted = true;
  skb.last_sent = now_;
  skb.last_sent_event = input_events_;
  sk->total_retrans += static_cast<int>(skb.pcount);
  // A loss probe is __tcp_retransmit_skb() alone: not counted in
  // retrans_out, not a retransmission to undo.
  if (loss_probe) return true;
  skb.retrans = true;
  // Each retransmission must be shown spurious before an undo.
  if (sk->undo_retrans < 0) sk->undo_retrans = 0;
  sk->undo_retrans += static_cast<int>(skb.pcount);
  return true;
}

void Stack::XmitRetransmitQueue(Sock* sk) {
  // tcp_xmit_retransmit_queue(): the segments marked lost and not yet
  // sent again go, in order, while cwnd has room, each cut to what cwnd
  // and TSO allow; the RTO restarts when the head went again.
  if (sk->packets_out() == 0) return;
  const uint32_t mss = SendMss(sk);
  const uint32_t max_segs = TsoSegs(sk, CurrentMss(sk));
  bool rearm = false;
  for (size_t i = 0; i < sk->rtx_queue.size(); ++i) {
    const uint32_t in_flight = InFlight(sk);
    if (in_flight >= sk->cwnd) break;
    const uint32_t segs = std::min(sk->cwnd - in_flight, max_segs);
    if (sk->retrans_out() >= sk->lost_out()) break;
    SentSegment& skb = sk->rtx_queue[i];
    if (!skb.lost || skb.sacked || skb.retrans) continue;
    if (skb.pcount > segs) FragmentSent(sk, i, segs * mss);
    const uint32_t pcount = sk->rtx_queue[i].pcount;
    if (!RetransmitSent(sk, i)) break;
    if (sk->ca_state == CaState::kCwr || sk->ca_state == CaState::kRecovery) {
      sk->prr_out += pcount;
    }
    if (i == 0 && !std::holds_alternative<ReorderTimer>(sk->write_timer)) rearm = true;
  }
  if (rearm) ArmRetransmitTimer(sk, sk->rto);
}

bool Stack::RetransmitHead(Sock* sk) {
  if (sk->rtx_queue.empty()) return true;
  SentSegment& head = sk->rtx_queue.front();
  if (head.syn) {
    head.retransmitted = true;
    ++sk->total_retrans;
    if (!sk->retrans_stamp) sk->retrans_stamp = head.first_sent;
    if (sk->state == TcpState::kSynSent) {
      SendSyn(sk, true);
    } else {
      SendSynAckFromSock(sk, true);
    }
    return true;
  }
  // An RTO resends one segment: a TSO skb is cut to its first.
  const uint32_t mss = SendMss(sk);
  if (head.pcount > 1) FragmentSent(sk, 0, mss);
  // tcp_retrans_try_collapse(): small segments behind the head join it as
  // long as the result fits in one MSS.
  // (Each erase below moves the deque's front: `first` and `next` are
  // taken again each time round.)
  while (sk->rtx_queue.size() > 1 && !sk->rtx_queue.front().fin) {
    SentSegment& first = sk->rtx_queue.front();
    const SentSegment& next = sk->rtx_queue[1];
    if (next.syn || next.pcount > 1 || next.sacked ||
        next.end - first.seq > mss + (next.fin ? 1 : 0)) {
      break;
    }
    first.end = next.end;
    first.fin = next.fin;
    first.push = first.push || next.push;
    first.retransmitted = first.retransmitted || next.retransmitted;
    first.lost = first.lost || next.lost;
    first.truesize += next.truesize - kSkbTruesize;
    sk->wmem_queued -= kSkbTruesize;
    sk->rtx_queue.erase(sk->rtx_queue.begin() + 1);
  }
  return RetransmitSent(sk, 0);
}

void Stack::RearmRto(Sock* sk) {
  // tcp_rearm_rto(): the RTO runs from now while anything is in flight;
  // a Fast Open child's timer is its SYN-ACK's until that is acknowledged.
  if (sk->fastopen_rsk) return;
  // Replacing RACK's timer or a loss probe, it keeps to the head's RTO.
  if (sk->packets_out() > 0) {
    Duration rto = sk->rto;
    if (std::holds_alternative<ReorderTimer>(sk->write_timer) ||
        std::holds_alternative<LossProbeTimer>(sk->write_timer)) {
      const Duration delta = sk->rtx_queue.front().last_sent + sk->rto - now_;
      rto = RoundUpToJiffy(std::max<Duration>(delta, std::chrono::microseconds(1)));
    }
    ArmRetransmitTimer(sk, rto);
  } else if (!std::holds_alternative<ZeroWindowProbeTimer>(sk->write_timer)) {
    ClearWriteTimer(sk);
  }
}

bool Stack::ScheduleLossProbe(Sock* sk, bool advancing_rto) {
  // tcp_schedule_loss_probe(): with SACK, outside loss recovery, probe
  // after two RTTs (plus tcp_rto_min for a lone segment, which may wait on
  // a delayed ACK; plus 2 ms otherwise), or at the RTO if that is sooner.
  // Not while a Fast Open child's timer waits on its SYN-ACK.
  if (sk->fastopen_rsk) return false;
  if ((sysctls_.tcp_early_retrans != 3 && sysctls_.tcp_early_retrans != 4) ||
      sk->packets_out() == 0 || !sk->sack_ok ||
      (sk->ca_state != CaState::kOpen && sk->ca_state != CaState::kCwr)) {
    return false;
  }
  Duration timeout = kTimeoutInit;
  if (sk->srtt_us != 0) {
    Duration t = std::chrono::microseconds(sk->srtt_us >> 2);
    t += sk->packets_out() == 1 ? Duration(std::chrono::microseconds(sysctls_.tcp_rto_min_us))
                                : Duration(2ms);
    timeout = RoundUpToJiffy(t);
  }
  // How far away the RTO is: a full RTO when it is being restarted, else
  // counted from the oldest segment's last transmission.
  const Duration rto_delta = advancing_rto
                                 ? sk->rto
                                 : sk->rtx_queue.front().last_sent + sk->rto - now_;
  if (rto_delta > Duration{0}) timeout = std::min(timeout, RoundUpToJiffy(rto_delta));
  sk->write_timer = LossProbeTimer{now_ + timeout};
  ScheduleTimer(sk, TimerKind::kWrite);
  return true;
}

void Stack::SendLossProbe(Sock* sk) {
  // tcp_send_loss_probe(): at most one probe outstanding. New data if the
  // window allows (if cwnd then holds it back, no probe at all), else the
  // last segment again; then the RTO from now.
  if (!sk->tlp_high_seq && sk->packets_out() > 0) {
    const uint32_t mss = CurrentMss(sk);
    bool sent = false;
    if (!sk->write_queue.empty() && SndWndTest(sk, sk->write_queue.front(), mss)) {
      const uint32_t before = sk->packets_out();
      WriteXmit(sk, mss, kNagleOff, 2);
      sent = sk->packets_out() > before;
    } else {
      size_t last = sk->rtx_queue.size() - 1;
      const SentSegment& skb = sk->rtx_queue[last];
      const uint32_t data_len = skb.end - skb.seq - (skb.fin ? 1 : 0);
      if (skb.pcount > 1 && data_len > (skb.pcount - 1) * mss) {
        FragmentSent(sk, last, (skb.pcount - 1) * mss);
        ++last;
      }
      sent = RetransmitSent(sk, last, true);
    }
    if (sent) {
      sk->tlp_high_seq = sk->snd_nxt;
      counters_.Inc(Counter::kTcpExtTCPLossProbes);
    }
  }
  RearmRto(sk);
}

void Stack::EnterLoss(Sock* sk) {
  // tcp_enter_loss(): ssthresh from the congestion control (once per
  // window of data), everything in flight is lost, the window restarts at
  // one segment.
  if (sk->ca_state <= CaState::kDisorder || !SeqAfter(sk->high_seq, sk->snd_una) ||
      (sk->ca_state == CaState::kLoss && sk->retransmits == 0)) {
    sk->prior_ssthresh = CurrentSsthresh(sk);
    sk->prior_cwnd = sk->cwnd;
    sk->ssthresh = sk->ca_ops->ssthresh(sk);
    CwndEvent(sk, CaEvent::kLoss);
    sk->undo_marker = sk->snd_una;
  }
  sk->cwnd = 1;
  sk->cwnd_cnt = 0;
  SetCaState(sk, CaState::kLoss);
  sk->high_seq = sk->snd_nxt;
  sk->tlp_high_seq.reset();
  EcnQueueCwr(sk);  // measured: new data after an RTO, even a SYN's, carries CWR
  TimeoutMarkLost(sk);
}

}  // namespace synack::stack
