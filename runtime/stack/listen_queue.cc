// A listener's two queues as Linux keeps them: the SYN queue of requests
// (tcp_conn_request, tcp_check_req, the request timer) with SYN cookies
// when it overflows, and the accept queue of established children.
#include <algorithm>

#include "runtime/stack/stack.h"
#include "runtime/stack/syn_cookies.h"
#include "runtime/stack/window.h"

namespace synack::stack {

namespace flag = wire::tcp_flag;

namespace {

// TCP_SYNCOOKIE_VALID: cookies are checked only this long after the SYN
// queue last overflowed (two minutes).
constexpr Duration kSyncookieValid = 120s;

}  // namespace

bool Stack::AcceptQueueFull(const Sock* listener) const {
  // sk_acceptq_is_full(): strictly more than the backlog, so listen(fd, 1)
  // holds two connections (measured: the third SYN is dropped).
  return listener->accept_queue.size() >
         static_cast<size_t>(std::max(0, listener->max_ack_backlog));
}

bool Stack::ReqQueueFull(const Sock* listener) const {
  // inet_csk_reqsk_queue_is_full(): more requests than the backlog.
  return listener->syn_queue.size() >
         static_cast<size_t>(std::max(0, listener->max_ack_backlog));
}

uint32_t Stack::CookieTime() const {
  // tcp_cookie_time(): a counter that moves every 60 s.
  return TcpTimestampMs() / 60000;
}

RequestSock* Stack::FindReq(Sock* listener, const FourTuple& tuple) {
  return listener->syn_queue.Find(tuple);
}

void Stack::DropReq(Sock* listener, const FourTuple& tuple) {
  listener->syn_queue.Erase(tuple);
}

void Stack::ListenerSegment(Sock* listener, const Segment& seg) {
  // A request in progress for this tuple takes the segment first (requests
  // sit in the established hash in Linux).
  if (RequestSock* req = FindReq(listener, seg.tuple)) {
    CheckReq(listener, req, seg);
    return;
  }
  // Without a request, an ACK may carry a SYN cookie.
  if (!seg.syn() && seg.ack_flag() && !seg.rst()) {
    CheckCookie(listener, seg);
    return;
  }
  // RFC 9293 §3.10.7.2, LISTEN: an ACK is answered with a RST, a RST is
  // ignored, a SYN (without FIN) opens a request; anything else is dropped.
  if (seg.ack_flag()) {
    SendResetReply(seg);
    return;
  }
  if (seg.rst() || !seg.syn() || seg.fin()) return;
  ConnRequest(listener, seg, 0);
}

void Stack::ConnRequest(Sock* listener, const Segment& seg, uint32_t tw_isn) {
  // tcp_conn_request(). A full SYN queue (or tcp_syncookies=2) means a
  // cookie, or a drop when cookies are off; a SYN reopening a TIME_WAIT
  // tuple skips both tests.
  bool want_cookie = false;
  if ((sysctls_.tcp_syncookies == 2 || ReqQueueFull(listener)) && tw_isn == 0) {
    if (sysctls_.tcp_syncookies != 0) {
      want_cookie = true;
      counters_.Inc(Counter::kTcpExtTCPReqQFullDoCookies);
    } else {
      counters_.Inc(Counter::kTcpExtTCPReqQFullDrop);
      counters_.Inc(Counter::kTcpExtListenDrops);
      return;
    }
  }
  if (AcceptQueueFull(listener)) {
    counters_.Inc(Counter::kTcpExtListenOverflows);
    counters_.Inc(Counter::kTcpExtListenDrops);
    return;
  }

  const ReceivedOptions& opts = seg.opts;
  RequestSock req;
  req.tuple = seg.tuple;
  req.rcv_isn = seg.seq;
  req.rcv_nxt = seg.seq + 1;
  req.peer_window = seg.th->window;
  req.tstamp_ok = opts.saw_tstamp && sysctls_.tcp_timestamps != 0;
  req.sack_ok = opts.sack_permitted && sysctls_.tcp_sack != 0;
  req.wscale_ok = opts.wscale.has_value() && sysctls_.tcp_window_scaling != 0;
  req.snd_wscale = req.wscale_ok ? std::min<uint8_t>(*opts.wscale, 14) : 0;
  req.ecn_ok = EcnCreateRequest(seg);
  req.mss = IsV4(seg.tuple.local.addr) ? 536 : 1220;
  if (opts.mss) {
    req.mss = (listener->user_mss != 0 && listener->user_mss < *opts.mss)
                  ? static_cast<uint16_t>(listener->user_mss)
                  : *opts.mss;
  }
  if (want_cookie && !req.tstamp_ok) {
    // Without timestamps a cookie has nowhere to keep SACK and window
    // scale (measured: the cookie SYN-ACK is `<mss 1460>` alone).
    req.sack_ok = req.wscale_ok = req.ecn_ok = false;
    req.snd_wscale = 0;
  }
  if (req.tstamp_ok) {
    req.ts_recent = opts.tsval;
    if (sysctls_.tcp_timestamps == 1) {
      req.ts_off = TimestampOffset(secrets_, req.tuple);
    }
  }

  // tcp_openreq_init_rwin(): the first window, the MSS less a timestamp.
  const int advmss = listener->user_mss != 0
                         ? std::min(listener->user_mss, AdvMss(seg.tuple.remote.addr))
                         : AdvMss(seg.tuple.remote.addr);
  const uint32_t full_space = FullSpace(listener);
  const InitialWindow window = SelectInitialWindow(
      full_space, static_cast<uint32_t>(advmss - (req.tstamp_ok ? 12 : 0)),
      listener->rcvbuf_locked ? full_space : 0, req.wscale_ok, sysctls_);
  req.rcv_wnd = window.rcv_wnd;
  req.window_clamp = window.window_clamp;
  req.rcv_wscale = window.rcv_wscale;

  if (!want_cookie && tw_isn == 0 && sysctls_.tcp_syncookies == 0) {
    // Without cookies, the last quarter of tcp_max_syn_backlog is kept
    // for peers known to be real.
    const int max_backlog = sysctls_.tcp_max_syn_backlog;
    if (max_backlog - static_cast<int>(listener->syn_queue.size()) <
        (max_backlog >> 2)) {
      counters_.Inc(Counter::kTcpExtListenDrops);
      return;
    }
  }

  std::optional<uint32_t> cookie_tsval;
  if (want_cookie) {
    uint16_t mss = req.mss;
    req.snt_isn = CookieInitSequence(secrets_, req.tuple, req.rcv_isn, &mss,
                                     CookieTime());
    listener->last_synq_overflow = now_;
    counters_.Inc(Counter::kTcpExtSyncookiesSent);
    if (req.tstamp_ok) {
      cookie_tsval = CookieInitTimestamp(TcpTimestampMs(), req.wscale_ok,
                                         req.snd_wscale, req.sack_ok, req.ecn_ok);
    }
  } else {
    req.snt_isn = tw_isn != 0 ? tw_isn : InitialSequence(secrets_, req.tuple, now_);
  }
  req.snt_synack = now_;
  // Fast Open: a SYN with a valid cookie (or one not needing it) makes its
  // child now, and the SYN-ACK acknowledges its data.
  std::optional<FastOpenCookie> foc;
  if (opts.fastopen) foc = FastOpenCookie{*opts.fastopen, opts.fastopen_exp};
  if (!want_cookie) {
    if (Sock* child = TryFastOpen(listener, seg, &req, &foc)) {
      SendSynAck(listener, *child->fastopen_rsk, false, std::nullopt, foc);
      ++listener->wakeups;
      return;
    }
  } else {
    foc.reset();
  }
  SendSynAck(listener, req, false, cookie_tsval, foc);
  if (want_cookie) return;  // a cookie keeps no state
  // The request timer: TCP_TIMEOUT_INIT, doubling (tcp_timeout_init()).
  req.expires = now_ + kTimeoutInit;
  ScheduleReqTimer(listener, listener->syn_queue.Add(req));
}

void Stack::SendSynAck(const Sock* listener, const RequestSock& req,
                       bool retransmission, std::optional<uint32_t> cookie_tsval,
                       const std::optional<FastOpenCookie>& foc) {
  // tcp_make_synack(). Measured on 6.18 (peer SYN with all options):
  //   S. 0:0(0) ack 1 win 65160 <mss 1460,sackOK,TS val X ecr 100,nop,wscale 10>
  // and without the peer's timestamps: win 64240, <mss 1460,nop,nop,sackOK,
  // nop,wscale 10>. IP ID 0.
  OutSegment out;
  out.seq = req.snt_isn;
  out.ack = req.rcv_nxt;
  out.flags = flag::kSyn | flag::kAck;
  // tcp_ecn_make_synack(): ECE agrees to ECN (measured: `SE.`, not ECT).
  if (req.ecn_ok) out.flags |= flag::kEce;
  out.tos = IsV4(req.tuple.local.addr) ? listener->tos : listener->tclass;
  out.window = static_cast<uint16_t>(std::min<uint32_t>(req.rcv_wnd, 65535));
  SynOptions spec;
  spec.mss = static_cast<uint16_t>(
      listener->user_mss != 0
          ? std::min(listener->user_mss, AdvMss(req.tuple.remote.addr))
          : AdvMss(req.tuple.remote.addr));
  spec.sack = req.sack_ok;
  spec.timestamps = req.tstamp_ok;
  spec.tsval = cookie_tsval.value_or(TcpTimestampMs()) + req.ts_off;
  spec.tsecr = req.ts_recent;
  if (req.wscale_ok) spec.wscale = req.rcv_wscale;
  if (foc) {
    spec.fastopen = foc->val;
    spec.fastopen_exp = foc->exp;
  }
  out.options = BuildSynOptions(spec);
  counters_.Inc(Counter::kTcpOutSegs);
  if (retransmission) {
    counters_.Inc(Counter::kTcpRetransSegs);
    counters_.Inc(Counter::kTcpExtTCPSynRetrans);
  }
  Emit(req.tuple, out, 0);
}

void Stack::SendReqAck(const RequestSock& req) {
  // tcp_v4_reqsk_send_ack(): an ACK for an out-of-window segment while the
  // handshake is in progress.
  OutSegment out;
  out.seq = req.snt_isn + 1;
  out.ack = req.rcv_nxt;
  out.flags = flag::kAck;
  out.window = static_cast<uint16_t>(
      std::min<uint32_t>(req.rcv_wnd >> req.rcv_wscale, 65535));
  out.options = BuildSegmentOptions(req.tstamp_ok, TcpTimestampMs() + req.ts_off,
                                    req.ts_recent, {});
  counters_.Inc(Counter::kTcpOutSegs);
  Emit(req.tuple, out, 0);
}

void Stack::CheckReq(Sock* listener, RequestSock* req, const Segment& seg) {
  // tcp_check_req(): RFC 9293 §3.10.7.4 for SYN_RECV, on a mini-socket.
  bool paws_reject = false;
  if (seg.opts.saw_tstamp && req->tstamp_ok &&
      static_cast<int32_t>(req->ts_recent - seg.opts.tsval) > 0) {
    paws_reject = true;
  }
  const uint16_t flags = seg.th->flags & (flag::kSyn | flag::kAck | flag::kRst);

  // A retransmitted SYN: send the SYN-ACK again (rate-limited) and restart
  // the request timer.
  if (seg.seq == req->rcv_isn && flags == flag::kSyn &&
      !paws_reject) {
    if (!OowRateLimited(&req->last_oow_ack_time, seg,
                        Counter::kTcpExtTCPACKSkippedSynRecv)) {
      ++req->num_retrans;
      SendSynAck(listener, *req, true, std::nullopt);
      req->expires = now_ + std::min<Duration>(kTimeoutInit * (1 << req->num_timeout),
                                               std::chrono::milliseconds(sysctls_.tcp_rto_max_ms));
      ScheduleReqTimer(listener, *req);
    }
    return;
  }
  // An ACK of something other than our SYN-ACK goes to the listener, which
  // tries it as a cookie and answers with a RST (RFC 9293: unacceptable
  // ACK in a non-synchronized state).
  if ((flags & flag::kAck) && seg.ack != req->snt_isn + 1) {
    if (seg.syn() || seg.rst()) {
      SendResetReply(seg);
    } else {
      CheckCookie(listener, seg);
    }
    return;
  }
  // Sequence check against the window we offered.
  const uint32_t win = std::min<uint32_t>(req->rcv_wnd, 65535);
  const bool in_window =
      seg.seq == req->rcv_nxt ||
      (SeqAfter(seg.end_seq, req->rcv_nxt) && SeqBefore(seg.seq, req->rcv_nxt + win)) ||
      (seg.seq == req->rcv_nxt + win && seg.seq == seg.end_seq);
  if (paws_reject || !in_window) {
    if (!(flags & flag::kRst) &&
        !OowRateLimited(&req->last_oow_ack_time, seg,
                        Counter::kTcpExtTCPACKSkippedSynRecv)) {
      SendReqAck(*req);
    }
    if (paws_reject) counters_.Inc(Counter::kTcpExtPAWSEstab);
    return;
  }
  if (seg.opts.saw_tstamp && req->tstamp_ok && !SeqAfter(seg.seq, req->rcv_nxt)) {
    req->ts_recent = seg.opts.tsval;
  }
  // RFC 5961 §3.2: a RST in the window but not at rcv_nxt gets a challenge
  // ACK, rate-limited as any other (measured on 6.18: `. 1:1(0) ack 1`,
  // TcpExtTCPChallengeACK; a second RST 10 ms later only counts
  // TcpExtTCPACKSkippedChallenge).
  if ((flags & flag::kRst) && seg.seq != req->rcv_nxt) {
    if (req->last_oow_ack_time &&
        now_ - *req->last_oow_ack_time <
            std::chrono::milliseconds(sysctls_.tcp_invalid_ratelimit)) {
      counters_.Inc(Counter::kTcpExtTCPACKSkippedChallenge);
      return;
    }
    req->last_oow_ack_time = now_;
    counters_.Inc(Counter::kTcpExtTCPChallengeACK);
    SendReqAck(*req);
    return;
  }
  uint16_t effective = flags;
  if (seg.seq == req->rcv_isn) effective &= ~flag::kSyn;  // truncate the SYN
  // RST or SYN in the window: the attempt fails (embryonic reset).
  if (effective & (flag::kRst | flag::kSyn)) {
    counters_.Inc(Counter::kTcpAttemptFails);
    if (!(effective & flag::kRst)) SendResetReply(seg);
    DropReq(listener, req->tuple);
    counters_.Inc(Counter::kTcpExtEmbryonicRsts);
    return;
  }
  if (!(effective & flag::kAck)) return;

  // TCP_DEFER_ACCEPT: while the deferral runs, a bare ACK is dropped and
  // the request remembers it was acked; data (or a FIN) completes the
  // handshake at once (tcp_check_req()).
  if (req->num_timeout < listener->defer_accept && seg.end_seq == req->rcv_isn + 1) {
    req->acked = true;
    counters_.Inc(Counter::kTcpExtTCPDeferAcceptDrop);
    return;
  }

  // The handshake completes: make the child, unless the accept queue is
  // full. Then tcp_abort_on_overflow decides: 0 drops the ACK and lets
  // the SYN-ACK timer retry; 1 resets (measured: `R <ack>:<ack>(0)`,
  // EmbryonicRsts, ListenOverflows and ListenDrops).
  if (AcceptQueueFull(listener)) {
    counters_.Inc(Counter::kTcpExtListenOverflows);
    counters_.Inc(Counter::kTcpExtListenDrops);
    if (sysctls_.tcp_abort_on_overflow == 0) {
      req->acked = true;
      return;
    }
    SendResetReply(seg);
    DropReq(listener, req->tuple);
    counters_.Inc(Counter::kTcpExtEmbryonicRsts);
    return;
  }
  const RequestSock done = *req;
  DropReq(listener, done.tuple);
  Sock* child = CreateChild(listener, done, seg);
  if (RcvStateProcess(child, seg)) SendResetReply(seg);
}

Sock* Stack::CreateChild(Sock* listener, const RequestSock& req,
                         const Segment& seg, bool synack_rtt) {
  // tcp_v4_syn_recv_sock() and tcp_create_openreq_child(): a full socket
  // in SYN_RECV, queued for accept().
  Sock* child = NewSock(listener->domain);
  child->state = TcpState::kSynRecv;
  child->socket_state = SocketState::kConnected;
  child->listener = listener->id;
  child->bound = true;
  // inet_csk_clone_lock(): the listener's port is shared, not bound by the
  // child (SOCK_BINDPORT_LOCK cleared), so tcp_disconnect() lets it go.
  child->port_locked = false;
  child->bound_addr = req.tuple.local.addr;
  child->tuple = req.tuple;
  bind_table_.AddSock(child->tuple.local.port, child);  // inet_inherit_port()
  // Socket options are inherited from the listener.
  child->reuseaddr = listener->reuseaddr;
  child->reuseport = listener->reuseport;
  child->keepalive = listener->keepalive;
  child->linger = listener->linger;
  child->linger_seconds = listener->linger_seconds;
  child->nodelay = listener->nodelay;
  child->user_mss = listener->user_mss;
  child->user_timeout_ms = listener->user_timeout_ms;
  child->linger2 = listener->linger2;
  child->rcvbuf = listener->rcvbuf;
  child->sndbuf = listener->sndbuf;
  child->rcvbuf_locked = listener->rcvbuf_locked;
  child->sndbuf_locked = listener->sndbuf_locked;
  // The congestion control too (inet_csk_clone_lock keeps icsk_ca_ops).
  child->ca_ops = listener->ca_ops;
  child->bbr = listener->bbr;
  child->zc.enabled = listener->zc.enabled;  // SOCK_ZEROCOPY
  child->ts.flags = listener->ts.flags;      // sk_tsflags
  child->tos = listener->tos;
  child->tclass = listener->tclass;
  // tcp_ecn_openreq_child().
  child->ecn_flags = req.ecn_ok ? ecn_flag::kOk : 0;

  child->iss = req.snt_isn;
  child->snd_una = child->snd_nxt = child->write_seq = req.snt_isn + 1;
  child->snd_sml = child->pushed_seq = child->snd_una;
  child->irs = req.rcv_isn;
  child->rcv_nxt = child->rcv_wup = req.rcv_isn + 1;
  child->snd_wl1 = req.rcv_isn;
  child->wscale_ok = req.wscale_ok;
  child->snd_wscale = req.wscale_ok ? req.snd_wscale : 0;
  child->rcv_wscale = req.wscale_ok ? req.rcv_wscale : 0;
  child->snd_wnd = static_cast<uint32_t>(seg.th->window) << child->snd_wscale;
  child->max_window = child->snd_wnd;
  child->rcv_wnd = req.rcv_wnd;
  child->window_clamp = req.window_clamp;
  child->rcv_ssthresh = req.rcv_wnd;
  child->sack_ok = req.sack_ok;
  child->tstamp_ok = req.tstamp_ok;
  child->ts_recent = req.ts_recent;
  child->ts_recent_stamp = now_;
  child->ts_offset = req.ts_off;
  child->mss_clamp = req.mss;
  child->advmss = static_cast<uint16_t>(
      child->user_mss != 0 ? std::min(child->user_mss, AdvMss(req.tuple.remote.addr))
                           : AdvMss(req.tuple.remote.addr));
  child->total_retrans = req.num_retrans;
  child->ip_id = static_cast<uint16_t>(TimestampOffset(secrets_, req.tuple) >> 16);
  LookupDst(child);
  SyncMss(child);
  InitializeRcvMss(child);
  // tcp_synack_rtt_meas(): the RTT of a SYN-ACK sent once, else from the
  // echoed timestamp.
  if (synack_rtt) {
    std::optional<Duration> rtt;
    if (req.num_retrans == 0) rtt = now_ - req.snt_synack;
    UpdateRtt(child, rtt, &seg);
  }
  counters_.Inc(Counter::kTcpPassiveOpens);
  HashConnection(child);
  listener->accept_queue.push_back(child->id);
  ++listener->wakeups;  // the listener's sk_data_ready()
  child->in_accept_queue = true;
  return child;
}

void Stack::ReqTimer(Sock* listener, RequestSock* req) {
  // reqsk_timer_handler(): retransmit the SYN-ACK after 1, 2, 4, ... s;
  // give up after tcp_synack_retries (measured: SYN-ACKs at 0, 1, 3, 7, 15
  // and 31 s, the request gone at 63 s, TCPTimeouts 6).
  int max_retries = listener->syn_retries != 0 ? listener->syn_retries
                                               : sysctls_.tcp_synack_retries;
  // When more than half the queue is taken, old requests get fewer
  // retries, keeping room for young ones.
  const int qlen = static_cast<int>(listener->syn_queue.size());
  if ((qlen << 1) > std::max(8, listener->max_ack_backlog)) {
    int young = static_cast<int>(listener->syn_queue.young()) << 1;
    while (max_retries > 2) {
      if (qlen < young) break;
      --max_retries;
      young <<= 1;
    }
  }
  counters_.Inc(Counter::kTcpExtTCPTimeouts);
  // syn_ack_recalc(): a request whose ACK TCP_DEFER_ACCEPT dropped lives
  // until the deferral ends even past its retries, and gets no SYN-ACK
  // until the deferral's last period (measured, deferral of 2 periods: no
  // SYN-ACK at 1 s, one at 3 s; with tcp_synack_retries=2 the request is
  // then gone at 7 s).
  const int defer = listener->defer_accept;
  bool expire = req->num_timeout >= max_retries;
  bool resend = true;
  if (defer != 0) {
    expire = expire && (!req->acked || req->num_timeout >= defer);
    resend = !req->acked || req->num_timeout >= defer - 1;
  }
  if (expire) {
    DropReq(listener, req->tuple);
    return;
  }
  if (resend) {
    ++req->num_retrans;
    SendSynAck(listener, *req, true, std::nullopt);
  }
  listener->syn_queue.CountTimeout(req);
  const Duration next = std::min<Duration>(
      kTimeoutInit * (int64_t{1} << std::min(req->num_timeout, 30)),
      std::chrono::milliseconds(sysctls_.tcp_rto_max_ms));
  req->expires = now_ + next;
  ScheduleReqTimer(listener, *req);
}

void Stack::CheckCookie(Sock* listener, const Segment& seg) {
  // cookie_v4_check(): only while cookies are on and the SYN queue
  // overflowed lately; a failed cookie falls through to the listener's
  // RST.
  const bool recent_overflow =
      listener->last_synq_overflow &&
      now_ - *listener->last_synq_overflow < kSyncookieValid;
  if (sysctls_.tcp_syncookies == 0 || !recent_overflow) {
    SendResetReply(seg);
    return;
  }
  const uint16_t mss = stack::CookieCheck(secrets_, seg.tuple, seg.ack - 1,
                                          seg.seq - 1, CookieTime());
  if (mss == 0) {
    counters_.Inc(Counter::kTcpExtSyncookiesFailed);
    SendResetReply(seg);
    return;
  }
  counters_.Inc(Counter::kTcpExtSyncookiesRecv);

  RequestSock req;
  req.tuple = seg.tuple;
  req.snt_isn = seg.ack - 1;
  req.rcv_isn = seg.seq - 1;
  req.rcv_nxt = seg.seq;
  req.mss = mss;
  if (seg.opts.saw_tstamp && sysctls_.tcp_timestamps != 0) {
    req.tstamp_ok = true;
    req.ts_recent = seg.opts.tsval;
    if (sysctls_.tcp_timestamps == 1) {
      req.ts_off = TimestampOffset(secrets_, req.tuple);
    }
    const std::optional<CookieOptions> options =
        CookieTimestampDecode(seg.opts.tsecr - req.ts_off, sysctls_);
    if (!options) {
      SendResetReply(seg);
      return;
    }
    req.sack_ok = options->sack_ok;
    req.wscale_ok = options->wscale_ok;
    req.ecn_ok = options->ecn_ok && sysctls_.tcp_ecn != 0;  // cookie_ecn_ok()
    req.snd_wscale = options->snd_wscale;
  }
  const uint32_t full_space = FullSpace(listener);
  const InitialWindow window = SelectInitialWindow(
      full_space, req.mss, listener->rcvbuf_locked ? full_space : 0,
      req.wscale_ok, sysctls_);
  req.rcv_wnd = window.rcv_wnd;
  req.window_clamp = window.window_clamp;
  req.rcv_wscale = window.rcv_wscale;
  // The SYN-ACK's time is unknown: no RTT sample but the timestamp's.
  req.num_retrans = 1;
  req.snt_synack = now_;

  // A full accept queue drops the ACK; a cookie has no SYN-ACK timer to
  // try again, and no RST is sent whatever tcp_abort_on_overflow says
  // (measured).
  if (AcceptQueueFull(listener)) {
    counters_.Inc(Counter::kTcpExtListenOverflows);
    counters_.Inc(Counter::kTcpExtListenDrops);
    return;
  }
  Sock* child = CreateChild(listener, req, seg);
  child->total_retrans = 0;
  if (RcvStateProcess(child, seg)) SendResetReply(seg);
}

void Stack::ListenStop(Sock* listener) {
  // inet_csk_listen_stop(): requests vanish; children not yet accepted
  // are disconnected, with a RST where the peer thinks it is connected.
  listener->syn_queue.Clear();
  for (uint64_t id : listener->accept_queue) {
    Sock* child = FindSock(id);
    if (child == nullptr) continue;
    child->in_accept_queue = false;
    ReapLater(child);
    Disconnect(child);
    child->orphan = true;
  }
  listener->accept_queue.clear();
}

}  // namespace synack::stack
