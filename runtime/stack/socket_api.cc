// The socket system calls with Linux's answers: socket, bind, listen,
// accept, connect, read, write, close, shutdown, getsockname, getpeername,
// fcntl, ioctl and poll readiness; ports and descriptors.
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <cstring>

#include "runtime/stack/stack.h"
#include "runtime/stack/window.h"

namespace synack::stack {

namespace {

bool NeedsReset(TcpState state) {
  // tcp_need_reset(): states where the peer believes it is connected.
  switch (state) {
    case TcpState::kEstablished:
    case TcpState::kCloseWait:
    case TcpState::kFinWait1:
    case TcpState::kFinWait2:
    case TcpState::kSynRecv:
      return true;
    default:
      return false;
  }
}

bool Overlaps(const std::optional<wire::IpAddress>& a,
              const std::optional<wire::IpAddress>& b) {
  return !a || !b || *a == *b;
}

}  // namespace

// --- Descriptors and ports ---------------------------------------------------

int Stack::AllocFd() {
  // The lowest free descriptor, from 3 as in a process with stdio open.
  return fd_numbers_.Take();
}

bool Stack::PortInUse(const Sock* sk, const std::optional<wire::IpAddress>& addr,
                      uint16_t port) const {
  // inet_csk_bind_conflict(): another socket on the port with an
  // overlapping address conflicts unless both set SO_REUSEADDR and the
  // other is not listening.
  for (const Sock* other : bind_table_.Socks(port)) {
    if (other == sk) continue;
    if (other->state == TcpState::kClose && !other->has_fd && !other->in_accept_queue) continue;
    if (!Overlaps(addr, other->bound_addr)) continue;
    if (sk->reuseaddr && other->reuseaddr && other->state != TcpState::kListen) continue;
    return true;
  }
  for (const FourTuple& tuple : bind_table_.TimeWaits(port)) {
    if (!Overlaps(addr, tuple.local.addr)) continue;
    if (sk->reuseaddr && timewait_.at(tuple).reuse) continue;
    return true;
  }
  return false;
}

int Stack::BindPort(Sock* sk, const std::optional<wire::IpAddress>& addr,
                    uint16_t port) {
  if (port == 0) {
    // inet_csk_find_open_port(): a keyed start in ip_local_port_range,
    // odd ports first (connect() prefers even ones).
    const int low = sysctls_.ip_local_port_range[0];
    const int high = sysctls_.ip_local_port_range[1];
    const int remaining = high - low + 1;
    const uint32_t offset =
        PortOffset(secrets_, addr.value_or(wire::IpAddress{}), Endpoint{}) +
        static_cast<uint32_t>(next_id_);
    for (int parity = 1; parity >= 0 && port == 0; --parity) {
      for (int i = 0; i < remaining; ++i) {
        const int candidate = low + static_cast<int>((offset + i) % remaining);
        if ((candidate & 1) != parity) continue;
        if (!PortInUse(sk, addr, static_cast<uint16_t>(candidate))) {
          port = static_cast<uint16_t>(candidate);
          break;
        }
      }
    }
    if (port == 0) return EADDRINUSE;
  } else if (PortInUse(sk, addr, port)) {
    return EADDRINUSE;
  }
  sk->bound = true;
  sk->bound_addr = addr;
  sk->tuple.local.port = port;
  sk->tuple.local.addr = addr.value_or(Unspecified(sk->domain).addr);
  bind_table_.AddSock(port, sk);
  return 0;
}

namespace {

// 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104 (ipv4_is_loopback(),
// ipv6_addr_loopback(), ipv6_addr_v4mapped_loopback()).
bool IsLoopbackAddress(const wire::IpAddress& a) {
  if (a.family == AF_INET) return a.bytes[0] == 127;
  static constexpr std::array<uint8_t, 16> kLoopback6 = {0, 0, 0, 0, 0, 0, 0, 0,
                                                         0, 0, 0, 0, 0, 0, 0, 1};
  static constexpr std::array<uint8_t, 12> kMapped = {0, 0, 0, 0, 0, 0,
                                                      0, 0, 0, 0, 0xff, 0xff};
  if (a.bytes == kLoopback6) return true;
  return std::equal(kMapped.begin(), kMapped.end(), a.bytes.begin()) && a.bytes[12] == 127;
}

}  // namespace

bool Stack::TakeOverTimeWait(Sock* sk, const FourTuple& tuple, bool bound_port) {
  // tcp_twsk_unique(): only where the peer's timestamps were seen (PAWS
  // then keeps old duplicates out). A port bind() chose may always take
  // the tuple; an ephemeral one only with tcp_tw_reuse (2: between
  // loopback addresses) and once tcp_tw_reuse_delay has passed since
  // TIME_WAIT began (measured: with 1 s, EADDRNOTAVAIL 0.9 s after it,
  // a SYN 1.1 s after it). The new connection starts at the old snd_nxt
  // + 65537 and echoes the last timestamp (measured: `S 65539:65539(0)`
  // relative to the old ISN, TS ecr of the peer's FIN).
  TimeWaitSock& tw = timewait_.at(tuple);
  if (!tw.tstamp_ok || !tw.ts_recent_stamp) return false;
  if (!bound_port) {
    int reuse = sysctls_.tcp_tw_reuse;
    if (reuse == 2) {
      reuse = IsLoopbackAddress(tuple.local.addr) || IsLoopbackAddress(tuple.remote.addr) ? 1 : 0;
    }
    if (reuse == 0 ||
        now_ - tw.entered <= std::chrono::milliseconds(sysctls_.tcp_tw_reuse_delay)) {
      return false;
    }
  }
  uint32_t write_seq = tw.snd_nxt + 65535 + 2;
  if (write_seq == 0) write_seq = 1;
  sk->reused_isn = write_seq;
  sk->ts_recent = tw.ts_recent;
  sk->ts_recent_stamp = tw.ts_recent_stamp;
  EraseTimeWait(tuple);
  counters_.Inc(Counter::kTcpExtTWRecycled);
  return true;
}

bool Stack::ConnectPortFree(Sock* sk, const FourTuple& tuple) {
  // __inet_hash_connect()'s check of one port: a port nobody holds is
  // free; one that bind() locked or a listener holds is skipped; otherwise
  // the tuple must be in use by neither a connection nor a TIME_WAIT socket
  // that cannot be taken over (__inet_check_established()).
  const uint16_t port = tuple.local.port;
  const BindTable::SockSet& socks = bind_table_.Socks(port);
  const BindTable::TupleSet& timewaits = bind_table_.TimeWaits(port);
  if (socks.empty() && timewaits.empty()) return true;
  for (const Sock* other : socks) {
    if (other != sk && (other->port_locked || other->listening()) &&
        Overlaps(other->bound_addr, tuple.local.addr)) {
      return false;
    }
  }
  if (FindConnection(tuple) != nullptr) return false;
  return timewaits.count(tuple) == 0 || TakeOverTimeWait(sk, tuple, false);
}

int Stack::ConnectPort(Sock* sk, const wire::IpAddress& local,
                       const Endpoint& remote) {
  // __inet_hash_connect(): a keyed offset per destination, even ports
  // first, skipping ports bound by bind() and tuples in use (measured:
  // connect() on 6.18 picked 52886, 33964, 33972, ...: even).
  const int low = sysctls_.ip_local_port_range[0];
  const int high = sysctls_.ip_local_port_range[1];
  const int remaining = high - low + 1;
  const uint32_t hash = PortOffset(secrets_, local, remote);
  uint32_t& perturb = port_perturb_[hash & 0xff];
  const uint32_t offset = (hash >> 8) + perturb;
  for (int parity = 0; parity <= 1; ++parity) {
    for (int i = 0; i < remaining; ++i) {
      const int candidate = low + static_cast<int>((offset + i) % remaining);
      if ((candidate & 1) != parity) continue;
      const uint16_t port = static_cast<uint16_t>(candidate);
      if (!ConnectPortFree(sk, {{local, port}, remote})) continue;
      perturb += static_cast<uint32_t>(i) + 2;
      sk->bound = true;
      sk->tuple.local = {local, port};
      bind_table_.AddSock(port, sk);
      return 0;
    }
  }
  return EADDRNOTAVAIL;
}

void Stack::DetachFd(int fd, Sock* sk) {
  fds_.erase(fd);
  fd_numbers_.Release(fd);
  sk->has_fd = false;
  ReapLater(sk);
}

// --- socket, bind, listen, accept --------------------------------------------

CallResult Stack::Socket(Instant now, int domain, int type, int protocol) {
  AdvanceTo(now);
  if (domain != AF_INET && domain != AF_INET6) return CallResult::Error(EAFNOSUPPORT);
  if (type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC | 0xf)) return CallResult::Error(EINVAL);
  const int base = type & 0xf;
  // Only TCP is modelled: other socket types are refused here, where Linux
  // would make them.
  if (base != SOCK_STREAM) return CallResult::Error(EPROTONOSUPPORT);
  if (protocol != 0 && protocol != IPPROTO_TCP) return CallResult::Error(EPROTONOSUPPORT);
  Sock* sk = NewSock(domain);
  sk->has_fd = true;
  sk->nonblocking = (type & SOCK_NONBLOCK) != 0;
  sk->tuple.local.addr = Unspecified(domain).addr;
  const int fd = AllocFd();
  fds_[fd] = sk->id;
  return CallResult::Ok(fd);
}

