// Segments arriving at a connection (RFC 9293 §3.10.7.3-4 as Linux's
// tcp_input.c does them): SYN_SENT, the acceptability tests of RFC 5961,
// ACK processing and RTT, data and FIN, and the delayed-ACK engine.
#include <algorithm>

#include "runtime/stack/stack.h"
#include "runtime/stack/window.h"

namespace synack::stack {

namespace {

constexpr uint8_t kMaxWscale = 14;

uint32_t ReceiveWindow(const Sock* sk) {
  // tcp_receive_window(): what is left of the last window offered.
  const int32_t win = static_cast<int32_t>(sk->rcv_wup + sk->rcv_wnd - sk->rcv_nxt);
  return win < 0 ? 0 : static_cast<uint32_t>(win);
}

}  // namespace

void Stack::SegmentArrives(Sock* sk, const Segment& seg) {
  ++sk->segs_in;
  if (seg.len > 0) ++sk->data_segs_in;
  bool reset = false;
  if (sk->state == TcpState::kSynSent) {
    reset = RcvSynSent(sk, seg);
  } else {
    reset = RcvStateProcess(sk, seg);
  }
  if (reset) SendResetReply(seg);
}

// --- SYN_SENT ----------------------------------------------------------------

bool Stack::RcvSynSent(Sock* sk, const Segment& seg) {
  const ReceivedOptions& opts = seg.opts;
  const bool saw_tstamp = opts.saw_tstamp && sysctls_.tcp_timestamps != 0;
  if (seg.ack_flag()) {
    // RFC 9293 §3.10.7.3: an ACK for something never sent is answered by a
    // RST. Linux also re-sends the SYN shortly in case our earlier segment
    // was lost (TCP_TIMEOUT_MIN, two jiffies).
    if (!SeqAfter(seg.ack, sk->snd_una) || SeqAfter(seg.ack, sk->snd_nxt)) {
      if (sk->retransmits == 0) ArmRetransmitTimer(sk, 2 * kJiffy);
      return true;
    }
    // RFC 7323 §5.5 (PAWS for the SYN-ACK): the echoed timestamp must lie
    // between our first SYN and now.
    if (saw_tstamp && opts.tsecr != 0) {
      const uint32_t tsecr = opts.tsecr - sk->ts_offset;
      const uint32_t first = secrets_.boot_ms +
          static_cast<uint32_t>(Millis(sk->retrans_stamp.value_or(now_).since_epoch));
      if (!SeqBetween(tsecr, first, TcpTimestampMs())) return true;
    }
    // An acceptable RST refuses the connection.
    if (seg.rst()) {
      TcpReset(sk);
      return false;
    }
    // An acceptable ACK without SYN is dropped.
    if (!seg.syn()) return false;

    // A SYN-ACK: the connection is open (tcp_rcv_synsent_state_process).
    sk->irs = seg.seq;
    sk->rcv_nxt = seg.seq + 1;
    sk->rcv_wup = sk->rcv_nxt;
    sk->snd_wl1 = seg.seq;
    if (opts.wscale && sysctls_.tcp_window_scaling != 0) {
      sk->wscale_ok = true;
      sk->snd_wscale = std::min(*opts.wscale, kMaxWscale);
    } else {
      // The peer did not scale: neither do we.
      sk->wscale_ok = false;
      sk->snd_wscale = sk->rcv_wscale = 0;
      sk->window_clamp = std::min<uint32_t>(sk->window_clamp, 65535);
    }
    sk->sack_ok = opts.sack_permitted && sysctls_.tcp_sack != 0;
    EcnRcvSynAck(sk, seg);
    if (saw_tstamp) {
      sk->tstamp_ok = true;
      sk->ts_recent = opts.tsval;
      sk->ts_recent_stamp = now_;
      sk->advmss -= 12;
    }
    if (opts.mss) {
      sk->mss_clamp = (sk->user_mss != 0 && sk->user_mss < *opts.mss)
                          ? static_cast<uint16_t>(sk->user_mss)
                          : *opts.mss;
    }
    // The window of a SYN is never scaled (RFC 7323 §2.2).
    sk->snd_wnd = seg.th->window;
    sk->max_window = sk->snd_wnd;
    // The SYN is acknowledged: take it off the retransmit queue with its
    // RTT sample (Karn: none if it was sent twice, unless timestamps tell).
    bool acked_new = false;
    std::optional<Duration> seq_rtt;
    CleanRtxQueue(sk, seg, &acked_new, &seq_rtt);
    // tcp_snd_una_update(): bytes_acked counts the SYN (and a Fast Open
    // SYN's data).
    sk->bytes_acked += seg.ack - sk->snd_una;
    sk->snd_una = seg.ack;
    ZerocopyAcked(*sk);  // a Fast Open SYN's zero-copy data
    UpdateRtt(sk, seq_rtt, &seg);
    // tcp_ack() runs before the MSS is synced: the pacing rate starts
    // from the pre-handshake MSS.
    UpdatePacingRate(sk);
    sk->retransmits = 0;
    ClearWriteTimer(sk);
    SyncMss(sk);
    InitializeRcvMss(sk);
    sk->rcv_tstamp = now_;
    TcpFinishConnect(sk);
    sk->retrans_stamp.reset();
    // Fast Open: the cookie is kept; data the SYN-ACK left unacknowledged
    // goes again now, carrying the handshake's ACK.
    if ((sk->tfo.syn_fastopen || sk->tfo.syn_data) && FastOpenSynAck(sk, seg)) {
      return false;
    }
    // A writer waiting for the connection (a blocking Fast Open sendto()
    // with data left) will carry the ACK (sk_write_pending).
    const bool write_pending = sk->tfo.request && sk->tfo.copied < sk->tfo.size;
    if (write_pending || sk->ack.pingpong >= sysctls_.tcp_pingpong_thresh ||
        sk->defer_accept != 0) {
      // Interactive sockets, and those with TCP_DEFER_ACCEPT, delay the
      // handshake's ACK, hoping to carry it on data (measured with
      // TCP_DEFER_ACCEPT: the ACK 200 ms after the SYN-ACK).
      sk->ack.scheduled = true;
      EnterQuickackMode(sk, kMaxQuickAcks);
      sk->ack.timer = now_ + kDelackMax;
      ScheduleTimer(sk, TimerKind::kDelack);
    } else {
      SendAck(sk);
    }
    PushPendingFrames(sk);
    return false;
  }

  // No ACK: a RST is dropped (RFC 9293: it cannot be ours).
  if (seg.rst()) return false;
  if (seg.syn()) {
    // Crossed SYNs: simultaneous open (RFC 9293 §3.5, figure 8). We answer
    // with our own SYN, now carrying an ACK, and wait in SYN_RECV.
    SetState(sk, TcpState::kSynRecv);
    if (saw_tstamp) {
      sk->tstamp_ok = true;
      sk->ts_recent = opts.tsval;
      sk->ts_recent_stamp = now_;
    }
    sk->irs = seg.seq;
    sk->rcv_nxt = seg.seq + 1;
    sk->rcv_wup = sk->rcv_nxt;
    sk->snd_wnd = seg.th->window;
    sk->snd_wl1 = seg.seq;
    sk->max_window = sk->snd_wnd;
    if (opts.wscale && sysctls_.tcp_window_scaling != 0) {
      sk->wscale_ok = true;
      sk->snd_wscale = std::min(*opts.wscale, kMaxWscale);
    } else {
      sk->wscale_ok = false;
      sk->snd_wscale = sk->rcv_wscale = 0;
    }
    sk->sack_ok = opts.sack_permitted && sysctls_.tcp_sack != 0;
    EcnRcvSyn(sk, seg);
    if (opts.mss) sk->mss_clamp = *opts.mss;
    SyncMss(sk);
    InitializeRcvMss(sk);
    SendSynAckFromSock(sk, false);
  }
  return false;
}

// --- Synchronized states -------------------------------------------------------

bool Stack::PawsReject(const Sock* sk, const Segment& seg) const {
  // tcp_paws_discard(): a timestamp older than the last one in sequence,
  // by more than one tick, marks an old duplicate (RFC 7323 §5). Linux lets
  // a zero ts_recent and pure duplicate ACKs within an RTO through.
  if (!sk->tstamp_ok || !seg.opts.saw_tstamp) return false;
  if (static_cast<int32_t>(sk->ts_recent - seg.opts.tsval) <= 1) return false;
  if (sk->ts_recent == 0) return false;
  const bool disordered_ack = seg.len == 0 && !seg.syn() && !seg.fin() &&
                              seg.ack == sk->snd_una && seg.seq == sk->rcv_nxt &&
                              static_cast<int32_t>(sk->ts_recent - seg.opts.tsval) <=
                                  Millis(sk->rto);
  return !disordered_ack;
}

bool Stack::OowRateLimited(std::optional<Instant>* last, const Segment& seg,
                           Counter skipped) {
  // tcp_oow_rate_limited(): data segments are never limited; anything else
  // gets at most one answer per tcp_invalid_ratelimit ms per socket.
  if (seg.seq != seg.end_seq && !seg.syn()) return false;
  if (*last && now_ - **last < std::chrono::milliseconds(sysctls_.tcp_invalid_ratelimit)) {
    counters_.Inc(skipped);
    return true;
  }
  *last = now_;
  return false;
}

void Stack::SendChallengeAck(Sock* sk) {
  // RFC 5961 §3.2/§4.2/§5.2: answer with an ACK at our idea of the
  // window, at most once per tcp_invalid_ratelimit ms whatever the segment
  // (measured: a second in-window RST 300 ms after the first gets no
  // answer).
  if (sk->last_oow_ack_time &&
      now_ - *sk->last_oow_ack_time <
          std::chrono::milliseconds(sysctls_.tcp_invalid_ratelimit)) {
    counters_.Inc(Counter::kTcpExtTCPACKSkippedChallenge);
    return;
  }
  sk->last_oow_ack_time = now_;
  counters_.Inc(Counter::kTcpExtTCPChallengeACK);
  SendAck(sk);
}

void Stack::SendDupAck(Sock* sk, const Segment& seg) {
  // tcp_send_dupack(): a retransmission of data we have means our ACK was
  // lost; answer at once and report the duplicate with a D-SACK.
  const uint32_t data_seq = seg.seq + (seg.syn() ? 1 : 0);
  if (seg.end_seq != seg.seq && SeqBefore(data_seq, sk->rcv_nxt)) {
    counters_.Inc(Counter::kTcpExtDelayedACKLost);
    EnterQuickackMode(sk, kMaxQuickAcks);
    if (sk->sack_ok && sysctls_.tcp_dsack != 0) {
      uint32_t end = seg.end_seq;
      if (SeqAfter(end, sk->rcv_nxt)) end = sk->rcv_nxt;
      sk->dsack = SackBlock{data_seq, end};
      counters_.Inc(Counter::kTcpExtTCPDSACKOldSent);
    }
  }
  SendAck(sk);
}

bool Stack::ValidateIncoming(Sock* sk, const Segment& seg) {
  // RFC 7323 PAWS. A RST is accepted even when it fails.
  if (PawsReject(sk, seg) && !seg.rst()) {
    if (seg.syn()) {
      counters_.Inc(Counter::kTcpExtTCPSYNChallenge);
      SendChallengeAck(sk);
      return false;
    }
    counters_.Inc(Counter::kTcpExtPAWSEstab);
    if (!OowRateLimited(&sk->last_oow_ack_time, seg,
                        Counter::kTcpExtTCPACKSkippedPAWS)) {
      SendDupAck(sk, seg);
    }
    return false;
  }

  // Step 1: is the segment in the window (RFC 9293 §3.10.7.4)?
  const bool reset_check =
      seg.seq == sk->rcv_nxt - 1 &&
      (sk->state == TcpState::kCloseWait || sk->state == TcpState::kLastAck ||
       sk->state == TcpState::kClosing);
  const bool acceptable =
      !SeqBefore(seg.end_seq, sk->rcv_wup) &&
      !SeqAfter(seg.seq, sk->rcv_nxt + ReceiveWindow(sk));
  if (!acceptable) {
    if (!seg.rst()) {
      if (seg.syn()) {
        counters_.Inc(Counter::kTcpExtTCPSYNChallenge);
        SendChallengeAck(sk);
        return false;
      }
      // Out of window: a duplicate ACK tells the peer where we are.
      if (!OowRateLimited(&sk->last_oow_ack_time, seg,
                          Counter::kTcpExtTCPACKSkippedSeq)) {
        SendDupAck(sk, seg);
      }
    } else if (reset_check) {
      TcpReset(sk);
    }
    return false;
  }

  // Step 2: RST. RFC 5961 §3.2: only an exact match resets; any other RST
  // in the window gets a challenge ACK (measured: `R. 500:500(0)` with
  // rcv_nxt at 1 draws `. 1:1(0) ack 1`).
  if (seg.rst()) {
    if (seg.seq == sk->rcv_nxt || reset_check) {
      TcpReset(sk);
      return false;
    }
    SendChallengeAck(sk);
    return false;
  }

  // Step 4: SYN. RFC 5961 §4.2: a SYN in a synchronized state is answered
  // with a challenge ACK, except our peer's SYN-ACK retransmitted during a
  // simultaneous open.
  if (seg.syn()) {
    if (sk->state == TcpState::kSynRecv && seg.ack_flag() &&
        seg.seq + 1 == seg.end_seq && seg.seq + 1 == sk->rcv_nxt &&
        seg.ack == sk->snd_nxt) {
      return true;
    }
    counters_.Inc(Counter::kTcpExtTCPSYNChallenge);
    SendChallengeAck(sk);
    return false;
  }
  return true;
}

bool Stack::RcvStateProcess(Sock* sk, const Segment& seg) {
  if (!ValidateIncoming(sk, seg)) return false;
  if (sk->state == TcpState::kClose) return false;

  // Step 5: the ACK field. Segments without one are dropped.
  if (!seg.ack_flag()) return false;
  const AckResult ack = TcpAck(sk, seg);
  if (ack != AckResult::kOk) {
    // An unacceptable ACK in SYN_RECV is answered with a RST (RFC 9293
    // §3.10.7.4); elsewhere an ACK of unsent data or one older than the
    // window draws a challenge ACK (RFC 5961 §5.2; measured on 6.18 in
    // ESTABLISHED too). An old but plausible ACK is ignored.
    if (sk->state == TcpState::kSynRecv) return true;
    if (ack != AckResult::kOld) {
      SendChallengeAck(sk);
      return false;
    }
  }

  const bool fin_acked = sk->fin_queued && sk->snd_una == sk->write_seq + 1;
  switch (sk->state) {
    case TcpState::kSynRecv:
      // Our SYN-ACK is acknowledged: the connection is open. Its delivery
      // counts (tcp_ack() does not see it: it was the request's).
      sk->ack.lrcvtime = now_;
      ++sk->delivered;
      SetState(sk, TcpState::kEstablished);
      sk->snd_wnd = static_cast<uint32_t>(seg.th->window) << sk->snd_wscale;
      sk->max_window = std::max(sk->max_window, sk->snd_wnd);
      sk->snd_wl1 = seg.seq;
      if (sk->fastopen_rsk) {
        FastOpenSynRecvDone(sk, seg);
      } else {
        sk->retrans_stamp.reset();
        InitTransfer(sk);
      }
      // tcp_rcv_state_process(), TCP_SYN_RECV: the timestamps every
      // segment will carry come off the MSS we advertised (measured:
      // tcpi_advmss 1448 on an accepted connection with timestamps).
      if (sk->tstamp_ok) sk->advmss -= 12;
      InitializeRcvMss(sk);
      UpdatePacingRate(sk);
      break;
    case TcpState::kFinWait1: {
      if (!fin_acked) break;
      // Our FIN is acknowledged (RFC 9293: enter FIN-WAIT-2).
      SetState(sk, TcpState::kFinWait2);
      sk->shutdown |= kSendShutdown;
      if (!sk->orphan) break;
      // An orphan does not wait forever for the peer's FIN: TCP_LINGER2
      // or tcp_fin_timeout, not less than 3.5 RTO (tcp_fin_time()).
      // TCP_LINGER2 < 0: no FIN_WAIT_2 at all; the ACK of our FIN is
      // answered with a RST (measured: `R <ack>:<ack>(0)`).
      if (sk->linger2 < 0) {
        TcpDone(sk);
        counters_.Inc(Counter::kTcpExtTCPAbortOnData);
        return true;
      }
      if (seg.end_seq != seg.seq &&
          SeqAfter(seg.end_seq - (seg.fin() ? 1 : 0), sk->rcv_nxt)) {
        // Data after close(): the application will never read it.
        TcpDone(sk);
        counters_.Inc(Counter::kTcpExtTCPAbortOnData);
        return true;
      }
      const Duration tmo = FinTime(sk);
      if (tmo > kTimewaitLen) {
        sk->keepalive_timer = FinWait2Timer{now_ + tmo - kTimewaitLen};
        ScheduleTimer(sk, TimerKind::kKeepalive);
      } else if (seg.fin()) {
        // Keep the socket so the FIN in this segment is processed.
        sk->keepalive_timer = FinWait2Timer{now_ + tmo};
        ScheduleTimer(sk, TimerKind::kKeepalive);
      } else {
        TimeWait(sk, TcpState::kFinWait2, tmo);
        return false;
      }
      break;
    }
    case TcpState::kClosing:
      if (fin_acked) {
        TimeWait(sk, TcpState::kTimeWait, Duration{0});
        return false;
      }
      break;
    case TcpState::kLastAck:
      if (fin_acked) {
        TcpDone(sk);
        return false;
      }
      break;
    default:
      break;
  }

  // Step 6: the URG bit (tcp_urg()), in every state that takes text.
  if (sk->state != TcpState::kClose) Urg(sk, seg);

  // Step 7: the segment text.
  switch (sk->state) {
    case TcpState::kCloseWait:
    case TcpState::kClosing:
    case TcpState::kLastAck:
      // The peer has closed: new data after its FIN is ignored.
      if (!SeqBefore(seg.seq, sk->rcv_nxt)) break;
      DataQueue(sk, seg);
      break;
    case TcpState::kFinWait1:
    case TcpState::kFinWait2:
      // RFC 1122 §4.2.2.13: data for a socket that will not read it is
      // answered with a RST.
      if (sk->shutdown & kRcvShutdown) {
        if (seg.end_seq != seg.seq &&
            SeqAfter(seg.end_seq - (seg.fin() ? 1 : 0), sk->rcv_nxt)) {
          counters_.Inc(Counter::kTcpExtTCPAbortOnData);
          TcpReset(sk);
          return true;
        }
      }
      DataQueue(sk, seg);
      break;
    case TcpState::kEstablished:
      DataQueue(sk, seg);
      break;
    default:
      break;
  }

  if (sk->state != TcpState::kClose) {
    // tcp_xmit_recovery() in tcp_ack(), then tcp_data_snd_check(): the
    // push, then tcp_check_space(), as unsent bytes that left may let a
    // writer below TCP_NOTSENT_LOWAT.
    XmitRetransmitQueue(sk);
    PushPendingFrames(sk);
    if (sk->nospace && StreamWriteable(sk)) {
      sk->nospace = false;
      ++sk->wakeups;
      ChronoStop(sk, Chrono::kSndbufLimited);  // __tcp_check_space()
    }
    AckSndCheck(sk);
  }
  return false;
}

// --- ACK processing ------------------------------------------------------------

Stack::AckResult Stack::TcpAck(Sock* sk, const Segment& seg) {
  const uint32_t prior_snd_una = sk->snd_una;
  if (SeqBefore(seg.ack, prior_snd_una)) {
    // RFC 5961 §5.2: older than the window we could have sent is an
    // attack or garbage; anything else is merely old.
    const uint32_t max_window =
        static_cast<uint32_t>(std::min<uint64_t>(sk->max_window, sk->bytes_acked));
    if (SeqBefore(seg.ack, prior_snd_una - max_window)) return AckResult::kTooOld;
    // tcp_ack()'s old_ack: SACKs on it still count, and recovery may send
    // because of them (but cwnd is left alone).
    if (!seg.opts.sacks.empty() && sk->sack_ok && sk->packets_out() != 0) {
      SackTagState sack_state;
      SackTag(sk, seg, prior_snd_una, &sack_state);
      int flag = sack_state.flag;
      Rexmit rexmit = Rexmit::kNone;
      FastRetransAlert(sk, prior_snd_una, 0, &flag, &rexmit);
      XmitRecovery(sk, rexmit);
    }
    return AckResult::kOld;
  }
  if (SeqAfter(seg.ack, sk->snd_nxt)) return AckResult::kUnsentData;

  // RFC 7323 §4.3: remember the timestamp of a segment at the left edge.
  if (seg.opts.saw_tstamp && sk->tstamp_ok && !SeqAfter(seg.seq, sk->rcv_wup) &&
      static_cast<int32_t>(sk->ts_recent - seg.opts.tsval) <= 0) {
    StoreTsRecent(sk, seg);
  }

  // Window update (RFC 9293 §3.10.7.4 step 5, tcp_may_update_window).
  const uint32_t nwin = static_cast<uint32_t>(seg.th->window) << sk->snd_wscale;
  bool win_update = false;
  if (SeqAfter(seg.ack, sk->snd_una) || SeqAfter(seg.seq, sk->snd_wl1) ||
      (seg.seq == sk->snd_wl1 && (nwin > sk->snd_wnd || nwin == 0))) {
    win_update = true;
    sk->snd_wl1 = seg.seq;
    // tcp_ack_update_window(): a changed window with data waiting is a
    // moment to restart cwnd after idle (measured:
    // slow_start/slow-start-after-win-update.pkt).
    if (sk->snd_wnd != nwin && !sk->write_queue.empty()) {
      sk->snd_wnd = nwin;
      SlowStartAfterIdleCheck(sk);
    }
    sk->snd_wnd = nwin;
    if (nwin > sk->max_window) {
      sk->max_window = nwin;
      SyncMss(sk);
    }
  }

  sk->rcv_tstamp = now_;
  sk->err_soft = 0;
  sk->probes_out = 0;

  // tcp_ack() from here: SACKs, what left the queue, RTT, the recovery
  // state machine, cwnd, and what recovery sends.
  int flag = win_update ? ack_flag::kWinUpdate : 0;
  if (seg.len > 0) flag |= ack_flag::kData;
  const uint32_t prior_packets = sk->packets_out();
  const uint32_t prior_delivered = sk->delivered;
  const uint32_t prior_fack = HighestSackSeq(sk);
  const uint32_t prior_lost = sk->lost_out();
  Rexmit rexmit = Rexmit::kNone;
  if (SeqAfter(seg.ack, prior_snd_una)) {
    flag |= ack_flag::kSndUnaAdvanced;
    sk->retransmits = 0;
  }
  sk->bytes_acked += seg.ack - prior_snd_una;
  sk->snd_una = seg.ack;
  SackTagState sack_state;
  SackTag(sk, seg, prior_snd_una, &sack_state);
  flag |= sack_state.flag;
  if (EcnRcvEcnEcho(sk, seg)) flag |= ack_flag::kEce;
  if (prior_packets == 0) {
    UpdatePacingRate(sk);  // tcp_cong_control() sees every ACK
    return AckResult::kOk;
  }

  bool acked_new = false;
  std::optional<Duration> seq_rtt, ca_rtt;
  CleanResult cleaned;
  CleanRtxQueue(sk, seg, &acked_new, &seq_rtt, &ca_rtt, &cleaned);
  if (cleaned.data_acked) flag |= ack_flag::kDataAcked;
  if (cleaned.syn_acked) flag |= ack_flag::kSynAcked;
  if (cleaned.retrans_data_acked) flag |= ack_flag::kRetransDataAcked;
  if (flag & ack_flag::kAcked) {
    flag |= ack_flag::kSetXmitTimer;
    if (sk->mtup.probe_size != 0 && !SeqAfter(sk->mtup.probe_seq_end, sk->snd_una)) {
      MtupProbeSuccess(sk);
    }
    if (!sk->sack_ok) {
      RemoveRenoSacks(sk, cleaned.pkts_acked);
    } else if (SeqBefore(cleaned.reord, prior_fack)) {
      // A hole filled by never-retransmitted data: reordering.
      CheckSackReordering(sk, cleaned.reord);
    }
  }
  // The freed skbs' ACK time stamps and zero-copy completions.
  TxTimestampAcked(*sk, now_);
  ZerocopyAcked(*sk);
  // FLAG_ACK_MAYBE_DELAYED: one runt segment acknowledged alone.
  const bool maybe_delayed = cleaned.pkts_acked == 1 && cleaned.sacked_acked == 0 &&
                             seg.ack - prior_snd_una < sk->mss_cache;
  const int64_t ca_rtt_us =
      acked_new ? UpdateRtt(sk, seq_rtt, &seg, ca_rtt, maybe_delayed) : -1;
  PktsAcked(sk, cleaned.pkts_acked, ca_rtt_us);
  RackUpdateReoWnd(sk, prior_delivered);
  // A loss probe's episode ends once the ACK covers what it probed.
  if (sk->tlp_high_seq && !SeqBefore(sk->snd_una, *sk->tlp_high_seq)) {
    sk->tlp_high_seq.reset();
  }

  // tcp_ack_is_dubious(): a duplicate, an alert, or not in the Open state.
  if (!(flag & ack_flag::kNotDup) || (flag & ack_flag::kCaAlert) ||
      sk->ca_state != CaState::kOpen) {
    int num_dupack = 0;
    if (!(flag & (ack_flag::kSndUnaAdvanced | ack_flag::kNotDup | ack_flag::kDsackingAck))) {
      num_dupack = 1;
    }
    FastRetransAlert(sk, prior_snd_una, num_dupack, &flag, &rexmit);
  }
  const bool any_retransmitted =
      std::any_of(sk->rtx_queue.begin(), sk->rtx_queue.end(),
                  [](const SentSegment& s) { return s.retransmitted; });
  if (!any_retransmitted) sk->retrans_stamp.reset();
  // tcp_set_xmit_timer(): a loss probe if one applies, else the RTO from
  // now for what is still in flight (unless RACK armed its timer).
  if (flag & ack_flag::kSetXmitTimer) {
    if (!ScheduleLossProbe(sk, true)) RearmRto(sk);
  }
  const uint32_t delivered = sk->delivered - prior_delivered;
  sk->prr_snd_una_advanced = (flag & ack_flag::kSndUnaAdvanced) != 0;
  const uint32_t lost_now = sk->lost_out();
  sk->prr_newly_lost = lost_now > prior_lost ? lost_now - prior_lost : 0;
  CongControl(sk, seg.ack, delivered, flag);
  XmitRecovery(sk, rexmit);
  // tcp_check_space(): freed memory wakes a writer that found no room.
  if (sk->nospace && StreamWriteable(sk)) {
    sk->nospace = false;
    ++sk->wakeups;
    ChronoStop(sk, Chrono::kSndbufLimited);  // __tcp_check_space()
  }
  if (std::holds_alternative<ZeroWindowProbeTimer>(sk->write_timer) &&
      sk->snd_wnd != 0) {
    ClearWriteTimer(sk);
    sk->backoff = 0;
  }
  return AckResult::kOk;
}

void Stack::CleanRtxQueue(Sock* sk, const Segment& seg, bool* acked_new,
                          std::optional<Duration>* seq_rtt,
                          std::optional<Duration>* ca_rtt,
                          CleanResult* result) {
  // tcp_clean_rtx_queue(): drop what the ACK covers; the RTT sample comes
  // from the oldest segment acknowledged that was sent only once (Karn).
  // The congestion control's sample (ca_rtt) is from the newest segment
  // acknowledged, the estimator's from the oldest.
  std::optional<Instant> first_ackt, last_ackt;
  bool retrans_acked = false;
  CleanResult ignored;
  CleanResult& res = result != nullptr ? *result : ignored;
  res.reord = sk->snd_nxt;
  // The marks of what leaves the queue (tcp_clean_rtx_queue's accounting):
  // delivered unless SACKed before, RACK's reference, reordering.
  const auto account = [&](SentSegment& skb, uint32_t acked_pcount, uint32_t start) {
    res.pkts_acked += acked_pcount;
    if (skb.syn) {
      res.syn_acked = true;
    } else {
      res.data_acked = true;
    }
    if (skb.retransmitted) {
      res.retrans_data_acked = true;
    } else if (!skb.sacked && SeqBefore(start, res.reord)) {
      res.reord = start;
    }
    if (skb.sacked) {
      res.sacked_acked += acked_pcount;
    } else if (!skb.syn_data || skb.retransmitted) {
      sk->delivered += acked_pcount;
      if (sk->sack_ok) {
        RackAdvance(sk, skb.retransmitted, skb.end, skb.last_sent, skb.last_sent_event);
      }
    }
  };
  while (!sk->rtx_queue.empty()) {
    SentSegment& head = sk->rtx_queue.front();
    if (SeqAfter(head.end, seg.ack)) {
      // Partly acknowledged (tcp_tso_acked): the acknowledged bytes are
      // trimmed off and freed, the rest stays as fewer segments.
      if (SeqAfter(seg.ack, head.seq)) {
        const uint32_t prior_pcount = head.pcount;
        const uint32_t start = head.seq;
        const uint32_t data_acked = seg.ack - head.seq - (head.syn ? 1 : 0);
        const size_t drop = std::min<size_t>(data_acked, sk->send_buf.size());
        sk->send_buf.erase(sk->send_buf.begin(),
                           sk->send_buf.begin() + static_cast<long>(drop));
        head.seq = seg.ack;
        head.syn = false;
        const uint32_t trimmed = std::min(data_acked, head.truesize);
        head.truesize -= trimmed;
        sk->wmem_queued -= trimmed;
        const uint32_t left = head.end - head.seq - (head.fin ? 1 : 0);
        const uint32_t mss = std::max<uint32_t>(sk->mss_cache, 1);
        head.pcount = std::max<uint32_t>(1, (left + mss - 1) / mss);
        *acked_new = true;
        account(head, prior_pcount - head.pcount, start);
        // The acknowledged part gives an RTT sample like a whole skb.
        if (head.retransmitted) {
          retrans_acked = true;
        } else {
          if (!first_ackt) first_ackt = head.first_sent;
          last_ackt = head.first_sent;
        }
      }
      break;
    }
    const uint32_t data_len =
        head.end - head.seq - (head.syn ? 1 : 0) - (head.fin ? 1 : 0);
    const size_t drop = std::min<size_t>(data_len, sk->send_buf.size());
    sk->send_buf.erase(sk->send_buf.begin(),
                       sk->send_buf.begin() + static_cast<long>(drop));
    account(head, head.pcount, head.seq);
    if (head.retransmitted) {
      retrans_acked = true;
    } else if (!head.sacked) {
      if (!first_ackt) first_ackt = head.first_sent;
      last_ackt = head.first_sent;
    }
    sk->wmem_queued -= head.truesize;
    sk->rtx_queue.pop_front();
    *acked_new = true;
  }
  // Everything sent is acknowledged: busy no more, unless data waits.
  if (sk->rtx_queue.empty()) ChronoStop(sk, Chrono::kBusy);
  if (first_ackt && !retrans_acked) {
    *seq_rtt = now_ - *first_ackt;
    if (ca_rtt != nullptr) *ca_rtt = now_ - *last_ackt;
  }
}

int64_t Stack::UpdateRtt(Sock* sk, std::optional<Duration> seq_rtt,
                         const Segment* seg, std::optional<Duration> ca_rtt,
                         bool maybe_delayed) {
  // tcp_ack_update_rtt(): without a clean sample, the echoed timestamp
  // measures the RTT (RFC 7323 §4.1), in whole milliseconds. The windowed
  // min RTT takes the newest segment's sample. Returns that sample (-1:
  // none) for the congestion control.
  int64_t rtt_us = -1;
  if (seq_rtt) rtt_us = Micros(*seq_rtt);
  int64_t ca_rtt_us = ca_rtt ? Micros(*ca_rtt) : rtt_us;
  if (rtt_us < 0 && seg != nullptr && sk->tstamp_ok && seg->opts.saw_tstamp &&
      seg->opts.tsecr != 0) {
    const uint32_t delta = TcpTimestampMs() - (seg->opts.tsecr - sk->ts_offset);
    if (delta < INT32_MAX / 1000) {
      rtt_us = int64_t{std::max<uint32_t>(delta, 1)} * 1000;
      ca_rtt_us = rtt_us;
    }
  }
  if (rtt_us < 0) return ca_rtt_us;
  UpdateRttMin(sk, ca_rtt_us, maybe_delayed);
  RttEstimator(sk, rtt_us);
  SetRto(sk);
  sk->backoff = 0;
  return ca_rtt_us;
}

void Stack::RttEstimator(Sock* sk, int64_t mrtt_us) {
  // tcp_rtt_estimator(): Jacobson/Karels in Linux's fixed point (srtt<<3,
  // mdev<<2), with rttvar never below tcp_rto_min (RFC 6298 §2).
  int64_t m = mrtt_us;
  uint32_t srtt = sk->srtt_us;
  const uint32_t rto_min = static_cast<uint32_t>(sysctls_.tcp_rto_min_us);
  if (srtt != 0) {
    m -= (srtt >> 3);
    srtt = static_cast<uint32_t>(static_cast<int64_t>(srtt) + m);
    if (m < 0) {
      m = -m;
      m -= (sk->mdev_us >> 2);
      if (m > 0) m >>= 3;
    } else {
      m -= (sk->mdev_us >> 2);
    }
    sk->mdev_us = static_cast<uint32_t>(static_cast<int64_t>(sk->mdev_us) + m);
    if (sk->mdev_us > sk->mdev_max_us) {
      sk->mdev_max_us = sk->mdev_us;
      if (sk->mdev_max_us > sk->rttvar_us) sk->rttvar_us = sk->mdev_max_us;
    }
    if (SeqAfter(sk->snd_una, sk->rtt_seq)) {
      if (sk->mdev_max_us < sk->rttvar_us) {
        sk->rttvar_us -= (sk->rttvar_us - sk->mdev_max_us) >> 2;
      }
      sk->rtt_seq = sk->snd_nxt;
      sk->mdev_max_us = rto_min;
    }
  } else {
    srtt = static_cast<uint32_t>(m << 3);
    sk->mdev_us = static_cast<uint32_t>(m << 1);
    sk->rttvar_us = std::max(sk->mdev_us, rto_min);
    sk->mdev_max_us = sk->rttvar_us;
    sk->rtt_seq = sk->snd_nxt;
  }
  sk->srtt_us = std::max<uint32_t>(1, srtt);
}

void Stack::SetRto(Sock* sk) {
  // tcp_set_rto(): srtt + rttvar in whole jiffies, at most tcp_rto_max.
  const Duration rto = RoundUpToJiffy(
      std::chrono::microseconds((sk->srtt_us >> 3) + sk->rttvar_us));
  sk->rto = std::min<Duration>(rto, std::chrono::milliseconds(sysctls_.tcp_rto_max_ms));
}

void Stack::StoreTsRecent(Sock* sk, const Segment& seg) {
  sk->ts_recent = seg.opts.tsval;
  sk->ts_recent_stamp = now_;
}

// --- Data ------------------------------------------------------------------------

void Stack::DataQueue(Sock* sk, const Segment& seg) {
  // Whatever reaches the reader wakes it (tcp_data_ready()).
  const uint32_t rcv_nxt_before = sk->rcv_nxt;
  EcnAcceptCwr(sk, seg);
  DataQueueSegment(sk, seg);
  if (sk->rcv_nxt != rcv_nxt_before) ++sk->wakeups;
}

void Stack::DataQueueSegment(Sock* sk, const Segment& seg) {
  // tcp_data_queue(). Sequence numbers of the data proper (a SYN occupies
  // the first one).
  const uint32_t seq = seg.seq + (seg.syn() ? 1 : 0);
  const uint32_t data_end = seq + seg.len;
  // A SYN counts: the peer's SYN-ACK repeated after a simultaneous open
  // is a retransmission to D-SACK below.
  if (seg.seq == seg.end_seq) return;
  sk->dsack.reset();
  const std::vector<uint8_t>& payload = seg.packet->payload;

  if (seg.seq == sk->rcv_nxt) {
    // In sequence. A closed window drops data but takes a bare FIN.
    if (ReceiveWindow(sk) == 0 && !(seg.len == 0 && seg.fin())) {
      EnterQuickackMode(sk, kMaxQuickAcks);
      sk->ack.scheduled = true;
      return;
    }
    // tcp_try_rmem_schedule(): a receive queue already beyond SO_RCVBUF
    // asks for an ACK at once (ICSK_ACK_NOW, which carries the zero
    // window), and takes no more data unless the queue is empty (measured:
    // SO_RCVBUF 20000, 60000 bytes queued, a bare FIN is acknowledged at
    // once where the 60000 bytes waited for the delayed ACK).
    if (sk->rmem_alloc > sk->rcvbuf) {
      sk->ack.now = true;
      sk->ack.scheduled = true;
      if (!sk->recv_buf.empty() && seg.len > 0) return;
    }
    sk->QueueRecv(payload.begin(), payload.end());
    sk->rcv_nxt = data_end;
    // tcp_rcv_nxt_update(): bytes_received counts sequence space, the FIN
    // included (measured: 300 bytes and a FIN make tcpi_bytes_received 301).
    sk->bytes_received += seg.len + (seg.fin() ? 1 : 0);
    if (seg.len > 0) {
      sk->last_data_recv = now_;
      EventDataRecv(sk, seg);
    }
    if (seg.fin()) {
      sk->rcv_nxt += 1;
      Fin(sk);
    }
    // Queued segments that now follow in sequence (tcp_ofo_queue()).
    if (!sk->ofo.empty()) {
      // Queued data that this segment covered again is a duplicate:
      // tcp_ofo_queue() reports the first such range as a D-SACK and
      // extends it with the ranges that touch it (tcp_dsack_extend()).
      const uint32_t dsack_high = sk->rcv_nxt;
      while (!sk->ofo.empty() && !SeqAfter(sk->ofo.front().seq, sk->rcv_nxt)) {
        OutOfOrderSegment s = std::move(sk->ofo.front());
        sk->ofo.erase(sk->ofo.begin());
        if (SeqBefore(s.seq, dsack_high)) {
          DsackExtend(sk, s.seq, SeqBefore(s.end(), dsack_high) ? s.end() : dsack_high);
        }
        if (!SeqAfter(s.end(), sk->rcv_nxt)) continue;  // all duplicate
        const uint32_t skip = sk->rcv_nxt - s.seq;
        if (skip < s.data.size()) {
          sk->QueueRecv(s.data.begin() + skip, s.data.end());
          sk->rcv_nxt = s.seq + static_cast<uint32_t>(s.data.size());
          sk->bytes_received += static_cast<uint32_t>(s.data.size()) - skip;
        }
        if (s.fin && sk->state != TcpState::kClose) {
          sk->rcv_nxt += 1;
          sk->bytes_received += 1;
          Fin(sk);
        }
      }
      // RFC 5681 §4.2: ACK at once when a hole is filled.
      if (sk->ofo.empty()) sk->ack.now = true;
    }
    // SACK blocks now below rcv_nxt are gone (tcp_sack_remove()).
    std::erase_if(sk->selective_acks, [sk](const SackBlock& b) {
      return !SeqBefore(sk->rcv_nxt, b.start);
    });
    return;
  }

  if (!SeqAfter(data_end + (seg.fin() ? 1 : 0), sk->rcv_nxt)) {
    // All of it is old: a retransmission, so our ACK was lost. Report the
    // duplicate (its whole sequence space, as tcp_dsack_set() is given
    // it) and ACK at once.
    counters_.Inc(Counter::kTcpExtDelayedACKLost);
    if (sk->sack_ok && sysctls_.tcp_dsack != 0) {
      sk->dsack = SackBlock{seg.seq, seg.end_seq};
      counters_.Inc(Counter::kTcpExtTCPDSACKOldSent);
    }
    EnterQuickackMode(sk, kMaxQuickAcks);
    sk->ack.scheduled = true;
    return;
  }

  if (!SeqBefore(seq, sk->rcv_nxt + ReceiveWindow(sk))) {
    // Beyond the window, e.g. a zero-window probe: ACK at once.
    EnterQuickackMode(sk, kMaxQuickAcks);
    sk->ack.scheduled = true;
    return;
  }

  if (SeqBefore(seq, sk->rcv_nxt)) {
    // Partly old: D-SACK the old part, queue the rest.
    if (sk->sack_ok && sysctls_.tcp_dsack != 0) {
      sk->dsack = SackBlock{seq, sk->rcv_nxt};
      counters_.Inc(Counter::kTcpExtTCPDSACKOldSent);
    }
    if (ReceiveWindow(sk) == 0) {
      EnterQuickackMode(sk, kMaxQuickAcks);
      sk->ack.scheduled = true;
      return;
    }
    const uint32_t skip = sk->rcv_nxt - seq;
    sk->QueueRecv(payload.begin() + skip, payload.end());
    sk->rcv_nxt = data_end;
    sk->bytes_received += seg.len - skip + (seg.fin() ? 1 : 0);
    sk->last_data_recv = now_;
    const std::optional<SackBlock> dsack = sk->dsack;
    EventDataRecv(sk, seg);
    sk->dsack = dsack;
    if (seg.fin()) {
      sk->rcv_nxt += 1;
      Fin(sk);
    }
    return;
  }
  OfoQueue(sk, seg);
}

void Stack::DsackExtend(Sock* sk, uint32_t start, uint32_t end) {
  if (!sk->sack_ok || sysctls_.tcp_dsack == 0) return;
  if (!sk->dsack) {
    // tcp_dsack_set(): counted once, as old or out-of-order data.
    sk->dsack = SackBlock{start, end};
    counters_.Inc(SeqBefore(start, sk->rcv_nxt) ? Counter::kTcpExtTCPDSACKOldSent
                                                : Counter::kTcpExtTCPDSACKOfoSent);
    return;
  }
  // tcp_sack_extend(): only a range that overlaps or touches the block.
  SackBlock& d = *sk->dsack;
  if (SeqAfter(start, d.end) || SeqAfter(d.start, end)) return;
  if (SeqBefore(start, d.start)) d.start = start;
  if (SeqAfter(end, d.end)) d.end = end;
}

void Stack::OfoQueue(Sock* sk, const Segment& seg) {
  // tcp_data_queue_ofo(): keep it, SACK it, and ACK at once.
  EcnDataCheck(sk, seg);
  counters_.Inc(Counter::kTcpExtTCPOFOQueue);
  sk->ack.scheduled = true;
  const uint32_t seq = seg.seq + (seg.syn() ? 1 : 0);
  OutOfOrderSegment s;
  s.seq = seq;
  s.data = seg.packet->payload;
  s.fin = seg.fin();
  const uint32_t end = seq + seg.len + (seg.fin() ? 1 : 0);
  // A segment we already hold is a duplicate: D-SACK it.
  for (const OutOfOrderSegment& held : sk->ofo) {
    if (!SeqBefore(seq, held.seq) && !SeqAfter(end, held.end())) {
      if (sk->sack_ok && sysctls_.tcp_dsack != 0) {
        sk->dsack = SackBlock{seq, end};
        counters_.Inc(Counter::kTcpExtTCPDSACKOfoSent);
      }
      return;
    }
  }
  // Kept in order of distance from rcv_nxt, which survives wrap-around.
  auto pos = std::find_if(sk->ofo.begin(), sk->ofo.end(),
                          [sk, seq](const OutOfOrderSegment& o) {
                            return o.seq - sk->rcv_nxt > seq - sk->rcv_nxt;
                          });
  sk->ofo.insert(pos, std::move(s));
  if (!sk->sack_ok) return;
  // tcp_sack_new_ofo_skb(): extend a block this segment touches and move
  // it first, merging blocks that now meet; else a new first block.
  SackBlock block{seq, end};
  for (auto it = sk->selective_acks.begin(); it != sk->selective_acks.end();) {
    const bool touches = !SeqAfter(it->start, block.end) &&
                         !SeqAfter(block.start, it->end);
    if (touches) {
      if (SeqBefore(it->start, block.start)) block.start = it->start;
      if (SeqAfter(it->end, block.end)) block.end = it->end;
      it = sk->selective_acks.erase(it);
    } else {
      ++it;
    }
  }
  sk->selective_acks.insert(sk->selective_acks.begin(), block);
  if (sk->selective_acks.size() > 4) sk->selective_acks.resize(4);
}

void Stack::Fin(Sock* sk) {
  // tcp_fin(): the peer will send no more (RFC 9293 §3.10.7.4 step 8).
  sk->ack.scheduled = true;
  sk->shutdown |= kRcvShutdown;
  sk->done = true;
  switch (sk->state) {
    case TcpState::kSynRecv:
    case TcpState::kEstablished:
      // Move to CLOSE_WAIT; Linux then delays the ACK as in interactive
      // mode (measured: the ACK of a FIN after data comes 40 ms later).
      SetState(sk, TcpState::kCloseWait);
      sk->ack.pingpong = sysctls_.tcp_pingpong_thresh;
      break;
    case TcpState::kCloseWait:
    case TcpState::kClosing:
    case TcpState::kLastAck:
      // A retransmitted FIN: nothing new.
      break;
    case TcpState::kFinWait1:
      // Simultaneous close: ACK their FIN and wait for ours to be acked.
      SendAck(sk);
      SetState(sk, TcpState::kClosing);
      break;
    case TcpState::kFinWait2:
      // Their FIN after ours was acknowledged: ACK and TIME_WAIT.
      SendAck(sk);
      TimeWait(sk, TcpState::kTimeWait, Duration{0});
      break;
    default:
      break;
  }
  // Anything queued beyond the FIN can never be delivered, and
  // tcp_sack_reset() forgets the SACK blocks and a pending D-SACK too
  // (measured: data already received, sent again with a FIN, is
  // acknowledged without the D-SACK its duplicate bytes would get alone).
  sk->ofo.clear();
  sk->selective_acks.clear();
  sk->dsack.reset();
}

// --- The delayed-ACK engine ----------------------------------------------------

void Stack::IncrQuickack(Sock* sk, int max_quickacks) {
  // tcp_incr_quickack(): enough quick ACKs to open the peer's window.
  int quickacks = sk->ack.rcv_mss == 0
                      ? 2
                      : static_cast<int>(sk->rcv_wnd / (2 * sk->ack.rcv_mss));
  if (quickacks == 0) quickacks = 2;
  quickacks = std::min(quickacks, max_quickacks);
  sk->ack.quick = std::max(sk->ack.quick, quickacks);
}

void Stack::EnterQuickackMode(Sock* sk, int max_quickacks) {
  IncrQuickack(sk, max_quickacks);
  sk->ack.pingpong = 0;
  sk->ack.ato = kAtoMin;
}

bool Stack::InQuickackMode(const Sock* sk) const {
  return sk->ack.quick > 0 && sk->ack.pingpong < sysctls_.tcp_pingpong_thresh;
}

void Stack::MeasureRcvMss(Sock* sk, const Segment& seg) {
  // tcp_measure_rcv_mss(): learn the peer's segment size; a full segment
  // with PSH or a short one marks the ACK as pushed.
  const uint32_t lss = sk->ack.last_seg_size;
  sk->ack.last_seg_size = 0;
  // A GSO packet counts as segments of its gso_size (measured with --mss:
  // after one 8000-byte packet tcpi_rcv_mss is 1000 with --mss=1000).
  uint32_t len = seg.gso_size != 0 ? seg.gso_size : seg.len;
  if (len >= sk->ack.rcv_mss) {
    sk->ack.rcv_mss = std::min<uint32_t>(len, sk->advmss);
    if (seg.psh()) sk->ack.pushed = true;
    return;
  }
  const uint32_t header_len = 20 + (sk->tstamp_ok ? 12 : 0);
  len += 20 + TcpOptionBytes(seg.th->options);
  if (len >= 536 + 20 || (len >= 88 + 20 && !seg.psh())) {
    len -= header_len;
    sk->ack.last_seg_size = len;
    if (len == lss) {
      sk->ack.rcv_mss = len;
      return;
    }
  }
  if (sk->ack.pushed) sk->ack.pushed2 = true;
  sk->ack.pushed = true;
}

void Stack::GrowWindow(Sock* sk, const Segment& seg) {
  // tcp_grow_window(): raise rcv_ssthresh towards the space the buffer
  // allows, by two segments when this segment's memory cost is sane.
  const int64_t room =
      std::min<int64_t>(sk->window_clamp, TcpSpace(sk)) - sk->rcv_ssthresh;
  if (room <= 0) return;
  // Linux weighs the skb's truesize; a payload plus ~768 bytes of overhead
  // stands in for it here.
  const int64_t truesize = int64_t{seg.len} + 768;
  int64_t incr = 0;
  if (WinFromSpace(truesize) <= seg.len) {
    incr = 2 * int64_t{sk->advmss};
  } else {
    int64_t t = WinFromSpace(truesize) >> 1;
    int64_t window = WinFromSpace(sysctls_.tcp_rmem[2]) >> 1;
    while (sk->rcv_ssthresh <= window) {
      if (t <= seg.len) {
        incr = 2 * int64_t{sk->ack.rcv_mss};
        break;
      }
      t >>= 1;
      window >>= 1;
    }
  }
  if (incr > 0) {
    incr = std::max<int64_t>(incr, 2 * int64_t{seg.len});
    sk->rcv_ssthresh += static_cast<uint32_t>(std::min(room, incr));
    sk->ack.quick |= 1;
  }
}

void Stack::EventDataRecv(Sock* sk, const Segment& seg) {
  // tcp_event_data_recv(): an ACK is owed; adapt ato to the inter-arrival
  // time (the first data starts quick-ACK mode).
  sk->ack.scheduled = true;
  MeasureRcvMss(sk, seg);
  if (sk->ack.ato == Duration{0}) {
    IncrQuickack(sk, kMaxQuickAcks);
    sk->ack.ato = kAtoMin;
  } else {
    const Duration m = now_ - sk->ack.lrcvtime;
    if (m <= kAtoMin / 2) {
      sk->ack.ato = sk->ack.ato / 2 + kAtoMin / 2;
    } else if (m < sk->ack.ato) {
      sk->ack.ato = sk->ack.ato / 2 + m;
      if (sk->ack.ato > sk->rto) sk->ack.ato = sk->rto;
    } else if (m > sk->rto) {
      // A long silence: the sender likely restarts slowly; ACK quickly.
      IncrQuickack(sk, kMaxQuickAcks);
    }
  }
  sk->ack.lrcvtime = now_;
  EcnDataCheck(sk, seg);
  GrowWindow(sk, seg);
}

void Stack::AckSndCheck(Sock* sk) {
  // __tcp_ack_snd_check(): ACK now after more than one full segment (if
  // the window is not about to shrink), in quick-ACK mode, when required,
  // or with out-of-order data; otherwise schedule a delayed ACK.
  if (!sk->ack.scheduled) return;
  const bool more_than_one_segment =
      sk->rcv_nxt - sk->rcv_wup > sk->ack.rcv_mss &&
      ComputeWindow(sk) >= sk->rcv_wnd;
  if (more_than_one_segment || InQuickackMode(sk) || sk->ack.now ||
      !sk->ofo.empty()) {
    SendAck(sk);
    return;
  }
  SendDelayedAck(sk);
}

void Stack::CleanupRbuf(Sock* sk, size_t copied) {
  // tcp_cleanup_rbuf(): after a read, ACK now if one is owed and pushed
  // data was consumed, or if the window can at least double.
  bool time_to_ack = false;
  if (sk->ack.scheduled) {
    if (sk->rcv_nxt - sk->rcv_wup > sk->ack.rcv_mss ||
        (copied > 0 &&
         (sk->ack.pushed2 ||
          (sk->ack.pushed && sk->ack.pingpong < sysctls_.tcp_pingpong_thresh)) &&
         sk->recv_buf.empty())) {
      time_to_ack = true;
    }
  }
  if (copied > 0 && !time_to_ack && !(sk->shutdown & kRcvShutdown)) {
    const uint32_t now_window = ReceiveWindow(sk);
    if (2 * uint64_t{now_window} <= sk->window_clamp) {
      const uint32_t new_window = ComputeWindow(sk);
      if (new_window != 0 && new_window >= 2 * now_window) time_to_ack = true;
    }
  }
  if (time_to_ack) SendAck(sk);
}

}  // namespace synack::stack
