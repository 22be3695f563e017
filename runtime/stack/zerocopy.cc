// MSG_ZEROCOPY: ids, fragments and completions.
#include "runtime/stack/zerocopy.h"

#include <algorithm>

#include "runtime/stack/sock.h"

namespace synack::stack {

void ZerocopyBegin(Sock& sk, size_t size, bool continuing) {
  ZerocopyState& zc = sk.zc;
  if (continuing && !zc.pending.empty()) return;
  // msg_zerocopy_realloc(): the unsent tail skb's range grows by one id
  // when its ids are the newest and its bytes stay within the send buffer.
  if (!zc.pending.empty() && !sk.write_queue.empty() &&
      sk.write_queue.back().zc_frags > 0) {
    ZerocopyRange& last = zc.pending.back();
    const uint64_t bytelen = last.bytelen + size;
    if (last.end_seq == sk.write_seq && last.id + last.len == zc.key &&
        last.len < 0xffff - 1 && bytelen <= static_cast<uint64_t>(sk.sndbuf)) {
      ++last.len;
      last.bytelen = bytelen;
      ++zc.key;
      return;
    }
  }
  zc.pending.push_back(ZerocopyRange{zc.key, 1, sk.write_seq, size});
  ++zc.key;
}

void ZerocopyEnd(Sock& sk, size_t copied) {
  ZerocopyState& zc = sk.zc;
  if (zc.pending.empty()) return;
  ZerocopyRange& last = zc.pending.back();
  if (copied > 0) {
    last.end_seq = sk.write_seq;
    return;
  }
  // sock_zerocopy_put_abort(): the id goes back; a range left with none
  // completes without a notification.
  --zc.key;
  if (--last.len == 0) zc.pending.pop_back();
}

void ZerocopyAcked(Sock& sk) {
  ZerocopyState& zc = sk.zc;
  while (!zc.pending.empty() && !SeqAfter(zc.pending.front().end_seq, sk.snd_una)) {
    const ZerocopyRange range = zc.pending.front();
    zc.pending.pop_front();
    // An orphan's completions are dropped (SOCK_DEAD).
    if (sk.orphan) continue;
    sk.errq.PushZerocopy(range.id, range.len, /*copied=*/true);
    ++sk.wakeups;  // sk_error_report()
  }
}

std::vector<size_t> IovLengthsAfter(std::span<const size_t> iov_lengths, size_t taken) {
  std::vector<size_t> rest;
  for (size_t len : iov_lengths) {
    if (taken >= len) {
      taken -= len;
      continue;
    }
    rest.push_back(len - taken);
    taken = 0;
  }
  return rest;
}

size_t ZerocopyFit(std::span<const size_t> iov_lengths, size_t at, size_t want,
                   uint32_t frags, uint32_t* frags_after) {
  size_t taken = 0;
  size_t start = 0;  // the current iovec's offset in the write
  for (size_t i = 0; i < iov_lengths.size() && taken < want; ++i) {
    const size_t end = start + iov_lengths[i];
    if (end <= at + taken) {
      start = end;
      continue;
    }
    // The pages of [from, to) within this iovec, counted from its start.
    const size_t from = at + taken;
    size_t to = std::min(end, at + want);
    const size_t first_page = (from - start) / kPageSize;
    size_t pages = (to - 1 - start) / kPageSize - first_page + 1;
    if (frags + pages > kMaxSkbFrags) {
      pages = kMaxSkbFrags - frags;
      if (pages == 0) break;
      to = std::min(to, start + (first_page + pages) * kPageSize);
    }
    frags += static_cast<uint32_t>(pages);
    taken += to - from;
    start = end;
    if (to < end) break;
  }
  if (frags_after != nullptr) *frags_after = frags;
  return taken;
}

}  // namespace synack::stack