CallResult Stack::Bind(Instant now, int fd, const sockaddr* addr, socklen_t len) {
  AdvanceTo(now);
  CallResult error;
  Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return error;
  std::optional<wire::IpAddress> address;
  uint16_t port = 0;
  if (int err = FromSockaddr(sk->domain, addr, len, &address, &port); err != 0) {
    return CallResult::Error(err);
  }
  // inet_bind(): a socket binds once, before it connects or listens.
  if (sk->bound || sk->state != TcpState::kClose) return CallResult::Error(EINVAL);
  if (address && !IsLocal(*address)) return CallResult::Error(EADDRNOTAVAIL);
  if (int err = BindPort(sk, address, port); err != 0) return CallResult::Error(err);
  sk->port_locked = port != 0;
  return CallResult::Ok(0);
}

CallResult Stack::Listen(Instant now, int fd, int backlog) {
  AdvanceTo(now);
  CallResult error;
  Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return error;
  // inet_listen(): only an unconnected socket, or a listener re-listening.
  if (sk->socket_state != SocketState::kUnconnected ||
      (sk->state != TcpState::kClose && sk->state != TcpState::kListen)) {
    return CallResult::Error(EINVAL);
  }
  // __sys_listen(): the backlog is capped by net.core.somaxconn, compared
  // as unsigned so a negative backlog means somaxconn.
  if (static_cast<unsigned>(backlog) > static_cast<unsigned>(sysctls_.somaxconn)) {
    backlog = sysctls_.somaxconn;
  }
  sk->max_ack_backlog = backlog;
  if (sk->state == TcpState::kListen) return CallResult::Ok(0);
  if (!sk->bound) {
    if (int err = BindPort(sk, std::nullopt, 0); err != 0) return CallResult::Error(err);
  } else {
    // Two listeners cannot share a port (SO_REUSEADDR does not help).
    for (const auto& [id, other] : socks_) {
      if (other.get() != sk && other->listening() &&
          other->tuple.local.port == sk->tuple.local.port &&
          Overlaps(other->bound_addr, sk->bound_addr)) {
        return CallResult::Error(EADDRINUSE);
      }
    }
  }
  // inet_listen(): tcp_fastopen's 0x400 bit turns Fast Open on for every
  // listener, its queue as long as the backlog, unless TCP_FASTOPEN chose.
  if ((sysctls_.tcp_fastopen & tfo::kServerWoSockopt1) &&
      (sysctls_.tcp_fastopen & tfo::kServerEnable) && sk->tfo.max_qlen == 0) {
    FastOpenQueueTune(sk, backlog);
  }
  SetState(sk, TcpState::kListen);
  return CallResult::Ok(0);
}

