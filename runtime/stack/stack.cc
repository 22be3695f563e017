// Stack plumbing: packets in (parse, demultiplex) and out (build, queue,
// loop back), the timer loop, socket tables and lookups.
#include "runtime/stack/stack.h"

#include <netinet/in.h>

#include <algorithm>

namespace synack::stack {

bool Stack::Segment::syn() const { return th->flags & wire::tcp_flag::kSyn; }
bool Stack::Segment::ack_flag() const {
  return th->flags & wire::tcp_flag::kAck;
}
bool Stack::Segment::rst() const { return th->flags & wire::tcp_flag::kRst; }
bool Stack::Segment::fin() const { return th->flags & wire::tcp_flag::kFin; }
bool Stack::Segment::psh() const { return th->flags & wire::tcp_flag::kPsh; }

Stack::Stack(const StackConfig& config)
    : config_(config), secrets_(Secrets::FromSeed(config.seed)) {
  if (config_.local_addresses.empty()) {
    config_.local_addresses = {*wire::IpAddress::Parse("192.168.0.1"),
                               *wire::IpAddress::Parse("fd3d:a0b:17d6::1")};
  }
}

Stack::~Stack() = default;

// --- Packets and time ------------------------------------------------------

std::string Stack::Input(std::span<const uint8_t> ip_packet, Instant now,
                         uint32_t gso_size) {
  AdvanceTo(now);
  wire::ParseResult parsed = wire::Parse(ip_packet);
  if (!parsed.packet) return parsed.error;
  Deliver(*parsed.packet, gso_size);
  RunLoopback();
  Reap();
  return "";
}

void Stack::Poll(Instant now) {
  AdvanceTo(now);
  RunLoopback();
  Reap();
}

std::optional<SentPacket> Stack::TakeOutput() {
  if (output_.empty()) return std::nullopt;
  SentPacket packet = std::move(output_.front());
  output_.pop_front();
  return packet;
}

std::optional<Instant> Stack::NextDeadline() const {
  const TimerEntry* next = timers_.Top();
  if (next == nullptr) return std::nullopt;
  return next->at;
}

void Stack::AdvanceTo(Instant now) {
  // Each timer fires at its own deadline, in order, so packets it sends
  // carry that time; then the clock stands at `now`.
  while (true) {
    const std::optional<Instant> next = NextDeadline();
    if (!next || *next > now) break;
    now_ = std::max(now_, *next);
    FireTimer(*next);
    RunLoopback();
  }
  now_ = std::max(now_, now);
}

std::map<std::string, int64_t> Stack::Counters() const {
  int64_t established = 0;
  for (const auto& [id, sk] : socks_) {
    if (sk->state == TcpState::kEstablished ||
        sk->state == TcpState::kCloseWait) {
      ++established;
    }
  }
  return counters_.Snapshot(established);
}

std::vector<SocketSummary> Stack::Sockets() const {
  std::vector<SocketSummary> list;
  for (const auto& [id, sk] : socks_) {
    if (sk->state == TcpState::kClose) continue;
    SocketSummary s;
    s.state = sk->state;
    s.domain = sk->domain;
    s.local_port = sk->tuple.local.port;
    if (sk->listening()) {
      // A listener's queues: waiting children and the backlog.
      s.local_addr = sk->bound_addr;
      s.recv_q = static_cast<uint32_t>(sk->accept_queue.size());
      s.send_q = static_cast<uint32_t>(sk->max_ack_backlog);
      list.push_back(s);
      for (const RequestSock& req : sk->syn_queue) {
        SocketSummary r;
        r.state = TcpState::kSynRecv;
        r.domain = sk->domain;
        r.local_addr = req.tuple.local.addr;
        r.local_port = req.tuple.local.port;
        r.remote_addr = req.tuple.remote.addr;
        r.remote_port = req.tuple.remote.port;
        list.push_back(r);
      }
      continue;
    }
    s.local_addr = sk->tuple.local.addr;
    s.remote_addr = sk->tuple.remote.addr;
    s.remote_port = sk->tuple.remote.port;
    s.recv_q = static_cast<uint32_t>(sk->recv_buf.size());
    s.send_q = sk->write_seq - sk->snd_una;
    list.push_back(s);
  }
  for (const auto& [tuple, tw] : timewait_) {
    SocketSummary s;
    s.state = tw.substate;
    s.domain = tw.domain;
    s.local_addr = tuple.local.addr;
    s.local_port = tuple.local.port;
    s.remote_addr = tuple.remote.addr;
    s.remote_port = tuple.remote.port;
    list.push_back(s);
  }
  return list;
}

uint32_t Stack::TcpTimestampMs() const {
  return secrets_.boot_ms + static_cast<uint32_t>(Millis(now_.since_epoch));
}

// --- Inbound ----------------------------------------------------------------

void Stack::Deliver(const wire::Packet& packet, uint32_t gso_size) {
  if (std::holds_alternative<wire::IcmpHeader>(packet.l4)) {
    if (IsLocal(packet.dst)) IcmpInput(packet);
    return;
  }
  const wire::TcpHeader* th = packet.tcp();
  if (th == nullptr || !IsLocal(packet.dst)) return;
  counters_.Inc(Counter::kTcpInSegs);
  ++input_events_;
  Segment seg;
  seg.packet = &packet;
  seg.th = th;
  seg.seq = th->seq;
  seg.ack = th->ack;
  seg.len = static_cast<uint32_t>(packet.payload.size());
  // virtio_net_hdr_to_skb(): "too small packets are not really GSO ones",
  // so the gso_size sticks only when the TCP options and payload (what
  // follows the 20-byte header) exceed it.
  if (gso_size != 0 && TcpOptionBytes(th->options) + seg.len > gso_size) {
    seg.gso_size = gso_size;
  }
  seg.end_seq = seg.seq + seg.len + (seg.syn() ? 1 : 0) + (seg.fin() ? 1 : 0);
  seg.opts = ParseOptions(th->options, seg.syn());
  seg.tuple.local = {packet.dst, th->dst_port};
  seg.tuple.remote = {packet.src, th->src_port};

  // Linux looks in the established hash (connections, TIME_WAIT and
  // requests) before the listeners; requests live in their listener here.
  if (Sock* sk = FindConnection(seg.tuple)) {
    if (InboundHashDrop(seg)) return;
    SegmentArrives(sk, seg);
    return;
  }
  if (auto tw = timewait_.find(seg.tuple); tw != timewait_.end()) {
    TimeWaitSegment(&tw->second, seg);
    return;
  }
  if (Sock* listener = FindListener(seg.tuple.local)) {
    if (InboundHashDrop(seg)) return;
    ListenerSegment(listener, seg);
    return;
  }
  // No socket: RFC 9293 §3.10.7.1, answered by tcp_v4_send_reset().
  SendResetReply(seg);
}

bool Stack::InboundHashDrop(const Segment& seg) {
  // tcp_inbound_hash() / tcp_inbound_md5_hash(), for a socket, request or
  // listener (not TIME_WAIT, not a reset for no socket): the stack keeps no
  // TCP_MD5SIG keys, so an MD5 signature is never expected and a segment
  // carrying one is dropped unanswered (measured: a SYN, the final ACK
  // and data, each counted in TcpExtTCPMD5Unexpected).
  for (const wire::TcpOption& option : seg.th->options) {
    if (option.kind == wire::tcp_opt::kMd5) {
      counters_.Inc(Counter::kTcpExtTCPMD5Unexpected);
      return true;
    }
  }
  return false;
}

void Stack::RunLoopback() {
  if (in_loopback_) return;
  in_loopback_ = true;
  while (!loopback_.empty()) {
    wire::Packet packet = std::move(loopback_.front());
    loopback_.pop_front();
    Deliver(packet);
  }
  in_loopback_ = false;
}

// --- Outbound ---------------------------------------------------------------

bool Stack::Emit(const FourTuple& tuple, const OutSegment& segment,
                 uint16_t ip_id, uint32_t gso_size) {
  if (!device_tso_ && gso_size > 0 && segment.payload.size() > gso_size) {
    // Software GSO (tcp_gso_segment()): segments of gso_size with the
    // same options; PSH and FIN only on the last, IP IDs one apart.
    const size_t total = segment.payload.size();
    for (size_t at = 0; at < total; at += gso_size) {
      const size_t n = std::min<size_t>(gso_size, total - at);
      OutSegment piece = segment;
      piece.seq = segment.seq + static_cast<uint32_t>(at);
      piece.payload.assign(segment.payload.begin() + static_cast<long>(at),
                           segment.payload.begin() + static_cast<long>(at + n));
      if (at + n < total) {
        piece.flags &= static_cast<uint16_t>(~(wire::tcp_flag::kPsh | wire::tcp_flag::kFin));
      }
      // CWR only on the first segment (SKB_GSO_TCP_ECN, RFC 3168 §6.1.2).
      if (at > 0) piece.flags &= static_cast<uint16_t>(~wire::tcp_flag::kCwr);
      if (!Emit(tuple, piece, static_cast<uint16_t>(ip_id + at / gso_size))) {
        return false;
      }
    }
    return true;
  }
  wire::Packet packet;
  packet.src = tuple.local.addr;
  packet.dst = tuple.remote.addr;
  packet.ttl = static_cast<uint8_t>(sysctls_.ip_default_ttl);
  packet.ip_id = ip_id;
  packet.tos = segment.tos;
  // Linux sets DF on TCP over IPv4 (path MTU discovery is on by default).
  packet.dont_fragment = IsV4(tuple.local.addr);
  wire::TcpHeader th;
  th.src_port = tuple.local.port;
  th.dst_port = tuple.remote.port;
  th.seq = segment.seq;
  th.ack = segment.ack;
  th.flags = segment.flags;
  th.window = segment.window;
  th.options = segment.options;
  packet.l4 = th;
  packet.payload = segment.payload;
  if (segment.flags & wire::tcp_flag::kRst) counters_.Inc(Counter::kTcpOutRsts);
  if (IsLocal(packet.dst)) {
    // A connection to ourselves goes over loopback, which the wire (and so
    // the script) never sees.
    loopback_.push_back(std::move(packet));
    return true;
  }
  if (qdisc_limit_ && *qdisc_limit_ <= 0) return false;  // NET_XMIT_DROP
  wire::BuildResult built = wire::Build(packet);
  if (!built.ok()) return true;  // cannot happen for segments we build
  output_.push_back({std::move(built.bytes), now_});
  return true;
}

// --- Addresses ---------------------------------------------------------------

bool Stack::IsLocal(const wire::IpAddress& address) const {
  return std::find(config_.local_addresses.begin(),
                   config_.local_addresses.end(),
                   address) != config_.local_addresses.end();
}

std::optional<wire::IpAddress> Stack::SourceFor(
    const wire::IpAddress& remote) const {
  for (const wire::IpAddress& local : config_.local_addresses) {
    if (local.family == remote.family) return local;
  }
  return std::nullopt;
}

int Stack::MssFor(const wire::IpAddress& remote) const {
  // ipv4_default_advmss() / ip6_default_advmss(): the path MTU less headers.
  return PathMtu(remote) - (IsV4(remote) ? 40 : 60);
}

// --- Socket tables -----------------------------------------------------------

Sock* Stack::NewSock(int domain) {
  auto sk = std::make_unique<Sock>();
  sk->id = next_id_++;
  sk->domain = domain;
  // tcp_init_sock(): buffers from tcp_rmem[1] and tcp_wmem[1] (measured
  // SO_RCVBUF 131072, SO_SNDBUF 16384 on a new socket).
  sk->rcvbuf = sysctls_.tcp_rmem[1];
  sk->sndbuf = sysctls_.tcp_wmem[1];
  // tcp_assign_congestion_control(): the namespace's choice at creation.
  Sock* raw = sk.get();
  SetCongestionControl(raw, sysctls_.tcp_congestion_control);
  socks_[raw->id] = std::move(sk);
  sock_by_id_[raw->id] = raw;
  ReapLater(raw);
  return raw;
}

Sock* Stack::FindSock(uint64_t id) const {
  auto it = sock_by_id_.find(id);
  return it == sock_by_id_.end() ? nullptr : it->second;
}

Sock* Stack::SockForFd(int fd, CallResult* error) const {
  auto it = fds_.find(fd);
  if (it == fds_.end()) {
    *error = CallResult::Error(EBADF);
    return nullptr;
  }
  Sock* sk = FindSock(it->second);
  if (sk == nullptr) *error = CallResult::Error(ENOTSOCK);
  return sk;
}

Sock* Stack::FindConnection(const FourTuple& tuple) const {
  auto it = connections_.find(tuple);
  return it == connections_.end() ? nullptr : FindSock(it->second);
}

Sock* Stack::FindListener(const Endpoint& local) const {
  // An exact address beats the wildcard, as in Linux's listener scoring.
  Sock* wildcard = nullptr;
  for (uint64_t id : listeners_) {
    Sock* sk = FindSock(id);
    if (sk == nullptr || sk->tuple.local.port != local.port) continue;
    // An AF_INET socket takes IPv4 only; AF_INET6 both (no IPV6_V6ONLY).
    if (sk->domain == AF_INET && !IsV4(local.addr)) continue;
    if (sk->bound_addr) {
      if (*sk->bound_addr == local.addr) return sk;
    } else if (wildcard == nullptr) {
      wildcard = sk;
    }
  }
  return wildcard;
}

void Stack::HashConnection(Sock* sk) { connections_[sk->tuple] = sk->id; }

void Stack::UnhashConnection(Sock* sk) {
  auto it = connections_.find(sk->tuple);
  if (it != connections_.end() && it->second == sk->id) connections_.erase(it);
}

void Stack::Reap() {
  // Only a socket that lost its descriptor, left the accept queue or
  // entered CLOSE since the last Reap() can have died.
  std::vector<uint64_t> candidates;
  candidates.swap(reap_candidates_);
  for (uint64_t id : candidates) {
    auto it = socks_.find(id);
    if (it == socks_.end()) continue;
    Sock* sk = it->second.get();
    const bool dead = !sk->has_fd && !sk->in_accept_queue &&
                      sk->state == TcpState::kClose;
    if (dead) {
      UnhashConnection(sk);
      if (sk->bound) bind_table_.RemoveSock(sk->tuple.local.port, sk);  // inet_put_port()
      listeners_.erase(id);
      sock_by_id_.erase(id);
      socks_.erase(it);
    }
  }
}

}  // namespace synack::stack
