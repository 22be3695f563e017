// TCP_INFO as tcp_get_info() fills it.
#include "runtime/stack/tcp_info.h"

#include <netinet/tcp.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>

#include "runtime/stack/stack.h"

namespace synack::stack {

// The part glibc knows must sit where glibc puts it.
static_assert(offsetof(TcpInfo, tcpi_rto) == offsetof(tcp_info, tcpi_rto));
static_assert(offsetof(TcpInfo, tcpi_total_retrans) ==
              offsetof(tcp_info, tcpi_total_retrans));
static_assert(offsetof(TcpInfo, tcpi_pacing_rate) == 104);
static_assert(offsetof(TcpInfo, tcpi_total_rto) == 240);
static_assert(sizeof(TcpInfo) == 248);

namespace {

uint32_t Usecs(Duration d) { return static_cast<uint32_t>(Micros(d)); }
uint32_t MsecsSince(Instant now, Instant then) {
  return static_cast<uint32_t>(Millis(now - then));
}

}  // namespace

void Stack::FillTcpInfo(const Sock* sk, void* out, socklen_t* len) const {
  TcpInfo info{};
  info.tcpi_state = static_cast<uint8_t>(sk->state);
  info.tcpi_reordering = 3;
  info.tcpi_snd_cwnd = sk->cwnd;
  if (sk->listening()) {
    // Listeners alias two fields: accept queue length and its limit.
    info.tcpi_unacked = static_cast<uint32_t>(sk->accept_queue.size());
    info.tcpi_sacked = static_cast<uint32_t>(std::max(0, sk->max_ack_backlog));
  } else {
    info.tcpi_ca_state = static_cast<uint8_t>(sk->ca_state);
    info.tcpi_retransmits = static_cast<uint8_t>(sk->retransmits);
    info.tcpi_probes = static_cast<uint8_t>(sk->probes_out);
    info.tcpi_backoff = static_cast<uint8_t>(sk->backoff);
    if (sk->tstamp_ok) info.tcpi_options |= kTcpiOptTimestamps;
    if (sk->sack_ok) info.tcpi_options |= kTcpiOptSack;
    if (sk->ecn_flags & ecn_flag::kOk) info.tcpi_options |= kTcpiOptEcn;
    if (sk->ecn_flags & ecn_flag::kSeen) info.tcpi_options |= kTcpiOptEcnSeen;
    // TCPI_OPT_SYN_DATA: the SYN's data was acknowledged (either side).
    if (sk->tfo.syn_data_acked) info.tcpi_options |= kTcpiOptSynData;
    info.tcpi_fastopen_client_fail = static_cast<uint8_t>(sk->tfo.client_fail & 3);
    if (sk->wscale_ok) {
      info.tcpi_options |= kTcpiOptWscale;
      info.tcpi_snd_wscale = sk->snd_wscale & 0xf;
      info.tcpi_rcv_wscale = sk->rcv_wscale & 0xf;
    }
    info.tcpi_rto = Usecs(sk->rto);
    info.tcpi_ato = Usecs(sk->ack.ato);
    info.tcpi_snd_mss = sk->mss_cache;
    info.tcpi_rcv_mss = sk->ack.rcv_mss;
    info.tcpi_unacked = sk->packets_out();
    info.tcpi_retrans = sk->retrans_out();
    info.tcpi_lost = sk->lost_out();
    info.tcpi_sacked = sk->sacked_out();
    info.tcpi_reordering = sk->reordering;
    info.tcpi_delivered = sk->delivered;
    info.tcpi_reord_seen = sk->reord_seen;
    info.tcpi_last_data_sent = MsecsSince(now_, sk->lsndtime);
    info.tcpi_last_data_recv = MsecsSince(now_, sk->ack.lrcvtime);
    info.tcpi_last_ack_recv = MsecsSince(now_, sk->rcv_tstamp);
    info.tcpi_pmtu = static_cast<uint32_t>(config_.mtu);
    info.tcpi_rcv_ssthresh = sk->rcv_ssthresh;
    info.tcpi_rtt = sk->srtt_us >> 3;
    info.tcpi_rttvar = sk->mdev_us >> 2;
    info.tcpi_snd_ssthresh = sk->ssthresh;
    info.tcpi_advmss = sk->advmss;
    info.tcpi_rcv_space =
        std::min({sk->rcv_ssthresh, sk->rcv_wnd, 10u * sk->advmss});
    info.tcpi_total_retrans = static_cast<uint32_t>(sk->total_retrans);
    info.tcpi_bytes_acked = sk->bytes_acked;
    info.tcpi_bytes_received = sk->bytes_received;
    info.tcpi_segs_out = sk->segs_out;
    info.tcpi_segs_in = sk->segs_in;
    info.tcpi_notsent_bytes = sk->unsent_bytes();
    info.tcpi_min_rtt = sk->min_rtt_us.value_or(0xffffffffu);
    info.tcpi_data_segs_in = sk->data_segs_in;
    info.tcpi_data_segs_out = sk->data_segs_out;
    info.tcpi_bytes_sent = sk->bytes_sent;
    info.tcpi_bytes_retrans = sk->bytes_retrans;
    info.tcpi_snd_wnd = sk->snd_wnd;
    info.tcpi_rcv_wnd = sk->rcv_wnd;
    info.tcpi_total_rto = static_cast<uint16_t>(sk->total_rto);
    // tcp_get_info_chrono_stats(): each kind's jiffies, the running one's
    // up to now, in microseconds; busy time is all three together.
    std::array<uint64_t, 3> stats{};
    for (size_t i = 0; i < stats.size(); ++i) {
      int64_t jiffies = sk->chrono_stat[i];
      if (static_cast<size_t>(sk->chrono_type) == i + 1) {
        jiffies += Jiffies(now_) - sk->chrono_start;
      }
      stats[i] = static_cast<uint64_t>(jiffies) * static_cast<uint64_t>(Micros(kJiffy));
    }
    info.tcpi_busy_time = stats[0] + stats[1] + stats[2];
    info.tcpi_rwnd_limited = stats[1];
    info.tcpi_sndbuf_limited = stats[2];
  }
  const socklen_t n = std::min<socklen_t>(*len, sizeof info);
  if (out != nullptr) std::memcpy(out, &info, n);
  *len = n;
}

}  // namespace synack::stack