CallResult Stack::Accept(Instant now, int fd, sockaddr* addr, socklen_t* len) {
  AdvanceTo(now);
  CallResult error;
  Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return error;
  if (!sk->listening()) return CallResult::Error(EINVAL);
  if (sk->accept_queue.empty()) {
    return {-1, EAGAIN, !sk->nonblocking};
  }
  Sock* child = FindSock(sk->accept_queue.front());
  sk->accept_queue.pop_front();
  child->in_accept_queue = false;
  child->has_fd = true;
  const int newfd = AllocFd();
  fds_[newfd] = child->id;
  if (addr != nullptr && len != nullptr) {
    ToSockaddr(child->domain, child->tuple.remote, addr, len);
  }
  return CallResult::Ok(newfd);
}

// --- connect -------------------------------------------------------------------

CallResult Stack::Connect(Instant now, int fd, const sockaddr* addr, socklen_t len) {
  AdvanceTo(now);
  CallResult error;
  Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return error;
  if (addr != nullptr && len >= static_cast<socklen_t>(sizeof(sa_family_t)) &&
      addr->sa_family == AF_UNSPEC) {
    // connect(AF_UNSPEC) disconnects.
    Disconnect(sk);
    sk->socket_state = SocketState::kUnconnected;
    return CallResult::Ok(0);
  }
  // inet_stream_connect(): what a second call sees depends on the BSD
  // socket state (measured: after a non-blocking connect completes, the
  // next connect() returns 0, the one after EISCONN; after a refused one,
  // ECONNREFUSED once, then a new attempt).
  switch (sk->socket_state) {
    case SocketState::kConnected:
      return CallResult::Error(EISCONN);
    case SocketState::kConnecting:
    case SocketState::kDisconnecting:
      // A connect() put off for Fast Open counts as done.
      if (sk->defer_connect) return CallResult::Error(EISCONN);
      if (sk->state == TcpState::kSynSent || sk->state == TcpState::kSynRecv) {
        return {-1, sk->nonblocking ? EALREADY : EAGAIN, !sk->nonblocking};
      }
      return FinishConnect(now, fd);
    case SocketState::kUnconnected:
      break;
  }
  if (sk->state != TcpState::kClose) return CallResult::Error(EISCONN);

  std::optional<wire::IpAddress> remote_addr;
  uint16_t remote_port = 0;
  if (int err = FromSockaddr(sk->domain, addr, len, &remote_addr, &remote_port); err != 0) {
    return CallResult::Error(err);
  }
  // Connecting to the wildcard address means this host.
  if (!remote_addr) remote_addr = SourceFor(Unspecified(sk->domain).addr);
  if (!remote_addr) return CallResult::Error(ENETUNREACH);
  const wire::IpAddress remote = *remote_addr;
  const std::optional<wire::IpAddress> local =
      sk->bound_addr ? sk->bound_addr : SourceFor(remote);
  if (!local || local->family != remote.family) return CallResult::Error(ENETUNREACH);
  const Endpoint remote_ep{remote, remote_port};
  if (sk->bound) {
    FourTuple tuple{{*local, sk->tuple.local.port}, remote_ep};
    if (FindConnection(tuple) != nullptr ||
        (timewait_.count(tuple) != 0 && !TakeOverTimeWait(sk, tuple, true))) {
      return CallResult::Error(EADDRNOTAVAIL);
    }
    sk->tuple.local.addr = *local;
  } else if (int err = ConnectPort(sk, *local, remote_ep); err != 0) {
    return CallResult::Error(err);
  }
  sk->tuple.remote = remote_ep;
  HashConnection(sk);

  // tcp_connect_init(): MSS, window and scale for the SYN. Measured on
  // 6.18: `S 0:0(0) win 64240 <mss 1460,sackOK,TS val X ecr 0,nop,wscale 10>`
  // (64240 = rounddown(131072/2, 1460); wscale 10 from tcp_rmem[2] = 32 MB).
  LookupDst(sk);
  const int mtu_mss = AdvMss(remote);
  sk->advmss = static_cast<uint16_t>(sk->user_mss != 0 ? std::min(sk->user_mss, mtu_mss)
                                                       : mtu_mss);
  sk->mss_clamp = static_cast<uint16_t>(sk->user_mss != 0 ? sk->user_mss : 536);
  sk->mss_cache = 536;
  sk->pmtu_cookie = static_cast<uint32_t>(DstMtu(remote, sk->dst_route));  // tcp_sync_mss()
  sk->ts_offset =
      sysctls_.tcp_timestamps == 1 ? TimestampOffset(secrets_, sk->tuple) : 0;
  const uint32_t full_space = FullSpace(sk);
  const InitialWindow window =
      SelectInitialWindow(full_space, sk->advmss, sk->rcvbuf_locked ? full_space : 0,
                          sysctls_.tcp_window_scaling != 0, sysctls_);
  sk->rcv_wnd = window.rcv_wnd;
  sk->window_clamp = window.window_clamp;
  sk->rcv_wscale = window.rcv_wscale;
  sk->rcv_ssthresh = window.rcv_wnd;
  sk->wscale_ok = sk->sack_ok = sk->tstamp_ok = false;
  sk->snd_wscale = 0;
  sk->iss = sk->reused_isn.value_or(InitialSequence(secrets_, sk->tuple, now_));
  sk->reused_isn.reset();
  sk->snd_una = sk->iss;
  sk->snd_nxt = sk->write_seq = sk->snd_sml = sk->pushed_seq = sk->iss + 1;
  sk->snd_wnd = 0;
  sk->rcv_nxt = sk->rcv_wup = 0;
  sk->rto = kTimeoutInit;
  sk->retransmits = sk->backoff = sk->total_retrans = sk->total_rto = 0;
  sk->srtt_us = sk->mdev_us = sk->rttvar_us = sk->mdev_max_us = 0;
  sk->err = 0;
  sk->shutdown = 0;
  sk->done = false;
  sk->fin_queued = false;
  sk->ClearSendQueues();
  sk->ClearRecv();
  sk->ack = AckState{};
  sk->ip_id = static_cast<uint16_t>(TimestampOffset(secrets_, sk->tuple) >> 16);

  SetState(sk, TcpState::kSynSent);
  sk->socket_state = SocketState::kConnecting;
  // TCP Fast Open (tcp_fastopen_defer_connect()): with a cookie for this
  // peer the SYN waits for the first write, which it carries, and
  // connect() returns 0; without one, the SYN asks for a cookie.
  sk->syn_fastopen.reset();
  if (FastOpenDeferConnect(sk)) return CallResult::Ok(0);
  SendFirstSyn(sk);
  RunLoopback();  // a connection to ourselves may complete at once
  if (sk->state == TcpState::kSynSent || sk->state == TcpState::kSynRecv) {
    return {-1, sk->nonblocking ? EINPROGRESS : EAGAIN, !sk->nonblocking};
  }
  return FinishConnect(now, fd);
}

