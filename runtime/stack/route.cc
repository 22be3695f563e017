// Routes as TCP sees them: the metrics `ip route change` attaches to the
// route towards a peer (advmss, mtu, initcwnd), the route a connection
// looked up and keeps until a route change makes it stale, and path MTU
// probing (RFC 4821) as Linux's tcp_mtu_probe() does it with
// tcp_mtu_probing=2. Measured with packetdrill's mtu_probe/basic-v4.pkt.
#include <algorithm>

#include "runtime/stack/stack.h"

namespace synack::stack {

namespace {

int NetHeaderLen(const Sock* sk) { return IsV4(sk->tuple.local.addr) ? 20 : 40; }
int TcpHeaderLen(const Sock* sk) { return 20 + (sk->tstamp_ok ? 12 : 0); }

}  // namespace

void Stack::SetRoute(const wire::IpAddress& dst, const RouteMetrics& metrics) {
  routes_[dst.ToString()] = metrics;
  ++route_genid_;  // rt_genid_bump_ipv4(): every cached route is stale
}

std::optional<RouteMetrics> Stack::RouteFor(const wire::IpAddress& remote) const {
  if (auto it = routes_.find(remote.ToString()); it != routes_.end()) return it->second;
  return std::nullopt;
}

int Stack::DstMtu(const wire::IpAddress& remote,
                  const std::optional<RouteMetrics>& route) const {
  // ipv4_mtu(): the route's MTU metric, else the device's; a learned PMTU
  // lowers it unless the metric is locked.
  if (route && route->mtu) {
    if (route->mtu_lock) return *route->mtu;
    return std::min(*route->mtu, PathMtu(remote));
  }
  return PathMtu(remote);
}

int Stack::AdvMss(const wire::IpAddress& remote) const {
  // dst_metric_advmss(): the route's advmss, else the path MTU less headers
  // (measured: `advmss 600` makes the SYN-ACK announce `mss 600`).
  const std::optional<RouteMetrics> route = RouteFor(remote);
  if (route && route->advmss) return *route->advmss;
  return DstMtu(remote, route) - (IsV4(remote) ? 40 : 60);
}

void Stack::LookupDst(Sock* sk) {
  sk->dst_route = RouteFor(sk->tuple.remote.addr);
  sk->dst_genid = route_genid_;
}

void Stack::CheckDst(Sock* sk) {
  // __sk_dst_check() in ip_queue_xmit(): a route changed since the lookup
  // is looked up again as the next segment leaves (measured: after `ip
  // route change ... mtu lock 1500` the MSS grows only from the write
  // after the next transmission).
  if (sk->dst_genid != route_genid_) LookupDst(sk);
}

void Stack::CurrentMssSync(Sock* sk) {
  // tcp_current_mss(): the route's MTU moved away from the one mss_cache
  // was computed for: tcp_sync_mss() again.
  if (sk->state == TcpState::kListen || sk->state == TcpState::kClose) return;
  const auto mtu = static_cast<uint32_t>(DstMtu(sk->tuple.remote.addr, sk->dst_route));
  if (mtu != sk->pmtu_cookie) SyncMss(sk);
}

int Stack::MtuToMss(const Sock* sk, int mtu) const {
  // tcp_mtu_to_mss(): headers off, at most the peer's MSS, at least
  // tcp_min_snd_mss, less the options every segment carries.
  int mss = mtu - NetHeaderLen(sk) - 20;
  mss = std::min(mss, int{sk->mss_clamp});
  mss = std::max(mss, sysctls_.tcp_min_snd_mss);
  return mss - (TcpHeaderLen(sk) - 20);
}

int Stack::MssToMtu(const Sock* sk, int mss) const {
  // tcp_mss_to_mtu().
  return mss + TcpHeaderLen(sk) + NetHeaderLen(sk);
}

void Stack::MtupInit(Sock* sk) {
  // tcp_mtup_init(), from tcp_init_transfer(): tcp_mtu_probing=2 probes
  // from the start, searching between tcp_base_mss and the peer's MSS.
  sk->mtup.enabled = SysctlInt("net.ipv4.tcp_mtu_probing", 0) > 1;
  sk->mtup.search_high = sk->mss_clamp + 20 + NetHeaderLen(sk);
  sk->mtup.search_low = MssToMtu(sk, SysctlInt("net.ipv4.tcp_base_mss", 1024));
  sk->mtup.probe_size = 0;
}

int Stack::MtuProbe(Sock* sk, uint32_t mss_now) {
  // tcp_mtu_probe(): one segment halfway between the MTUs known to work
  // and the highest to try, cut from the head of the queue, when there is
  // enough data behind it and cwnd to spare. -1: no probe; 0: wait for
  // cwnd or window; 1: sent.
  Sock::Mtup& mtup = sk->mtup;
  if (!mtup.enabled || mtup.probe_size != 0 || sk->ca_state != CaState::kOpen ||
      sk->cwnd < 11 || !sk->selective_acks.empty() || sk->dsack) {
    return -1;
  }
  const int probe_size = MtuToMss(sk, (mtup.search_high + mtup.search_low) >> 1);
  const uint32_t size_needed =
      static_cast<uint32_t>(probe_size) + (sk->reordering + 1) * sk->mss_cache;
  const int interval = mtup.search_high - mtup.search_low;
  if (probe_size > MtuToMss(sk, mtup.search_high) ||
      interval < SysctlInt("net.ipv4.tcp_probe_threshold", 8)) {
    return -1;  // the search is over (tcp_mtu_check_reprobe() not modelled)
  }
  if (sk->write_seq - sk->snd_nxt < size_needed) return -1;
  if (sk->snd_wnd < size_needed) return -1;
  if (SeqAfter(sk->snd_nxt + size_needed, sk->snd_una + sk->snd_wnd)) return 0;
  if (InFlight(sk) + 2 > sk->cwnd) return InFlight(sk) == 0 ? -1 : 0;
  // tcp_can_coalesce_send_queue_head(), then the probe built from the
  // queue's first skbs (tcp_grow_skb() does the copying here).
  const auto size = static_cast<uint32_t>(probe_size);
  while (sk->write_queue.front().len() < size && sk->write_queue.size() > 1) {
    const QueuedSkb& head = sk->write_queue.front();
    if (head.eor || head.fin || head.zc_frags > 0) return -1;
    const size_t before = sk->write_queue.size();
    const uint32_t len = head.len();
    GrowSkb(sk, size - len);
    if (sk->write_queue.front().len() == len && sk->write_queue.size() == before) return -1;
  }
  if (sk->write_queue.front().len() < size) return -1;
  if (sk->write_queue.front().len() > size) FragmentQueued(sk, 0, size);
  (void)mss_now;
  if (!SendQueuedHead(sk, size)) return -1;
  // Two packets' worth for the probe's one.
  sk->cwnd -= 1;
  const SentSegment& sent = sk->rtx_queue.back();
  mtup.probe_size = MssToMtu(sk, probe_size);
  mtup.probe_seq_start = sent.seq;
  mtup.probe_seq_end = sent.end;
  return 1;
}

void Stack::MtupProbeSuccess(Sock* sk) {
  // tcp_mtup_probe_success(): cwnd kept in bytes at the larger MTU, the
  // probe's MTU known to work; the MSS grows at the next sync with the
  // route's MTU.
  sk->prior_ssthresh = CurrentSsthresh(sk);
  const uint64_t cwnd = uint64_t{sk->cwnd} *
                        static_cast<uint64_t>(MssToMtu(sk, static_cast<int>(sk->mss_cache))) /
                        static_cast<uint64_t>(sk->mtup.probe_size);
  sk->cwnd = std::max<uint32_t>(1, static_cast<uint32_t>(cwnd));
  sk->cwnd_cnt = 0;
  sk->ssthresh = CurrentSsthresh(sk);
  sk->mtup.search_low = sk->mtup.probe_size;
  sk->mtup.probe_size = 0;
  SyncMss(sk, sk->pmtu_cookie);
  counters_.Inc(Counter::kTcpExtTCPMTUPSuccess);
}

}  // namespace synack::stack
