// The sysctls the own stack reads, under Linux's names, with the defaults of
// a fresh network namespace on Linux 6.18 and the kernel's validation rules.
#pragma once

#include <array>
#include <climits>
#include <map>
#include <string>
#include <vector>

namespace synack::stack {

// Defaults measured on this machine's kernel (6.18.44, CONFIG_HZ=250) with
// `unshare -n sh -c 'cat /proc/sys/net/...'`, i.e. what a new namespace gets.
// The stack reads every field here; a field's comment says where when it is
// not obvious from the name.
struct Sysctls {
  // net.ipv4.*
  int tcp_syn_retries = 6;             // 1..127
  int tcp_synack_retries = 5;          // u8
  int tcp_syn_linear_timeouts = 4;     // 0..127
  int tcp_max_syn_backlog = 2048;      // measured 2048 (max(128, ehash/128))
  int tcp_abort_on_overflow = 0;       // u8
  int tcp_syncookies = 1;              // u8: 0 off, 1 on overflow, 2 always
  int tcp_fin_timeout = 60;            // seconds, any int
  int tcp_timestamps = 1;              // u8: 1 with, 2 without random offsets
  int tcp_sack = 1;                    // u8
  int tcp_dsack = 1;                   // u8
  int tcp_window_scaling = 1;          // u8
  int tcp_ecn = 2;                     // 0..2: 1 asks for ECN, 1 and 2 accept it
  int tcp_ecn_fallback = 1;            // 0..1: a retransmitted SYN stops asking
  int tcp_retries1 = 3;                // u8
  int tcp_retries2 = 15;               // u8
  int tcp_orphan_retries = 0;          // u8; 0 means 8 while the peer answers
  int tcp_rfc1337 = 0;                 // u8: 0 lets a RST kill TIME_WAIT
  int tcp_max_tw_buckets = 131072;     // timewait sockets (TIME_WAIT, FIN_WAIT_2)
  int tcp_rto_min_us = 200000;         // 1..INT_MAX
  int tcp_rto_max_ms = 120000;         // 1000..120000
  int tcp_challenge_ack_limit = INT_MAX;
  int tcp_invalid_ratelimit = 500;     // ms between out-of-window ACKs
  int tcp_pingpong_thresh = 1;         // u8, >= 1
  int tcp_comp_sack_nr = 44;           // u8
  int tcp_early_retrans = 3;           // 0..4; 3 and 4 enable loss probes
  int tcp_comp_sack_delay_ns = 1000000;
  int tcp_workaround_signed_windows = 0;
  int tcp_min_snd_mss = 48;
  int tcp_tw_reuse = 2;                // 0..2; 2: loopback only
  int tcp_tw_reuse_delay = 1000;       // ms, 1..60000
  // TSO packet sizing (tcp_tso_autosize): pacing rate from cwnd and srtt
  // at these percentages, at least this many segments.
  int tcp_min_tso_segs = 2;            // 1..255
  int tcp_pacing_ss_ratio = 200;       // 0..1000
  int tcp_pacing_ca_ratio = 120;       // 0..1000
  int tcp_tso_win_divisor = 3;         // u8
  int tcp_tso_rtt_log = 9;             // u8
  // TCP Fast Open: 1 lets clients ask for and use cookies (the server side
  // is not modelled yet); the key is kept as written.
  int tcp_fastopen = 1;
  std::string tcp_fastopen_key = "00000000-00000000-00000000-00000000";
  int ip_default_ttl = 64;             // 1..255
  std::array<int, 2> ip_local_port_range = {32768, 60999};
  std::array<int, 3> tcp_rmem = {4096, 131072, 33554432};
  std::array<int, 3> tcp_wmem = {4096, 16384, 4194304};
  // net.core.*
  int somaxconn = 4096;                // >= 0
  int rmem_max = 4194304;
  int wmem_max = 4194304;
  int rmem_default = 212992;
  int wmem_default = 212992;
  // Measured: a new namespace inherits the host's choice (bbr here).
  // reno and cubic are modelled (congestion.h); bbr gets cubic's windows.
  std::string tcp_congestion_control = "bbr";

  // Sysctls the stack accepts and reports but does not act on (scripts
  // set them, e.g. packetdrill's defaults.sh), by dotted name.
  std::map<std::string, std::string> unmodelled;

  // Sets `name` ("net.ipv4.tcp_sack", "net/ipv4/tcp_sack" or
  // "/proc/sys/net/ipv4/tcp_sack") from text the way a write to /proc/sys
  // would. Returns an error message ("EINVAL: ...", "ENOENT: ..."), empty on
  // success; on error nothing changes.
  std::string Set(const std::string& name, const std::string& value);
  // The text /proc/sys shows (vectors tab-separated, no newline). Returns
  // an error message, empty on success.
  std::string Get(const std::string& name, std::string* value) const;
  // Every modelled name, dotted, sorted.
  static std::vector<std::string> Names();
};

}  // namespace synack::stack