void Stack::SendFirstSyn(Sock* sk) {
  // tcp_connect(): the SYN, the 1 s timer, ActiveOpens.
  counters_.Inc(Counter::kTcpActiveOpens);
  SentSegment syn;
  syn.seq = sk->iss;
  syn.end = sk->iss + 1;
  syn.syn = true;
  syn.first_sent = now_;
  sk->rtx_queue.push_back(syn);
  sk->retrans_stamp = now_;
  EcnSendSyn(sk);
  if (!FastOpenSendSyn(sk)) SendSyn(sk, false);
  ArmRetransmitTimer(sk, sk->rto);
}

CallResult Stack::FinishConnect(Instant now, int fd) {
  AdvanceTo(now);
  CallResult error;
  Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return error;
  if (sk->socket_state == SocketState::kConnected) return CallResult::Error(EISCONN);
  if (sk->state == TcpState::kSynSent || sk->state == TcpState::kSynRecv) {
    return {-1, EAGAIN, true};
  }
  if (sk->state == TcpState::kClose) {
    // sock_error(), or ECONNABORTED; the socket may connect again.
    const int err = sk->err != 0 ? sk->err : ECONNABORTED;
    sk->err = 0;
    sk->socket_state = SocketState::kUnconnected;
    Disconnect(sk);
    return CallResult::Error(err);
  }
  sk->socket_state = SocketState::kConnected;
  return CallResult::Ok(0);
}

// --- read and write --------------------------------------------------------------

