// TIME_WAIT and the orphaned FIN_WAIT_2 that Linux keeps in a timewait
// socket: tcp_time_wait() and tcp_timewait_state_process().
#include <algorithm>

#include "runtime/stack/stack.h"

namespace synack::stack {

namespace flag = wire::tcp_flag;

void Stack::TimeWait(Sock* sk, TcpState substate, Duration timeo) {
  // inet_twsk_alloc(): at tcp_max_tw_buckets timewait sockets the
  // connection just closes (measured with 1: the second TIME_WAIT never
  // appears, TcpExtTCPTimeWaitOverflow counts it, a retransmitted FIN then
  // gets a RST).
  if (timewait_.size() >= static_cast<size_t>(std::max(0, sysctls_.tcp_max_tw_buckets))) {
    counters_.Inc(Counter::kTcpExtTCPTimeWaitOverflow);
    TcpDone(sk);
    return;
  }
  TimeWaitSock tw;
  tw.tuple = sk->tuple;
  tw.domain = sk->domain;
  tw.substate = substate;
  tw.snd_nxt = sk->snd_nxt;
  tw.rcv_nxt = sk->rcv_nxt;
  const int32_t window = static_cast<int32_t>(sk->rcv_wup + sk->rcv_wnd - sk->rcv_nxt);
  tw.rcv_wnd = window < 0 ? 0 : static_cast<uint32_t>(window);
  tw.rcv_wscale = sk->rcv_wscale;
  tw.tstamp_ok = sk->tstamp_ok;
  tw.ts_recent = sk->ts_recent;
  tw.ts_recent_stamp = sk->ts_recent_stamp;
  tw.ts_offset = sk->ts_offset;
  tw.reuse = sk->reuseaddr;
  // TIME_WAIT lasts TCP_TIMEWAIT_LEN (60 s); a FIN_WAIT_2 timewait what is
  // left of the FIN timeout, but at least 3.5 RTO.
  const Duration rto_based = sk->rto * 4 - sk->rto / 2;
  if (substate == TcpState::kTimeWait) {
    timeo = kTimewaitLen;
  } else {
    timeo = std::max(timeo, rto_based);
  }
  tw.entered = now_;
  tw.expires = now_ + timeo;
  const FourTuple tuple = sk->tuple;
  TcpDone(sk);
  timewait_[tuple] = tw;
  bind_table_.AddTimeWait(tuple);
  ScheduleTimeWait(tw);
}

void Stack::EraseTimeWait(const FourTuple& tuple) {
  if (timewait_.erase(tuple) != 0) bind_table_.RemoveTimeWait(tuple);
}

void Stack::SendTimeWaitAck(const TimeWaitSock& tw) {
  // tcp_v4_timewait_ack(): the last ACK again, echoing the last timestamp
  // in sequence (measured: a retransmitted FIN gets `ecr` of the first).
  OutSegment out;
  out.seq = tw.snd_nxt;
  out.ack = tw.rcv_nxt;
  out.flags = flag::kAck;
  out.window = static_cast<uint16_t>(
      std::min<uint32_t>(tw.rcv_wnd >> tw.rcv_wscale, 65535));
  out.options = BuildSegmentOptions(tw.tstamp_ok, TcpTimestampMs() + tw.ts_offset,
                                    tw.ts_recent, {});
  counters_.Inc(Counter::kTcpOutSegs);
  Emit(tw.tuple, out, 0);
}

void Stack::TimeWaitSegment(TimeWaitSock* tw, const Segment& seg) {
  // PAWS (RFC 7323): an older timestamp marks an old duplicate. A RST is
  // exempt only once ts_recent is a minute old (TCP_PAWS_MSL).
  bool paws_reject = false;
  if (seg.opts.saw_tstamp && tw->tstamp_ok &&
      static_cast<int32_t>(tw->ts_recent - seg.opts.tsval) > 0) {
    paws_reject = !(seg.rst() && tw->ts_recent_stamp &&
                    now_ - *tw->ts_recent_stamp >= 60s);
  }
  auto ack_rate_limited = [&](Counter counter) {
    if (!OowRateLimited(&tw->last_oow_ack_time, seg, counter)) {
      SendTimeWaitAck(*tw);
    }
  };

  if (tw->substate == TcpState::kFinWait2) {
    // An orphan still waiting for the peer's FIN repeats the checks of
    // FIN_WAIT_2 (RFC 9293 §3.10.7.4).
    const uint32_t win_end = tw->rcv_nxt + tw->rcv_wnd;
    const bool in_window =
        seg.seq == tw->rcv_nxt ||
        (SeqAfter(seg.end_seq, tw->rcv_nxt) && SeqBefore(seg.seq, win_end)) ||
        (seg.seq == win_end && seg.seq == seg.end_seq);
    if (paws_reject || !in_window) {
      ack_rate_limited(Counter::kTcpExtTCPACKSkippedTimeWait);
      return;
    }
    if (seg.rst()) {
      EraseTimeWait(seg.tuple);
      return;
    }
    if (seg.syn() && !SeqBefore(seg.seq, tw->rcv_nxt)) {
      SendResetReply(seg);
      EraseTimeWait(seg.tuple);
      return;
    }
    // A duplicate ACK is ignored.
    if (!seg.ack_flag() || !SeqAfter(seg.end_seq, tw->rcv_nxt) ||
        seg.end_seq == seg.seq) {
      return;
    }
    // New data after close() is answered with a RST; the FIN moves on to
    // TIME_WAIT and is acknowledged.
    if (!seg.fin() || seg.end_seq != tw->rcv_nxt + 1) {
      SendResetReply(seg);
      EraseTimeWait(seg.tuple);
      return;
    }
    tw->substate = TcpState::kTimeWait;
    tw->rcv_nxt = seg.end_seq;
    if (seg.opts.saw_tstamp) {
      tw->ts_recent = seg.opts.tsval;
      tw->ts_recent_stamp = now_;
    }
    tw->expires = now_ + kTimewaitLen;
    ScheduleTimeWait(*tw);
    SendTimeWaitAck(*tw);
    return;
  }

  // TIME_WAIT proper. A bare ACK or RST exactly at rcv_nxt: a RST ends
  // TIME_WAIT unless tcp_rfc1337 is set (RFC 1337 hazard); an ACK restarts
  // the timer silently.
  if (!paws_reject && seg.seq == tw->rcv_nxt &&
      (seg.seq == seg.end_seq || seg.rst())) {
    if (seg.rst()) {
      if (sysctls_.tcp_rfc1337 == 0) {
        EraseTimeWait(seg.tuple);
        return;
      }
    } else {
      tw->expires = now_ + kTimewaitLen;
      ScheduleTimeWait(*tw);
    }
    if (seg.opts.saw_tstamp) {
      tw->ts_recent = seg.opts.tsval;
      tw->ts_recent_stamp = now_;
    }
    return;
  }

  // A new SYN with a higher sequence number (or newer timestamp) may reopen
  // the tuple through a listener, with an ISN past the old connection's
  // (measured: old ISN + 65539, i.e. snd_nxt + 65535 + 2).
  if (seg.syn() && !seg.rst() && !seg.ack_flag() && !paws_reject &&
      (SeqAfter(seg.seq, tw->rcv_nxt) ||
       (seg.opts.saw_tstamp && static_cast<int32_t>(tw->ts_recent - seg.opts.tsval) < 0))) {
    uint32_t isn = tw->snd_nxt + 65535 + 2;
    if (isn == 0) ++isn;
    if (Sock* listener = FindListener(seg.tuple.local)) {
      EraseTimeWait(seg.tuple);
      ConnRequest(listener, seg, isn);
      return;
    }
  }

  // Anything else is out of window: ACK it (rate-limited) and restart the
  // timer if it was an ACK or failed PAWS.
  if (!seg.rst()) {
    if (paws_reject || seg.ack_flag()) {
      tw->expires = now_ + kTimewaitLen;
      ScheduleTimeWait(*tw);
    }
    ack_rate_limited(Counter::kTcpExtTCPACKSkippedTimeWait);
  }
}

}  // namespace synack::stack
