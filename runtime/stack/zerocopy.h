// MSG_ZEROCOPY (Linux 6.18's msg_zerocopy_realloc(), skb_zerocopy_iter_stream()
// and __msg_zerocopy_callback()): each zero-copy send takes an id from the
// socket's counter, its pages go into skbs as fragments (at most
// MAX_SKB_FRAGS an skb), and once every skb holding them is acknowledged a
// completion for the id goes on the error queue. A tun device copies the
// pages on transmit, so completions carry SO_EE_CODE_ZEROCOPY_COPIED.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <vector>

namespace synack::stack {

struct Sock;

inline constexpr uint32_t kMaxSkbFrags = 17;  // MAX_SKB_FRAGS
inline constexpr size_t kPageSize = 4096;

// The ids of one ubuf_info: [id, id + len), whose data ends at end_seq.
struct ZerocopyRange {
  uint32_t id = 0, len = 0;
  uint32_t end_seq = 0;
  uint64_t bytelen = 0;
};

struct ZerocopyState {
  bool enabled = false;  // SO_ZEROCOPY (SOCK_ZEROCOPY)
  uint32_t key = 0;      // sk_zckey: the next id
  std::deque<ZerocopyRange> pending;  // not yet completed, oldest first
};

// tcp_sendmsg_locked()'s MSG_ZEROCOPY set-up for a write of `size` bytes
// that the socket takes (it is open for sending): a new id, or one more id
// on the range of the unsent tail skb (msg_zerocopy_realloc()). A blocking
// write that goes on after waiting for memory keeps its id (`continuing`).
void ZerocopyBegin(Sock& sk, size_t size, bool continuing);
// After queueing: the range ends at write_seq, or, when nothing was taken,
// the id is given back (net_zcopy_put_abort()).
void ZerocopyEnd(Sock& sk, size_t copied);
// The ranges whose data snd_una now covers complete, in order.
void ZerocopyAcked(Sock& sk);

// The lengths of what is left of iovecs `iov_lengths` once their first
// `taken` bytes are gone.
std::vector<size_t> IovLengthsAfter(std::span<const size_t> iov_lengths, size_t taken);

// How many of the `want` bytes at offset `at` of a write whose iovecs are
// `iov_lengths` fit in an skb holding `frags` page fragments: each iovec's
// pages (from a page boundary) are fragments of their own. `*frags_after`
// gets the skb's count with them.
size_t ZerocopyFit(std::span<const size_t> iov_lengths, size_t at, size_t want,
                   uint32_t frags, uint32_t* frags_after);

}  // namespace synack::stack