CallResult Stack::Read(Instant now, int fd, std::span<uint8_t> buffer, int flags) {
  AdvanceTo(now);
  CallResult error;
  Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return error;
  if (sk->listening()) return CallResult::Error(ENOTCONN);
  const bool nonblocking = sk->nonblocking || (flags & MSG_DONTWAIT);
  // tcp_recvmsg_locked(): the urgent byte is not in the stream (urgent.cc).
  // A reader at it skips it; one before it stops there.
  const uint32_t copied_seq = sk->rcv_nxt - static_cast<uint32_t>(sk->recv_buf.size());
  const size_t skip = sk->urg_seq && *sk->urg_seq == copied_seq && !sk->recv_buf.empty() ? 1 : 0;
  if (skip && !(flags & MSG_PEEK) && !buffer.empty()) {
    sk->ConsumeRecv(1);
    sk->urg_seq.reset();
    sk->urg_byte.reset();
  }
  const size_t from = (flags & MSG_PEEK) ? skip : 0;
  if (sk->recv_buf.size() > from && !buffer.empty()) {
    size_t n = std::min(buffer.size(), sk->recv_buf.size() - from);
    if (!skip) n = UrgentLimit(sk, n);
    std::copy_n(sk->recv_buf.begin() + static_cast<long>(from), n, buffer.begin());
    if (!(flags & MSG_PEEK)) {
      sk->ConsumeRecv(n);
      CleanupRbuf(sk, n);
    }
    RunLoopback();
    return CallResult::Ok(static_cast<int64_t>(n));
  }
  if (buffer.empty()) return CallResult::Ok(0);
  // tcp_recvmsg(): the peer's FIN, then a pending error, then a shut-down
  // receive side all end the stream; a socket never connected is
  // ENOTCONN (measured: after a RST, read gives ECONNRESET once, then 0).
  if (sk->done) return CallResult::Ok(0);
  if (sk->err != 0) {
    const int err = sk->err;
    sk->err = 0;
    return CallResult::Error(err);
  }
  if (sk->shutdown & kRcvShutdown) return CallResult::Ok(0);
  if (sk->state == TcpState::kClose) return CallResult::Error(ENOTCONN);
  return {-1, EAGAIN, !nonblocking};
}

CallResult Stack::SpliceRead(Instant now, int fd, size_t max, bool nonblocking,
                             std::vector<uint8_t>* out) {
  AdvanceTo(now);
  CallResult error;
  Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return error;
  if (sk->listening()) return CallResult::Error(ENOTCONN);  // tcp_read_sock()
  nonblocking = nonblocking || sk->nonblocking;
  // tcp_read_sock(): queued bytes up to the urgent byte.
  const size_t n = UrgentLimit(sk, std::min(max, sk->recv_buf.size()));
  if (n > 0) {
    out->assign(sk->recv_buf.begin(), sk->recv_buf.begin() + static_cast<long>(n));
    sk->ConsumeRecv(n);
    CleanupRbuf(sk, n);
    RunLoopback();
    return CallResult::Ok(static_cast<int64_t>(n));
  }
  if (max == 0) return CallResult::Ok(0);
  // tcp_splice_read() when nothing came, in its order: end of stream,
  // error, shut down, closed, non-blocking; then, with data queued that it
  // cannot take (the urgent byte), 0 rather than a wait that would never
  // end ("tcp: avoid infinite loop in tcp_splice_read()", which
  // splice/tcp_splice_loop_test.pkt checks).
  if (sk->done) return CallResult::Ok(0);
  if (sk->err != 0) {
    const int err = sk->err;
    sk->err = 0;
    return CallResult::Error(err);
  }
  if (sk->shutdown & kRcvShutdown) return CallResult::Ok(0);
  if (sk->state == TcpState::kClose) return CallResult::Error(ENOTCONN);
  if (nonblocking) return CallResult::Error(EAGAIN);
  if (!sk->recv_buf.empty()) return CallResult::Ok(0);
  return {-1, EAGAIN, true};
}

CallResult Stack::Write(Instant now, int fd, std::span<const uint8_t> data, int flags,
                        const sockaddr* addr, socklen_t addrlen,
                        std::span<const size_t> iov_lengths) {
  AdvanceTo(now);
  CallResult error;
  Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return error;
  const bool nonblocking = sk->nonblocking || (flags & MSG_DONTWAIT);
  // tcp_sendmsg_locked(): MSG_FASTOPEN, or the first write after a
  // deferred Fast Open connect(), connects first; what the SYN took counts
  // towards the result, and a non-blocking call returns it at once.
  size_t copied_syn = 0;
  // MSG_ZEROCOPY takes effect on a socket with SO_ZEROCOPY only; its id is
  // taken before a Fast Open SYN carries the first bytes, and given back
  // when the call took none (tcp_sendmsg_locked()).
  const bool zerocopy = (flags & MSG_ZEROCOPY) && sk->zc.enabled && !data.empty();
  const size_t whole = data.size();
  if (zerocopy) ZerocopyBegin(*sk, data.size(), sk->write_waiting);
  auto done = [&](CallResult r) {
    if (zerocopy) ZerocopyEnd(*sk, r.ret > 0 ? static_cast<size_t>(r.ret) : 0);
    return r;
  };
  if ((flags & MSG_FASTOPEN) || sk->defer_connect || sk->tfo.request) {
    const CallResult r =
        SendmsgFastOpen(now, fd, sk, data, nonblocking, addr, addrlen, &copied_syn);
    if (r.would_block) return done(r);
    if (r.ret < 0) {
      if (r.err == EINPROGRESS && copied_syn > 0) {
        return done(CallResult::Ok(static_cast<int64_t>(copied_syn)));
      }
      return done(r);
    }
    data = data.subspan(copied_syn);
  }
  // A zero-copy write's iovecs, less what went in the SYN.
  std::vector<size_t> zc_iov;
  if (zerocopy && !data.empty()) {
    zc_iov = iov_lengths.empty() ? std::vector<size_t>{whole - copied_syn}
                                 : IovLengthsAfter(iov_lengths, copied_syn);
  }
  CallResult r = WriteStream(sk, data, flags, nonblocking, zc_iov);
  if (copied_syn == 0) return done(r);
  if (r.ret >= 0) {
    r.ret += static_cast<int64_t>(copied_syn);
  } else if (r.would_block) {
    r = {static_cast<int64_t>(copied_syn), 0, true};
  } else {
    r = CallResult::Ok(static_cast<int64_t>(copied_syn));
  }
  return done(r);
}

