// The congestion-control seam in the shape of Linux's struct
// tcp_congestion_ops: one CongestionOps per algorithm (congestion_reno.cc,
// congestion_cubic.cc), chosen per socket from
// net.ipv4.tcp_congestion_control or TCP_CONGESTION, plus the helpers that
// the kernel's algorithms share (tcp_slow_start, tcp_cong_avoid_ai,
// tcp_is_cwnd_limited). A new algorithm is one more file and one more
// entry in FindCongestionOps().
#pragma once

#include <cstdint>
#include <string_view>

#include "runtime/stack/tcp_time.h"

namespace synack::stack {

struct Sock;

// tcp_ca_state, with the numbers tcpi_ca_state reports.
enum class CaState : uint8_t {
  kOpen = 0,
  kDisorder = 1,
  kCwr = 2,
  kRecovery = 3,
  kLoss = 4,
};

// tcp_ca_event.
enum class CaEvent : uint8_t {
  kTxStart,        // the first transmission when nothing is in flight
  kCwndRestart,    // cwnd restarted after idle
  kCompleteCwr,    // the end of a cwnd reduction
  kLoss,           // the RTO fired
  kEcnNoCe,
  kEcnIsCe,
};

// struct ack_sample: what an ACK acknowledged, for pkts_acked.
struct AckSample {
  uint32_t pkts_acked = 0;
  int64_t rtt_us = -1;  // -1: no valid sample
  uint32_t in_flight = 0;
};

// What an algorithm sees of the stack besides the socket: the time of the
// packet being processed (tp->tcp_mstamp, in µs, and tcp_jiffies32).
struct CaClock {
  uint64_t now_us = 0;
  uint32_t jiffies = 0;
};

struct CongestionOps {
  const char* name;
  // init: the connection starts (tcp_init_congestion_control).
  void (*init)(Sock* sk, const CaClock& clock);
  // ssthresh: the slow-start threshold after a loss (required).
  uint32_t (*ssthresh)(Sock* sk);
  // cong_avoid: grow cwnd for `acked` newly delivered segments (required).
  void (*cong_avoid)(Sock* sk, const CaClock& clock, uint32_t ack, uint32_t acked);
  // set_state: the socket's ca_state is about to change to `state`.
  void (*set_state)(Sock* sk, const CaClock& clock, CaState state);
  // cwnd_event: an event the algorithm may want to know about.
  void (*cwnd_event)(Sock* sk, const CaClock& clock, CaEvent event);
  // pkts_acked: a hook for packet acknowledgement accounting and RTT.
  void (*pkts_acked)(Sock* sk, const CaClock& clock, const AckSample& sample);
  // undo_cwnd: the cwnd to restore after a false loss (required).
  uint32_t (*undo_cwnd)(Sock* sk);
};

extern const CongestionOps kRenoOps;
extern const CongestionOps kCubicOps;

// The algorithm of that name, or nullptr. bbr is answered with cubic's
// window arithmetic (the stack models bbr's pacing only).
const CongestionOps* FindCongestionOps(std::string_view name);

// Helpers the algorithms share (tcp_cong.c).
bool IsCwndLimited(const Sock* sk);                 // tcp_is_cwnd_limited()
bool InSlowStart(const Sock* sk);                   // tcp_in_slow_start()
uint32_t SlowStart(Sock* sk, uint32_t acked);       // tcp_slow_start()
void CongAvoidAi(Sock* sk, uint32_t w, uint32_t acked);  // tcp_cong_avoid_ai()
uint32_t RenoSsthresh(Sock* sk);                    // tcp_reno_ssthresh()
uint32_t RenoUndoCwnd(Sock* sk);                    // tcp_reno_undo_cwnd()

}  // namespace synack::stack
