// Socket state for `%{ }%` blocks, as packetdrill names it (code.c).
#include "interpreter/socket_values.h"

#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace synack::interpreter {

namespace {

struct InfoField {
  const char* name;
  size_t offset;
  size_t size;
};

#define FIELD(name) \
  InfoField { #name, offsetof(tcp_info, name), sizeof(tcp_info::name) }

// struct tcp_info as <linux/tcp.h> declares it, bit fields aside.
constexpr InfoField kFields[] = {
    FIELD(tcpi_state), FIELD(tcpi_ca_state), FIELD(tcpi_retransmits),
    FIELD(tcpi_probes), FIELD(tcpi_backoff), FIELD(tcpi_options),
    FIELD(tcpi_rto), FIELD(tcpi_ato), FIELD(tcpi_snd_mss),
    FIELD(tcpi_rcv_mss), FIELD(tcpi_unacked), FIELD(tcpi_sacked),
    FIELD(tcpi_lost), FIELD(tcpi_retrans), FIELD(tcpi_fackets),
    FIELD(tcpi_last_data_sent), FIELD(tcpi_last_ack_sent),
    FIELD(tcpi_last_data_recv), FIELD(tcpi_last_ack_recv), FIELD(tcpi_pmtu),
    FIELD(tcpi_rcv_ssthresh), FIELD(tcpi_rtt), FIELD(tcpi_rttvar),
    FIELD(tcpi_snd_ssthresh), FIELD(tcpi_snd_cwnd), FIELD(tcpi_advmss),
    FIELD(tcpi_reordering), FIELD(tcpi_rcv_rtt), FIELD(tcpi_rcv_space),
    FIELD(tcpi_total_retrans), FIELD(tcpi_pacing_rate),
    FIELD(tcpi_max_pacing_rate), FIELD(tcpi_bytes_acked),
    FIELD(tcpi_bytes_received), FIELD(tcpi_segs_out), FIELD(tcpi_segs_in),
    FIELD(tcpi_notsent_bytes), FIELD(tcpi_min_rtt), FIELD(tcpi_data_segs_in),
    FIELD(tcpi_data_segs_out), FIELD(tcpi_delivery_rate),
    FIELD(tcpi_busy_time), FIELD(tcpi_rwnd_limited),
    FIELD(tcpi_sndbuf_limited), FIELD(tcpi_delivered),
    FIELD(tcpi_delivered_ce), FIELD(tcpi_bytes_sent),
    FIELD(tcpi_bytes_retrans), FIELD(tcpi_dsack_dups), FIELD(tcpi_reord_seen),
    FIELD(tcpi_rcv_ooopack), FIELD(tcpi_snd_wnd),
};

#undef FIELD

// Fields newer kernels (6.2 and 6.7) append after tcpi_snd_wnd, which the
// build host's headers may not have yet.
constexpr size_t kAfterSndWnd =
    offsetof(tcp_info, tcpi_snd_wnd) + sizeof(tcp_info::tcpi_snd_wnd);
constexpr InfoField kNewerFields[] = {
    {"tcpi_rcv_wnd", kAfterSndWnd, 4},
    {"tcpi_rehash", kAfterSndWnd + 4, 4},
    {"tcpi_total_rto", kAfterSndWnd + 8, 2},
    {"tcpi_total_rto_recoveries", kAfterSndWnd + 10, 2},
    {"tcpi_total_rto_time", kAfterSndWnd + 12, 4},
};

int64_t ReadUnsigned(const uint8_t* data, size_t size) {
  uint64_t value = 0;
  // Host order: tcp_info is native.
  switch (size) {
    case 1: value = data[0]; break;
    case 2: { uint16_t v; std::memcpy(&v, data, 2); value = v; break; }
    case 4: { uint32_t v; std::memcpy(&v, data, 4); value = v; break; }
    default: std::memcpy(&value, data, 8); break;
  }
  return static_cast<int64_t>(value);
}

}  // namespace

NamedValues TcpInfoValues(const uint8_t* data, size_t len) {
  NamedValues values;
  for (const InfoField& field : kFields) {
    if (field.offset + field.size <= len) {
      values.emplace_back(field.name, ReadUnsigned(data + field.offset,
                                                   field.size));
    }
  }
  // Bit fields: snd_wscale and rcv_wscale share byte 6 (low nibble first
  // on the little-endian hosts Linux runs this on); byte 7 holds
  // delivery_rate_app_limited (bit 0) and fastopen_client_fail (bits 1-2).
  if (len > 6) {
    values.emplace_back("tcpi_snd_wscale", data[6] & 0x0f);
    values.emplace_back("tcpi_rcv_wscale", data[6] >> 4);
  }
  if (len > 7) {
    values.emplace_back("tcpi_delivery_rate_app_limited", data[7] & 1);
    values.emplace_back("tcpi_fastopen_client_fail", (data[7] >> 1) & 3);
  }
  for (const InfoField& field : kNewerFields) {
    if (field.offset + field.size <= len) {
      values.emplace_back(field.name, ReadUnsigned(data + field.offset,
                                                   field.size));
    }
  }
  return values;
}

NamedValues CcInfoValues(const uint8_t* data, size_t len) {
  // The union read three ways, each when the length covers its fields
  // (packetdrill's write_tcp_cc_info: BBR's fits, so do the two shorter).
  NamedValues values;
  auto u32 = [data](size_t offset) { return ReadUnsigned(data + offset, 4); };
  if (len >= offsetof(tcp_bbr_info, bbr_cwnd_gain) + 4) {
    const int64_t lo = u32(offsetof(tcp_bbr_info, bbr_bw_lo));
    const int64_t hi = u32(offsetof(tcp_bbr_info, bbr_bw_hi));
    values.emplace_back("bbr_bw_lo", lo);
    values.emplace_back("bbr_bw_hi", hi);
    values.emplace_back("bbr_bw", static_cast<int64_t>(
                                      (static_cast<uint64_t>(hi) << 32) + lo));
    values.emplace_back("bbr_min_rtt", u32(offsetof(tcp_bbr_info, bbr_min_rtt)));
    values.emplace_back("bbr_pacing_gain",
                        u32(offsetof(tcp_bbr_info, bbr_pacing_gain)));
    values.emplace_back("bbr_cwnd_gain", u32(offsetof(tcp_bbr_info, bbr_cwnd_gain)));
  }
  if (len >= offsetof(tcp_dctcp_info, dctcp_ab_tot) + 4) {
    values.emplace_back("dctcp_enabled",
                        ReadUnsigned(data + offsetof(tcp_dctcp_info, dctcp_enabled), 2));
    values.emplace_back("dctcp_ce_state",
                        ReadUnsigned(data + offsetof(tcp_dctcp_info, dctcp_ce_state), 2));
    values.emplace_back("dctcp_alpha", u32(offsetof(tcp_dctcp_info, dctcp_alpha)));
    values.emplace_back("dctcp_ab_ecn", u32(offsetof(tcp_dctcp_info, dctcp_ab_ecn)));
    values.emplace_back("dctcp_ab_tot", u32(offsetof(tcp_dctcp_info, dctcp_ab_tot)));
  }
  if (len >= offsetof(tcpvegas_info, tcpv_minrtt) + 4) {
    values.emplace_back("tcpv_enabled", u32(offsetof(tcpvegas_info, tcpv_enabled)));
    values.emplace_back("tcpv_rttcnt", u32(offsetof(tcpvegas_info, tcpv_rttcnt)));
    // packetdrill's names for these two drop the "v".
    values.emplace_back("tcp_rtt", u32(offsetof(tcpvegas_info, tcpv_rtt)));
    values.emplace_back("tcp_minrtt", u32(offsetof(tcpvegas_info, tcpv_minrtt)));
  }
  return values;
}

NamedValues MeminfoValues(const uint8_t* data, size_t len) {
  static constexpr std::pair<const char*, int> kNames[] = {
      {"SK_MEMINFO_RMEM_ALLOC", SK_MEMINFO_RMEM_ALLOC},
      {"SK_MEMINFO_RCVBUF", SK_MEMINFO_RCVBUF},
      {"SK_MEMINFO_WMEM_ALLOC", SK_MEMINFO_WMEM_ALLOC},
      {"SK_MEMINFO_SNDBUF", SK_MEMINFO_SNDBUF},
      {"SK_MEMINFO_FWD_ALLOC", SK_MEMINFO_FWD_ALLOC},
      {"SK_MEMINFO_WMEM_QUEUED", SK_MEMINFO_WMEM_QUEUED},
      {"SK_MEMINFO_OPTMEM", SK_MEMINFO_OPTMEM},
      {"SK_MEMINFO_BACKLOG", SK_MEMINFO_BACKLOG},
      {"SK_MEMINFO_DROPS", SK_MEMINFO_DROPS},
  };
  NamedValues values;
  if (len < sizeof(uint32_t) * SK_MEMINFO_VARS) return values;
  for (const auto& [name, index] : kNames) {
    values.emplace_back(name, ReadUnsigned(data + 4 * index, 4));
  }
  return values;
}

NamedValues SnapshotSocketValues(Syscalls& syscalls, int live_fd) {
  NamedValues values;
  auto read = [&](int level, int name, NamedValues (*decode)(const uint8_t*, size_t)) {
    uint8_t buffer[512] = {};
    socklen_t len = sizeof buffer;
    if (syscalls.Getsockopt(live_fd, level, name, buffer, &len).ret != 0) return;
    for (auto& value : decode(buffer, len)) values.push_back(std::move(value));
  };
  read(IPPROTO_TCP, TCP_INFO, TcpInfoValues);
  read(IPPROTO_TCP, TCP_CC_INFO, CcInfoValues);
  read(SOL_SOCKET, SO_MEMINFO, MeminfoValues);
  return values;
}

}  // namespace synack::interpreter
