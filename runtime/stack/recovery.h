// Loss recovery's shared vocabulary: what an ACK did (Linux's FLAG_* bits
// of tcp_ack), RACK's per-connection state (RFC 8985), and what the ACK
// asks tcp_xmit_recovery to send. The algorithms: sack.cc (the
// scoreboard), rack.cc (loss detection), recovery.cc (tcp_fastretrans_alert
// and undo), prr.cc (cwnd while recovering).
#pragma once

#include <cstdint>

#include "runtime/stack/tcp_time.h"

namespace synack::stack {

// tcp_input.c's FLAG_* bits.
namespace ack_flag {
inline constexpr int kData = 0x01;              // carried data
inline constexpr int kWinUpdate = 0x02;         // updated the send window
inline constexpr int kDataAcked = 0x04;         // acknowledged new data
inline constexpr int kRetransDataAcked = 0x08;  // ... some of it retransmitted
inline constexpr int kSynAcked = 0x10;
inline constexpr int kDataSacked = 0x20;        // SACKed new data
inline constexpr int kEce = 0x40;
inline constexpr int kLostRetrans = 0x80;       // a retransmission was lost
inline constexpr int kSlowPath = 0x100;
inline constexpr int kOrigSackAcked = 0x200;    // never-retransmitted data (S)ACKed
inline constexpr int kSndUnaAdvanced = 0x400;
inline constexpr int kDsackingAck = 0x800;      // carried a D-SACK
inline constexpr int kSetXmitTimer = 0x1000;    // rearm the RTO or loss probe
inline constexpr int kAckMaybeDelayed = 0x10000;
inline constexpr int kAcked = kDataAcked | kSynAcked;
inline constexpr int kNotDup = kData | kWinUpdate | kAcked;
inline constexpr int kCaAlert = kDataSacked | kEce | kDsackingAck;
inline constexpr int kForwardProgress = kAcked | kDataSacked;
}  // namespace ack_flag

// tcp_xmit_recovery()'s instruction.
enum class Rexmit { kNone, kLost, kNew };

// tp->rack: the most recently sent segment known delivered, and the
// reordering window in steps of min_rtt / 4.
struct RackState {
  Instant mstamp;          // its (re)transmission time
  uint64_t mstamp_event = 0;  // and the stack's event then (SentSegment)
  uint32_t rtt_us = 0;     // RTT of that delivery
  uint32_t end_seq = 0;
  bool advanced = false;   // mstamp moved since the last loss scan
  uint32_t last_delivered = 0;
  uint8_t reo_wnd_steps = 1;
  uint8_t reo_wnd_persist = 0;
  bool dsack_seen = false;
};

// What SACK processing tells the rest of the ACK's handling
// (tcp_sacktag_state).
struct SackTagState {
  int flag = 0;
  uint32_t reord = 0;            // lowest never-retransmitted seq newly SACKed
  uint32_t sack_delivered = 0;   // segments newly SACKed
  uint32_t dsack_segs = 0;
};

}  // namespace synack::stack
