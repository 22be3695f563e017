// TCP Fast Open in the handshake, at the places Linux 6.18 calls
// tcp_fastopen.c: the server's tcp_try_fastopen() from tcp_conn_request(),
// its child's SYN-ACK timer and the end of SYN_RECV; the client's
// tcp_send_syn_data() from tcp_connect(), tcp_rcv_fastopen_synack() from
// tcp_rcv_synsent_state_process(), and tcp_sendmsg_fastopen().
#include <algorithm>

#include "runtime/stack/stack.h"

namespace synack::stack {

namespace flag = wire::tcp_flag;

// --- Server ------------------------------------------------------------------

std::vector<SipKey> Stack::FastOpenKeys(const Sock* listener) const {
  // tcp_fastopen_get_ctx(): the listener's TCP_FASTOPEN_KEY, else the
  // namespace's tcp_fastopen_key.
  if (!listener->tfo.keys.empty()) return listener->tfo.keys;
  return ParseFastOpenKeys(sysctls_.tcp_fastopen_key);
}

void Stack::FastOpenQueueTune(Sock* sk, int backlog) {
  // fastopen_queue_tune(): never more than somaxconn.
  sk->tfo.max_qlen = std::min(std::max(backlog, 0), sysctls_.somaxconn);
}

Sock* Stack::TryFastOpen(Sock* listener, const Segment& seg, RequestSock* req,
                         std::optional<FastOpenCookie>* foc) {
  // tcp_try_fastopen(). `foc` comes in as the SYN's option and leaves as
  // what the SYN-ACK carries (nullopt: no option).
  const bool syn_data = seg.len > 0;
  const int tcp_fastopen = sysctls_.tcp_fastopen;
  if (*foc && foc->value().val.empty()) {
    counters_.Inc(Counter::kTcpExtTCPFastOpenCookieReqd);
  }
  // tcp_fastopen_queue_check(): Fast Open is on for this listener and its
  // children still in SYN_RECV have room.
  bool queue_ok = listener->tfo.max_qlen != 0;
  if (queue_ok && listener->tfo.qlen >= listener->tfo.max_qlen) {
    counters_.Inc(Counter::kTcpExtTCPFastOpenListenOverflow);
    queue_ok = false;
  }
  if (!((tcp_fastopen & tfo::kServerEnable) && (syn_data || *foc) && queue_ok)) {
    foc->reset();
    return nullptr;
  }
  const bool exp = *foc && foc->value().exp;
  std::optional<FastOpenCookie> valid;
  int key_index = 0;  // 1 + the key that made the cookie, 0 for none
  const bool no_cookie =
      (tcp_fastopen & tfo::kServerCookieNotReqd) != 0 || listener->tfo.no_cookie;
  bool create = no_cookie;
  if (!no_cookie && *foc) {
    const std::vector<SipKey> keys = FastOpenKeys(listener);
    if (foc->value().val.empty()) {
      // A request: the cookie the primary key makes.
      if (!keys.empty()) valid = FastOpenCookie{FastOpenCookieFor(keys[0], req->tuple), exp};
    } else {
      // tcp_fastopen_cookie_gen_check(): the primary key, then the backup.
      for (size_t i = 0; i < keys.size(); ++i) {
        const std::vector<uint8_t> cookie = FastOpenCookieFor(keys[i], req->tuple);
        if (i == 0) valid = FastOpenCookie{cookie, exp};
        if (cookie == foc->value().val) {
          key_index = static_cast<int>(i) + 1;
          break;
        }
      }
      if (key_index == 0) {
        counters_.Inc(Counter::kTcpExtTCPFastOpenPassiveFail);
      } else {
        create = true;
      }
    }
  }
  if (create) {
    Sock* child = FastOpenCreateChild(listener, seg, req);
    // A cookie made by the backup key gets the primary key's in return.
    if (key_index == 2) {
      *foc = valid;
      counters_.Inc(Counter::kTcpExtTCPFastOpenPassiveAltKey);
    } else {
      foc->reset();
    }
    counters_.Inc(Counter::kTcpExtTCPFastOpenPassive);
    return child;
  }
  *foc = valid;
  return nullptr;
}

Sock* Stack::FastOpenCreateChild(Sock* listener, const Segment& seg, RequestSock* req) {
  // tcp_fastopen_create_child(): a full socket in SYN_RECV, straight into
  // the accept queue, holding the SYN's data before the handshake ends.
  Sock* child = CreateChild(listener, *req, seg, /*synack_rtt=*/false);
  ++listener->tfo.qlen;
  // RFC 7323 §2.2: the window in a SYN is never scaled.
  child->snd_wnd = seg.th->window;
  child->max_window = child->snd_wnd;
  // tcp_init_transfer() now: with no RTT sample yet, the RTO is 3 s.
  InitTransfer(child);
  // tcp_fastopen_add_skb(): the data after the SYN (and a FIN) is queued.
  if (seg.end_seq != child->rcv_nxt) {
    child->segs_in = 1;
    child->data_segs_in = seg.len > 0 ? 1 : 0;
    const std::vector<uint8_t>& payload = seg.packet->payload;
    child->QueueRecv(payload.begin(), payload.end());
    child->rcv_nxt = seg.end_seq;
    child->bytes_received = seg.len;
    child->tfo.syn_data_acked = true;
    if (seg.fin()) Fin(child);
  }
  child->rcv_wup = child->rcv_nxt;
  req->rcv_nxt = child->rcv_nxt;
  // The SYN-ACK timer runs on the child, from tcp_timeout_init().
  child->fastopen_rsk = *req;
  child->fastopen_rsk->expires = now_ + kTimeoutInit;
  ArmRetransmitTimer(child, kTimeoutInit);
  return child;
}

void Stack::FastOpenRemoveReq(Sock* sk) {
  // reqsk_fastopen_remove(): the request stops counting against the
  // listener's Fast Open queue.
  if (!sk->fastopen_rsk) return;
  sk->fastopen_rsk.reset();
  if (Sock* listener = FindSock(sk->listener); listener != nullptr && listener->tfo.qlen > 0) {
    --listener->tfo.qlen;
  }
}

void Stack::FastOpenSynAckTimer(Sock* sk) {
  // tcp_fastopen_synack_timer(): the SYN-ACK again, with one retry more
  // than a request gets, after 1, 2, 4 ... s; then the socket fails.
  RequestSock& req = *sk->fastopen_rsk;
  counters_.Inc(Counter::kTcpExtTCPTimeouts);
  const int max_retries =
      sk->syn_retries != 0 ? sk->syn_retries : sysctls_.tcp_synack_retries + 1;
  if (req.num_timeout >= max_retries) {
    // tcp_write_err().
    sk->err = sk->err_soft != 0 ? sk->err_soft : ETIMEDOUT;
    FastOpenRemoveReq(sk);
    TcpDone(sk);
    return;
  }
  ++req.num_retrans;
  ++sk->total_retrans;
  SendSynAck(sk, req, true, std::nullopt);
  ++req.num_timeout;
  ++sk->retransmits;
  if (!sk->retrans_stamp) sk->retrans_stamp = now_;
  const Duration next = std::min<Duration>(
      kTimeoutInit * (int64_t{1} << std::min(req.num_timeout, 30)),
      std::chrono::milliseconds(sysctls_.tcp_rto_max_ms));
  ArmRetransmitTimer(sk, next);
}

void Stack::FastOpenSynRecvDone(Sock* sk, const Segment& seg) {
  // tcp_rcv_state_process(), SYN_RECV with fastopen_rsk: the RTT of the
  // SYN-ACK (tcp_synack_rtt_meas()), then tcp_rcv_synrecv_state_fastopen():
  // the request goes and the timer covers whatever data went out.
  const RequestSock req = *sk->fastopen_rsk;
  if (sk->srtt_us == 0) {
    std::optional<Duration> rtt;
    if (req.num_retrans == 0) rtt = now_ - req.snt_synack;
    UpdateRtt(sk, rtt, &seg);
  }
  sk->retransmits = 0;
  sk->retrans_stamp.reset();
  FastOpenRemoveReq(sk);
  if (sk->packets_out() > 0) {
    ArmRetransmitTimer(sk, sk->rto);
  } else {
    ClearWriteTimer(sk);
  }
}

}  // namespace synack::stack

