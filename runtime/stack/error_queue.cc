// The error queue and the control messages recvmsg(MSG_ERRQUEUE) returns.
#include "runtime/stack/error_queue.h"

#include <sys/uio.h>

#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "runtime/stack/stack.h"

namespace synack::stack {

void ErrorQueue::PushZerocopy(uint32_t lo, uint32_t len, bool copied) {
  if (!entries_.empty()) {
    sock_extended_err& tail = entries_.back().ee;
    const uint64_t sum = uint64_t{tail.ee_data} - tail.ee_info + 1 + len;
    if (tail.ee_origin == SO_EE_ORIGIN_ZEROCOPY && sum < (uint64_t{1} << 32) &&
        lo == tail.ee_data + 1) {
      tail.ee_data += len;
      return;
    }
  }
  ErrQueueEntry entry;
  entry.ee.ee_errno = 0;
  entry.ee.ee_origin = SO_EE_ORIGIN_ZEROCOPY;
  entry.ee.ee_info = lo;
  entry.ee.ee_data = lo + len - 1;
  if (copied) entry.ee.ee_code = SO_EE_CODE_ZEROCOPY_COPIED;
  entries_.push_back(entry);
}

std::optional<ErrQueueEntry> ErrorQueue::Pop() {
  if (entries_.empty()) return std::nullopt;
  ErrQueueEntry entry = entries_.front();
  entries_.pop_front();
  return entry;
}

namespace {

// put_cmsg(): a message that does not fit is cut off with MSG_CTRUNC.
void PutCmsg(int level, int type, const void* data, size_t len, uint8_t* control,
             size_t room, size_t* used, int* flags) {
  if (room - *used < CMSG_SPACE(len)) {
    *flags |= MSG_CTRUNC;
    return;
  }
  cmsghdr header{};
  header.cmsg_len = CMSG_LEN(len);
  header.cmsg_level = level;
  header.cmsg_type = type;
  uint8_t* at = control + *used;
  std::memset(at, 0, CMSG_SPACE(len));
  std::memcpy(at, &header, sizeof header);
  std::memcpy(at + CMSG_LEN(0), data, len);
  *used += CMSG_SPACE(len);
}

}  // namespace

void EncodeErrQueueCmsgs(const ErrQueueEntry& entry, int domain,
                         bool report_software, Duration realtime,
                         void* control, size_t* controllen, int* flags) {
  auto* out = static_cast<uint8_t*>(control);
  const size_t room = control == nullptr ? 0 : *controllen;
  size_t used = 0;
  // sock_recv_timestamp() in ip_recv_error(): struct scm_timestamping,
  // the software stamp first, the hardware ones zero on a tun device.
  if (entry.tstamp && report_software) {
    timespec ts[3] = {};
    const int64_t ns = (entry.tstamp->since_epoch + realtime).count();
    ts[0].tv_sec = ns / 1000000000;
    ts[0].tv_nsec = ns % 1000000000;
    PutCmsg(SOL_SOCKET, SO_TIMESTAMPING, ts, sizeof ts, out, room, &used, flags);
  }
  // The error with its offender: AF_UNSPEC and zero for a local origin
  // (ipv4_datagram_support_cmsg() is false without OPT_CMSG).
  if (domain == AF_INET6) {
    struct {
      sock_extended_err ee;
      sockaddr_in6 offender;
    } errhdr{};
    errhdr.ee = entry.ee;
    PutCmsg(SOL_IPV6, IPV6_RECVERR, &errhdr, sizeof errhdr, out, room, &used, flags);
  } else {
    struct {
      sock_extended_err ee;
      sockaddr_in offender;
    } errhdr{};
    errhdr.ee = entry.ee;
    PutCmsg(SOL_IP, IP_RECVERR, &errhdr, sizeof errhdr, out, room, &used, flags);
  }
  *controllen = used;
}

CallResult Stack::RecvError(Instant now, int fd, msghdr* msg) {
  AdvanceTo(now);
  CallResult error;
  Sock* sk = SockForFd(fd, &error);
  if (sk == nullptr) return error;
  // ip_recv_error() never waits: nothing queued is EAGAIN.
  std::optional<ErrQueueEntry> entry = sk->errq.Pop();
  if (!entry) return CallResult::Error(EAGAIN);
  // sock_dequeue_err_skb(): more left wakes the socket's waiters again.
  if (!sk->errq.empty()) ++sk->wakeups;
  size_t room = 0;
  for (size_t i = 0; i < msg->msg_iovlen; ++i) room += msg->msg_iov[i].iov_len;
  // The stamped packet's bytes are not kept: a reader with room for them
  // gets zeros.
  const size_t copied = std::min<size_t>(entry->len, room);
  size_t left = copied;
  for (size_t i = 0; i < msg->msg_iovlen && left > 0; ++i) {
    const size_t n = std::min(left, msg->msg_iov[i].iov_len);
    if (msg->msg_iov[i].iov_base != nullptr) std::memset(msg->msg_iov[i].iov_base, 0, n);
    left -= n;
  }
  msg->msg_namelen = 0;
  msg->msg_flags = entry->len > room ? MSG_TRUNC : 0;
  size_t controllen = msg->msg_controllen;
  EncodeErrQueueCmsgs(*entry, sk->domain, sk->ts.flags & SOF_TIMESTAMPING_SOFTWARE,
                      RealtimeOffset(), msg->msg_control, &controllen, &msg->msg_flags);
  msg->msg_controllen = controllen;
  msg->msg_flags |= MSG_ERRQUEUE;
  return CallResult::Ok(static_cast<int64_t>(copied));
}

}  // namespace synack::stack