CallResult Stack::WriteStream(Sock* sk, std::span<const uint8_t> data, int flags,
                              bool nonblocking, std::span<const size_t> iov_lengths) {
  // tcp_sendmsg(): wait for the connection to open; anything but an
  // opening connection is an error (measured: write on a new socket and
  // on a listener is EPIPE). A passive Fast Open child may send in
  // SYN_RECV (tcp_passive_fastopen()).
  if (sk->state != TcpState::kEstablished && sk->state != TcpState::kCloseWait &&
      !(sk->state == TcpState::kSynRecv && sk->fastopen_rsk)) {
    if (sk->err != 0) {
      const int err = sk->err;
      sk->err = 0;
      return CallResult::Error(err);
    }
    if (sk->state != TcpState::kSynSent && sk->state != TcpState::kSynRecv) {
      return CallResult::Error(EPIPE);
    }
    return {-1, EAGAIN, !nonblocking};
  }
  if (sk->err != 0 || (sk->shutdown & kSendShutdown)) {
    const int err = sk->err != 0 ? sk->err : EPIPE;
    sk->err = 0;
    return CallResult::Error(err);
  }
  // A blocking writer asleep for memory wakes only once the socket is
  // writable again (sk_stream_write_space).
  const bool continuing = sk->write_waiting;
  if (sk->write_waiting) {
    if (!StreamWriteable(sk)) return {-1, EAGAIN, true};
    sk->write_waiting = false;
  }
  if (data.empty()) return CallResult::Ok(0);
  const size_t copied = QueueData(sk, data, flags, continuing, iov_lengths);
  if (copied > 0) TxTimestampWrite(*sk);
  if (copied < data.size()) {
    // wait_for_space: push what was queued, then sleep (or give up).
    if (copied > 0) TcpPush(sk, flags & ~MSG_MORE, kNaglePush);
    RunLoopback();
    Reap();
    sk->nospace = true;
    if (!nonblocking) {
      sk->write_waiting = true;
      if (copied > 0) return {static_cast<int64_t>(copied), 0, true};
      return {-1, EAGAIN, true};
    }
    if (copied == 0) return CallResult::Error(EAGAIN);
    return CallResult::Ok(static_cast<int64_t>(copied));
  }
  TcpPush(sk, flags, Nonagle(sk));
  RunLoopback();
  Reap();
  return CallResult::Ok(static_cast<int64_t>(copied));
}

// --- close and shutdown ------------------------------------------------------------

namespace {

// tcp_close_state(): the next state on close, and whether a FIN goes out.
std::pair<TcpState, bool> CloseTransition(TcpState state) {
  switch (state) {
    case TcpState::kSynRecv:
    case TcpState::kEstablished:
      return {TcpState::kFinWait1, true};
    case TcpState::kCloseWait:
      return {TcpState::kLastAck, true};
    case TcpState::kFinWait1:
    case TcpState::kFinWait2:
    case TcpState::kClosing:
    case TcpState::kLastAck:
      return {state, false};
    default:
      return {TcpState::kClose, false};
  }
}

}  // namespace

void Stack::Disconnect(Sock* sk) {
  // tcp_disconnect(): abort the connection, with a RST where the peer
  // thinks it is connected, and make the socket reusable.
  const TcpState old = sk->state;
  if (old != TcpState::kClose) SetState(sk, TcpState::kClose);
  if (old == TcpState::kListen) {
    ListenStop(sk);
  } else if (NeedsReset(old) ||
             (sk->snd_nxt != sk->write_seq &&
              (old == TcpState::kClosing || old == TcpState::kLastAck))) {
    SendActiveReset(sk);
    sk->err = ECONNRESET;
  } else if (old == TcpState::kSynSent) {
    sk->err = ECONNRESET;
  }
  sk->write_timer = std::monostate{};
  sk->keepalive_timer = std::monostate{};
  sk->ack = AckState{};
  // A passive Fast Open child drops its request (reqsk_fastopen_remove()),
  // or the timer of its next connection would resend the old SYN-ACK.
  FastOpenRemoveReq(sk);
  sk->tfo.ResetClient();
  sk->defer_connect = false;
  sk->ClearSendQueues();
  sk->ClearRecv();
  sk->ofo.clear();
  sk->selective_acks.clear();
  sk->shutdown = 0;
  sk->done = false;
  sk->fin_queued = false;
  if (!sk->port_locked) {
    if (sk->bound) bind_table_.RemoveSock(sk->tuple.local.port, sk);
    sk->bound = false;
    sk->bound_addr.reset();
    sk->tuple.local = Unspecified(sk->domain);
  }
  sk->tuple.remote = Endpoint{};
}

