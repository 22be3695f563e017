// SO_TIMESTAMPING send time stamps as Linux 6.18 makes them for TCP: a
// write's last byte (tcp_tx_timestamp() on the unsent tail skb) is stamped
// when it is handed to the device (SCM_TSTAMP_SCHED, then SCM_TSTAMP_SND
// from the tun driver, both at the moment it leaves) and when it is
// acknowledged (SCM_TSTAMP_ACK, tcp_ack_tstamp()); each stamp is an skb on
// the error queue.
#pragma once

#include <cstdint>
#include <deque>

#include "runtime/stack/tcp_time.h"

namespace synack::stack {

struct Sock;

// A byte waiting for its stamps.
struct TxTimestampKey {
  uint32_t seq = 0;  // the stamped byte (shinfo->tskey)
  bool sched = false, snd = false, ack = false;
};

struct TimestampingState {
  uint32_t flags = 0;  // sk_tsflags
  uint32_t key = 0;    // sk_tskey: OPT_ID counts from here
  std::deque<TxTimestampKey> pending;  // in sequence order
};

// sock_set_timestamping(): 0, or the errno.
int SetTimestamping(Sock& sk, uint32_t flags);
// tcp_tx_timestamp() at the end of a write that queued data.
void TxTimestampWrite(Sock& sk);
// Data [seq, end) left for the first time at `now`, `bytes` on the wire.
void TxTimestampSent(Sock& sk, uint32_t seq, uint32_t end, uint32_t bytes,
                     Instant now);
// snd_una moved: stamped bytes now covered get SCM_TSTAMP_ACK.
void TxTimestampAcked(Sock& sk, Instant now);

}  // namespace synack::stack
