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
