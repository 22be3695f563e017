// TCP urgent data as Linux 6.18 receives it (tcp_urg(), tcp_check_urg()):
// RFC 9293 §3.8.5's urgent pointer marks one byte, which with SO_OOBINLINE
// off (the stack's only mode) is taken out of the stream: recvmsg() stops
// before it and skips it, and tcp_read_sock() (splice) stops at it. SIGURG,
// MSG_OOB, SIOCATMARK and SO_OOBINLINE are not modelled.
#include "runtime/stack/stack.h"

namespace synack::stack {

void Stack::CheckUrg(Sock* sk, const Segment& seg) {
  // tcp_check_urg(): the pointer names the byte before it (RFC 793's
  // reading, tcp_stdurg's default 0; the sysctl is not modelled).
  uint32_t ptr = seg.th->urgent;
  if (ptr != 0) --ptr;
  ptr += seg.seq;
  const uint32_t copied_seq = sk->rcv_nxt - static_cast<uint32_t>(sk->recv_buf.size());
  // Urgent data already read past, or a pointer into data already
  // received (not replayed), or no newer than the one we have: ignored.
  if (SeqAfter(copied_seq, ptr)) return;
  if (SeqBefore(ptr, sk->rcv_nxt)) return;
  if (sk->urg_seq && !SeqAfter(ptr, *sk->urg_seq)) return;
  // A new mark while the reader sits on an old one: the old urgent byte
  // leaves the stream now, as recvmsg() would have skipped it.
  if (sk->urg_seq && *sk->urg_seq == copied_seq && copied_seq != sk->rcv_nxt) {
    sk->ConsumeRecv(1);
  }
  sk->urg_seq = ptr;  // TCP_URG_NOTYET
  sk->urg_byte.reset();
}

void Stack::Urg(Sock* sk, const Segment& seg) {
  // tcp_urg(): a new pointer, then whether this segment holds the byte.
  if (seg.th->flags & wire::tcp_flag::kUrg) CheckUrg(sk, seg);
  if (sk->urg_seq && !sk->urg_byte) {
    const uint32_t offset = *sk->urg_seq - seg.seq - (seg.syn() ? 1 : 0);
    if (offset < seg.len) {
      sk->urg_byte = seg.packet->payload[offset];  // TCP_URG_VALID
      ++sk->wakeups;  // sk_data_ready()
    }
  }
}

size_t Stack::UrgentLimit(Sock* sk, size_t n) {
  // tcp_recvmsg_locked() / tcp_read_sock(): at most up to the urgent byte.
  if (!sk->urg_seq) return n;
  const uint32_t copied_seq = sk->rcv_nxt - static_cast<uint32_t>(sk->recv_buf.size());
  const uint32_t offset = *sk->urg_seq - copied_seq;
  return offset < n ? offset : n;
}

}  // namespace synack::stack
