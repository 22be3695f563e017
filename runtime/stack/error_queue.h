// A socket's error queue (sk_error_queue): zero-copy completions and send
// time stamps waiting for recvmsg(MSG_ERRQUEUE), and the control messages
// that call returns, as ip_recv_error() and ipv6_recv_error() build them.
#pragma once

#include <sys/socket.h>
#include <time.h>  // linux/errqueue.h needs struct timespec

#include <linux/errqueue.h>

#include <cstdint>
#include <deque>
#include <optional>

#include "runtime/stack/tcp_time.h"

namespace synack::stack {

// One skb of the error queue: its sock_extended_err, the bytes it carries
// (a time-stamped packet's headers and data, none for a zero-copy
// completion or with SOF_TIMESTAMPING_OPT_TSONLY) and its software time
// stamp.
struct ErrQueueEntry {
  sock_extended_err ee{};
  uint32_t len = 0;
  std::optional<Instant> tstamp;
};

class ErrorQueue {
 public:
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  void Push(const ErrQueueEntry& entry) { entries_.push_back(entry); }
  // __msg_zerocopy_callback(): the completion of ids [lo, lo + len) joins
  // the tail's range when the tail is a zero-copy completion ending just
  // before lo (skb_zerocopy_notify_extend(), the copied flag aside), else
  // it is queued on its own.
  void PushZerocopy(uint32_t lo, uint32_t len, bool copied);
  std::optional<ErrQueueEntry> Pop();
  void Clear() { entries_.clear(); }

 private:
  std::deque<ErrQueueEntry> entries_;
};

// What recvmsg(MSG_ERRQUEUE) gets for `entry` on a socket of `domain`:
// SCM_TIMESTAMPING when the entry has a stamp and `report_software`
// (SOF_TIMESTAMPING_SOFTWARE), then IP_RECVERR (SOL_IPV6/IPV6_RECVERR on
// an AF_INET6 socket) with the error and an empty offender address.
// `realtime` turns the stack's clock into CLOCK_REALTIME. Writes into
// `control` (`*controllen` bytes of room, updated to what was written) and
// sets MSG_CTRUNC in `*flags` when a message did not fit.
void EncodeErrQueueCmsgs(const ErrQueueEntry& entry, int domain,
                         bool report_software, Duration realtime,
                         void* control, size_t* controllen, int* flags);

}  // namespace synack::stack
