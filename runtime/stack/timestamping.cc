// SO_TIMESTAMPING: the flags, the OPT_ID key and the send stamps.
#include "runtime/stack/timestamping.h"

#include <linux/errqueue.h>
#include <linux/net_tstamp.h>

#include <cerrno>

#include "runtime/stack/sock.h"

namespace synack::stack {

namespace {

// Linux 6.18's flags past the ones this system's header knows.
constexpr uint32_t kOptIdTcp = 1u << 16;        // kOptIdTcp
constexpr uint32_t kFlagsMask = (1u << 19) - 1;  // up to TX_COMPLETION

// An IPv4 and TCP header with timestamps, as the looped-back packet of a
// stamp carries them before its data (its size only matters: recvmsg()
// sees a truncated message).
constexpr uint32_t kHeaderBytes = 52;

void QueueStamp(Sock& sk, const TxTimestampKey& key, uint32_t info,
                uint32_t bytes, Instant now) {
  if (sk.orphan) return;
  ErrQueueEntry entry;
  entry.ee.ee_errno = ENOMSG;
  entry.ee.ee_origin = SO_EE_ORIGIN_TIMESTAMPING;
  entry.ee.ee_info = info;
  // __skb_complete_tx_timestamp(): with OPT_ID the key, relative to
  // sk_tskey for TCP.
  if (sk.ts.flags & SOF_TIMESTAMPING_OPT_ID) entry.ee.ee_data = key.seq - sk.ts.key;
  // OPT_TSONLY: the stamp without the packet.
  entry.len = (sk.ts.flags & SOF_TIMESTAMPING_OPT_TSONLY) ? 0 : bytes;
  entry.tstamp = now;
  sk.errq.Push(entry);
  ++sk.wakeups;  // sk_error_report()
}

}  // namespace

int SetTimestamping(Sock& sk, uint32_t flags) {
  if (flags & ~kFlagsMask) return EINVAL;
  if ((flags & kOptIdTcp) && !(flags & SOF_TIMESTAMPING_OPT_ID)) {
    return EINVAL;
  }
  // OPT_ID counts from snd_una (write_seq with OPT_ID_TCP), so a TCP
  // socket must be connected or connecting to turn it on.
  if ((flags & SOF_TIMESTAMPING_OPT_ID) && !(sk.ts.flags & SOF_TIMESTAMPING_OPT_ID)) {
    if (sk.state == TcpState::kClose || sk.state == TcpState::kListen) return EINVAL;
    sk.ts.key = (flags & kOptIdTcp) ? sk.write_seq : sk.snd_una;
  }
  sk.ts.flags = flags;
  return 0;
}

void TxTimestampWrite(Sock& sk) {
  constexpr uint32_t kTx = SOF_TIMESTAMPING_TX_SCHED | SOF_TIMESTAMPING_TX_SOFTWARE |
                           SOF_TIMESTAMPING_TX_ACK;
  // tcp_write_queue_tail(): only a write whose tail is still unsent.
  if (!(sk.ts.flags & kTx) || sk.write_queue.empty()) return;
  const QueuedSkb& tail = sk.write_queue.back();
  if (tail.len() == 0) return;
  TxTimestampKey key;
  key.seq = tail.end - 1;
  key.sched = sk.ts.flags & SOF_TIMESTAMPING_TX_SCHED;
  key.snd = sk.ts.flags & SOF_TIMESTAMPING_TX_SOFTWARE;
  key.ack = sk.ts.flags & SOF_TIMESTAMPING_TX_ACK;
  // The tail skb carries one key: a later write on it moves it on.
  if (!sk.ts.pending.empty() && SeqAfter(sk.ts.pending.back().seq, tail.seq) &&
      !SeqAfter(sk.ts.pending.back().seq, tail.end)) {
    sk.ts.pending.back() = key;
    return;
  }
  sk.ts.pending.push_back(key);
}

void TxTimestampSent(Sock& sk, uint32_t seq, uint32_t end, uint32_t bytes,
                     Instant now) {
  for (TxTimestampKey& key : sk.ts.pending) {
    if (!SeqBetween(key.seq, seq, end - 1) || end == seq) continue;
    // __dev_queue_xmit() stamps SCHED, the tun driver SND.
    if (key.sched) QueueStamp(sk, key, SCM_TSTAMP_SCHED, bytes + kHeaderBytes, now);
    if (key.snd) QueueStamp(sk, key, SCM_TSTAMP_SND, bytes + kHeaderBytes, now);
    key.sched = key.snd = false;
  }
}

void TxTimestampAcked(Sock& sk, Instant now) {
  while (!sk.ts.pending.empty() && SeqBefore(sk.ts.pending.front().seq, sk.snd_una)) {
    const TxTimestampKey key = sk.ts.pending.front();
    sk.ts.pending.pop_front();
    if (key.ack) QueueStamp(sk, key, SCM_TSTAMP_ACK, 1, now);
  }
}

}  // namespace synack::stack