void Stack::CloseSock(Sock* sk) {
  // tcp_close().
  sk->shutdown = kShutdownMask;
  if (sk->listening()) {
    SetState(sk, TcpState::kClose);
    ListenStop(sk);
    sk->orphan = true;
    return;
  }
  const size_t unread = sk->recv_buf.size();
  sk->ClearRecv();
  if (sk->state == TcpState::kClose) {
    sk->orphan = true;
    return;
  }
  if (unread > 0) {
    // RFC 2525 §2.17: unread data is lost, so reset rather than FIN
    // (measured: `R. <snd_nxt>:<snd_nxt>(0) ack <rcv_nxt>`, TCPAbortOnClose).
    counters_.Inc(Counter::kTcpExtTCPAbortOnClose);
    SetState(sk, TcpState::kClose);
    SendActiveReset(sk);
  } else if (sk->linger && sk->linger_seconds == 0) {
    // SO_LINGER with a zero timeout aborts (Linux counts TCPAbortOnData).
    Disconnect(sk);
    counters_.Inc(Counter::kTcpExtTCPAbortOnData);
  } else {
    const auto [next, fin] = CloseTransition(sk->state);
    SetState(sk, next);
    if (fin) SendFin(sk);
  }
  sk->orphan = true;
  if (sk->state == TcpState::kFinWait2) {
    // An orphan in FIN_WAIT_2 waits for the FIN only so long.
    if (sk->linger2 < 0) {
      SetState(sk, TcpState::kClose);
      SendActiveReset(sk);
      counters_.Inc(Counter::kTcpExtTCPAbortOnLinger);
    } else {
      const Duration tmo = FinTime(sk);
      if (tmo > kTimewaitLen) {
        sk->keepalive_timer = FinWait2Timer{now_ + tmo - kTimewaitLen};
        ScheduleTimer(sk, TimerKind::kKeepalive);
      } else {
        TimeWait(sk, TcpState::kFinWait2, tmo);
      }
    }
  }
  if (sk->state == TcpState::kClose) {
    sk->write_timer = std::monostate{};
    sk->ack.timer.reset();
  }
}

CallResult Stack::Close(Instant now, int fd) {
  AdvanceTo(now);
  CallResult error;
  Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return error;
  DetachFd(fd, sk);
  CloseSock(sk);
  RunLoopback();
  Reap();
  return CallResult::Ok(0);
}

CallResult Stack::Shutdown(Instant now, int fd, int how) {
  AdvanceTo(now);
  CallResult error;
  Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return error;
  // inet_shutdown(): SHUT_RD/WR/RDWR become RCV/SEND shutdown bits.
  const int bits = how + 1;
  if (how < SHUT_RD || how > SHUT_RDWR) return CallResult::Error(EINVAL);
  if (sk->socket_state == SocketState::kConnecting) {
    sk->socket_state = (sk->state == TcpState::kSynSent ||
                        sk->state == TcpState::kSynRecv ||
                        sk->state == TcpState::kClose)
                           ? SocketState::kDisconnecting
                           : SocketState::kConnected;
  }
  int err = 0;
  switch (sk->state) {
    case TcpState::kListen:
      if (!(bits & kRcvShutdown)) break;
      Disconnect(sk);
      sk->socket_state = SocketState::kUnconnected;
      break;
    case TcpState::kSynSent:
      Disconnect(sk);
      sk->socket_state = SocketState::kUnconnected;
      break;
    case TcpState::kClose:
      err = ENOTCONN;
      sk->shutdown |= static_cast<uint8_t>(bits);
      break;
    default:
      sk->shutdown |= static_cast<uint8_t>(bits);
      // tcp_shutdown(): a FIN if we have not sent one.
      if ((bits & kSendShutdown) &&
          (sk->state == TcpState::kEstablished || sk->state == TcpState::kSynRecv ||
           sk->state == TcpState::kCloseWait)) {
        const auto [next, fin] = CloseTransition(sk->state);
        SetState(sk, next);
        if (fin) SendFin(sk);
      }
      break;
  }
  RunLoopback();
  Reap();
  return err != 0 ? CallResult::Error(err) : CallResult::Ok(0);
}

// --- names, fcntl, ioctl, poll ---------------------------------------------------------

CallResult Stack::Getsockname(Instant now, int fd, sockaddr* addr, socklen_t* len) {
  AdvanceTo(now);
  CallResult error;
  Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return error;
  Endpoint local = Unspecified(sk->domain);
  if (sk->bound) local = sk->tuple.local;
  ToSockaddr(sk->domain, local, addr, len);
  return CallResult::Ok(0);
}