// --- Client ------------------------------------------------------------------

namespace synack::stack {

namespace {

// MAX_TCP_OPTION_SPACE: a SYN's data leaves room for any options.
constexpr int kMaxTcpOptionSpace = 40;

}  // namespace

bool Stack::FastOpenCookieCheck(Sock* sk, uint16_t* mss,
                                std::optional<FastOpenCookie>* cookie) {
  // tcp_fastopen_cache_get(), then tcp_fastopen_cookie_check(): the SYN may
  // carry data with a cached cookie, or without one when none is needed.
  *cookie = FastOpenCookie{};
  if (auto it = fastopen_cookies_.find(sk->tuple.remote.addr.ToString());
      it != fastopen_cookies_.end()) {
    if (it->second.mss != 0) *mss = it->second.mss;
    *cookie = it->second.cookie;
    if (cookie->value().val.empty() && it->second.try_exp == 1) cookie->value().exp = true;
  }
  if ((sysctls_.tcp_fastopen & tfo::kClientNoCookie) || sk->tfo.no_cookie) {
    cookie->reset();
    return true;
  }
  if (!cookie->value().val.empty()) return true;
  sk->tfo.client_fail = 1;  // TFO_COOKIE_UNAVAILABLE
  return false;
}

bool Stack::FastOpenDeferConnect(Sock* sk) {
  // tcp_fastopen_defer_connect(): TCP_FASTOPEN_CONNECT with a cookie puts
  // the SYN off until the first write; without one the SYN asks for one.
  if (!sk->fastopen_connect || sk->tfo.request) return false;
  uint16_t mss = 0;
  std::optional<FastOpenCookie> cookie;
  if (FastOpenCookieCheck(sk, &mss, &cookie)) {
    sk->defer_connect = true;
    return true;
  }
  sk->tfo.connect_request = true;
  return false;
}

bool Stack::FastOpenSendSyn(Sock* sk) {
  // tcp_send_syn_data(), for a connection with a Fast Open request.
  FastOpenSock& fo = sk->tfo;
  if (!fo.request && !fo.connect_request) return false;
  uint16_t mss = sk->advmss;  // unless the peer's MSS is cached
  std::optional<FastOpenCookie> cookie;
  const bool syn_data_ok = FastOpenCookieCheck(sk, &mss, &cookie);
  sk->mss_clamp = mss;
  if (!syn_data_ok) {
    // A plain SYN asking for a cookie; SYN retransmissions carry no option.
    sk->syn_fastopen = std::vector<uint8_t>{};
    fo.syn_fastopen_exp = cookie && cookie->exp;
    SendSyn(sk, false);
    sk->syn_fastopen.reset();
    return true;
  }
  if (sk->user_mss != 0 && sk->user_mss < sk->mss_clamp) {
    sk->mss_clamp = static_cast<uint16_t>(sk->user_mss);
  }
  SyncMss(sk);
  // As much data as one segment of the path MSS takes with the largest
  // options beside it.
  const int path_mss = std::min(MssFor(sk->tuple.remote.addr), int{sk->mss_clamp});
  const size_t space = std::min<size_t>(
      static_cast<size_t>(std::max(path_mss - kMaxTcpOptionSpace, 0)), fo.data.size());
  if (space > 0) {
    sk->send_buf.insert(sk->send_buf.end(), fo.data.begin(),
                        fo.data.begin() + static_cast<long>(space));
    SentSegment data;
    data.seq = sk->iss + 1;
    data.end = data.seq + static_cast<uint32_t>(space);
    data.push = true;
    data.syn_data = true;
    data.truesize = kSkbTruesize + static_cast<uint32_t>(space);
    data.first_sent = data.last_sent = now_;
    data.last_sent_event = input_events_;
    sk->rtx_queue.push_back(data);
    sk->wmem_queued += data.truesize;
    sk->snd_nxt = sk->write_seq = sk->pushed_seq = data.end;
    counters_.Inc(Counter::kTcpExtTCPOrigDataSent);
    sk->bytes_sent += space;
    ++sk->data_segs_out;
  }
  fo.copied = space;
  fo.syn_data = space > 0;
  if (cookie) {
    sk->syn_fastopen = cookie->val;
    fo.syn_fastopen_exp = cookie->exp;
  }
  SendSyn(sk, false, static_cast<uint32_t>(space));
  sk->syn_fastopen.reset();
  return true;
}

void Stack::FastOpenFreeRequest(Sock* sk) {
  // tcp_free_fastopen_req(), and the deferred connect is over.
  sk->tfo.request = false;
  sk->tfo.data = {};
  sk->tfo.size = sk->tfo.copied = 0;
  sk->defer_connect = false;
}

CallResult Stack::SendmsgFastOpen(Instant now, int fd, Sock* sk,
                                  std::span<const uint8_t> data, bool nonblocking,
                                  const sockaddr* addr, socklen_t addrlen,
                                  size_t* copied_syn) {
  // tcp_sendmsg_fastopen() and the __inet_stream_connect() it calls, in
  // two halves: the first call starts the connection; a blocking call,
  // called again while the handshake runs, only waits.
  FastOpenSock& fo = sk->tfo;
  int err = 0;
  if (!fo.request) {
    if (!(sysctls_.tcp_fastopen & tfo::kClientEnable) ||
        (addr != nullptr && addrlen >= static_cast<socklen_t>(sizeof(sa_family_t)) &&
         addr->sa_family == AF_UNSPEC)) {
      return CallResult::Error(EOPNOTSUPP);
    }
    // Another Fast Open request (a deferred connect's cookie request) is
    // in progress.
    if (fo.connect_request) return CallResult::Error(EALREADY);
    fo.request = true;
    fo.data = data;
    fo.size = data.size();
    fo.copied = 0;
    if (sk->defer_connect) {
      // tcp_connect() now, and the connect() counts as in progress.
      SendFirstSyn(sk);
      RunLoopback();
      err = EINPROGRESS;
    } else {
      switch (sk->socket_state) {
        case SocketState::kConnected:
          err = EISCONN;
          break;
        case SocketState::kConnecting:
          err = EALREADY;
          break;
        case SocketState::kDisconnecting:
          err = EINVAL;
          break;
        case SocketState::kUnconnected:
          if (sk->state != TcpState::kClose) {
            err = EISCONN;
            break;
          }
          if (const CallResult c = Connect(now, fd, addr, addrlen);
              c.ret < 0 && c.err != EINPROGRESS && c.err != EAGAIN) {
            FastOpenFreeRequest(sk);
            return c;
          }
          err = EINPROGRESS;
          break;
      }
      if (err == EISCONN || err == EINVAL) {
        FastOpenFreeRequest(sk);
        return CallResult::Error(err);
      }
    }
    fo.data = {};
  }
  // inet_wait_for_connect(), or not for a non-blocking call.
  if (sk->state == TcpState::kSynSent || sk->state == TcpState::kSynRecv) {
    if (nonblocking) {
      *copied_syn = fo.copied;
      FastOpenFreeRequest(sk);
      return CallResult::Error(err != 0 ? err : EALREADY);
    }
    return {-1, EAGAIN, true};
  }
  // Reset, refused or timed out: what the SYN carried is lost with it.
  if (sk->state == TcpState::kClose) {
    FastOpenFreeRequest(sk);
    const int sock_err = sk->err != 0 ? sk->err : ECONNABORTED;
    sk->err = 0;
    sk->socket_state = SocketState::kUnconnected;
    Disconnect(sk);
    return CallResult::Error(sock_err);
  }
  sk->socket_state = SocketState::kConnected;
  *copied_syn = fo.copied;
  FastOpenFreeRequest(sk);
  return CallResult::Ok(0);
}

bool Stack::FastOpenSynAck(Sock* sk, const Segment& seg) {
  // tcp_rcv_fastopen_synack(): remember the cookie and the peer's MSS;
  // data of the SYN the SYN-ACK left unacknowledged goes again at once.
  FastOpenSock& fo = sk->tfo;
  fo.connect_request = false;
  const bool data = fo.syn_data && !sk->rtx_queue.empty();
  std::optional<FastOpenCookie> cookie;
  if (seg.opts.fastopen) cookie = FastOpenCookie{*seg.opts.fastopen, seg.opts.fastopen_exp};
  int try_exp = 0;
  if (!fo.syn_fastopen) {
    cookie.reset();  // an unsolicited cookie is ignored
  } else if (sk->total_retrans == 0 && !cookie && !fo.syn_data) {
    // A request went unanswered: ask in the other option next time.
    try_exp = fo.syn_fastopen_exp ? 2 : 1;
  }
  // The peer's MSS, not TCP_MAXSEG's clamp of it, is what the cache keeps.
  uint16_t peer_mss = sk->mss_clamp;
  if (sk->user_mss != 0 && peer_mss == sk->user_mss) peer_mss = seg.opts.mss.value_or(0);
  // tcp_fastopen_cache_set().
  FastOpenCacheEntry& entry = fastopen_cookies_[sk->tuple.remote.addr.ToString()];
  if (peer_mss != 0) entry.mss = peer_mss;
  if (cookie && !cookie->val.empty()) {
    entry.cookie = *cookie;
  } else if (try_exp > entry.try_exp && entry.cookie.val.empty() && !entry.cookie.exp) {
    entry.try_exp = try_exp;
  }

  if (data) {
    fo.client_fail = sk->total_retrans != 0 ? 3 : 2;  // SYN_RETRANSMITTED, DATA_NOT_ACKED
    // tcp_mark_skb_lost() on all of it, tcp_non_congestion_loss_retransmit():
    // loss recovery without touching cwnd, the data cut to the new MSS.
    const uint32_t mss = std::max<uint32_t>(SendMss(sk), 1);
    for (SentSegment& s : sk->rtx_queue) {
      s.pcount = std::max<uint32_t>(1, (s.end - s.seq + mss - 1) / mss);
      MarkSkbLost(sk, &s);
    }
    if (sk->ca_state != CaState::kLoss) {
      sk->high_seq = sk->snd_nxt;
      sk->undo_marker = 0;
      SetCaState(sk, CaState::kLoss);
    }
    XmitRetransmitQueue(sk);
    RearmRto(sk);
    counters_.Inc(Counter::kTcpExtTCPFastOpenActiveFail);
    return true;
  }
  fo.syn_data_acked = fo.syn_data;
  if (fo.syn_data_acked) counters_.Inc(Counter::kTcpExtTCPFastOpenActive);
  // tcp_fastopen_add_skb(): data in the SYN-ACK is received now.
  if (seg.len > 0) {
    const std::vector<uint8_t>& payload = seg.packet->payload;
    sk->QueueRecv(payload.begin(), payload.end());
    sk->rcv_nxt += seg.len;
    sk->bytes_received += seg.len;
    ++sk->wakeups;
  }
  if (seg.fin()) {
    sk->rcv_nxt += 1;
    Fin(sk);
  }
  return false;
}

}  // namespace synack::stack