CallResult Stack::Getpeername(Instant now, int fd, sockaddr* addr, socklen_t* len) {
  AdvanceTo(now);
  CallResult error;
  Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return error;
  // inet_getname(): no peer before the handshake or after the end.
  if (sk->tuple.remote.port == 0 || sk->state == TcpState::kClose ||
      sk->state == TcpState::kSynSent || sk->listening()) {
    return CallResult::Error(ENOTCONN);
  }
  ToSockaddr(sk->domain, sk->tuple.remote, addr, len);
  return CallResult::Ok(0);
}

CallResult Stack::Fcntl(Instant now, int fd, int cmd, int64_t arg) {
  AdvanceTo(now);
  CallResult error;
  Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return error;
  switch (cmd) {
    case F_GETFL:
      return CallResult::Ok(O_RDWR | (sk->nonblocking ? O_NONBLOCK : 0));
    case F_SETFL:
      sk->nonblocking = (arg & O_NONBLOCK) != 0;
      return CallResult::Ok(0);
    case F_GETFD:
    case F_SETFD:
      return CallResult::Ok(0);
    default:
      return CallResult::Error(EINVAL);
  }
}

CallResult Stack::Ioctl(Instant now, int fd, unsigned long request, void* arg) {
  AdvanceTo(now);
  CallResult error;
  Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return error;
  if (arg == nullptr) return CallResult::Error(EFAULT);
  int answer = 0;
  const bool handshake =
      sk->state == TcpState::kSynSent || sk->state == TcpState::kSynRecv;
  // write_seq counts the FIN in Linux.
  const uint32_t write_end = sk->write_seq + (sk->fin_queued ? 1 : 0);
  switch (request) {
    case SIOCINQ:  // FIONREAD
      if (sk->listening()) return CallResult::Error(EINVAL);
      answer = handshake ? 0 : static_cast<int>(sk->recv_buf.size());
      break;
    case SIOCOUTQ:
      if (sk->listening()) return CallResult::Error(EINVAL);
      answer = handshake ? 0 : static_cast<int>(write_end - sk->snd_una);
      break;
    case SIOCOUTQNSD:
      if (sk->listening()) return CallResult::Error(EINVAL);
      answer = handshake || !SeqAfter(write_end, sk->snd_nxt)
                   ? 0
                   : static_cast<int>(write_end - sk->snd_nxt);
      break;
    default:
      return CallResult::Error(ENOTTY);
  }
  std::memcpy(arg, &answer, sizeof answer);
  return CallResult::Ok(0);
}

std::optional<uint64_t> Stack::Wakeups(int fd) const {
  CallResult error;
  const Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return std::nullopt;
  return sk->wakeups;
}

int Stack::ReserveFd() {
  const int fd = AllocFd();
  fds_[fd] = 0;  // no socket has id 0
  return fd;
}

void Stack::ReleaseFd(int fd) {
  auto it = fds_.find(fd);
  if (it != fds_.end() && it->second == 0) {
    fds_.erase(it);
    fd_numbers_.Release(fd);
  }
}

std::optional<int> Stack::InqHint(int fd) const {
  CallResult error;
  const Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr || !sk->recv_inq) return std::nullopt;
  return static_cast<int>(sk->recv_buf.size()) + (sk->done ? 1 : 0);
}

short Stack::PollEvents(Instant now, int fd, short events) {
  AdvanceTo(now);
  CallResult error;
  Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return POLLNVAL;
  // tcp_poll() (measured: a new socket reports POLLOUT|POLLWRNORM|POLLHUP).
  int mask = 0;
  if (sk->listening()) {
    if (!sk->accept_queue.empty()) mask |= POLLIN | POLLRDNORM;
  } else {
    if (sk->shutdown == kShutdownMask || sk->state == TcpState::kClose) mask |= POLLHUP;
    if (sk->shutdown & kRcvShutdown) mask |= POLLIN | POLLRDNORM | POLLRDHUP;
    // A passive Fast Open child reads and writes in SYN_RECV; a deferred
    // Fast Open connect() is writable, so that the write sends the SYN.
    if (sk->state == TcpState::kSynSent && sk->defer_connect) {
      mask |= POLLOUT | POLLWRNORM;
    } else if (sk->state != TcpState::kSynSent &&
               (sk->state != TcpState::kSynRecv || sk->fastopen_rsk)) {
      // tcp_stream_is_readable(): an urgent byte next in line is not data
      // (SO_OOBINLINE off); urgent data that has arrived is POLLPRI.
      const uint32_t copied_seq = sk->rcv_nxt - static_cast<uint32_t>(sk->recv_buf.size());
      const size_t target = sk->urg_seq && *sk->urg_seq == copied_seq ? 2 : 1;
      if (sk->recv_buf.size() >= target) mask |= POLLIN | POLLRDNORM;
      if (sk->urg_byte) mask |= POLLPRI;
      if (!(sk->shutdown & kSendShutdown)) {
        if (StreamWriteable(sk)) {
          mask |= POLLOUT | POLLWRNORM;
        } else {
          sk->nospace = true;  // tcp_poll(): freed space will wake us
        }
      } else {
        mask |= POLLOUT | POLLWRNORM;
      }
    }
  }
  if (sk->err != 0 || !sk->errq.empty()) mask |= POLLERR;
  return static_cast<short>(mask & (events | POLLERR | POLLHUP | POLLNVAL));
}

}  // namespace synack::stack
