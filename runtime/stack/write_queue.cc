// The write queue: how written data becomes skbs (tcp_sendmsg), how skbs
// become TSO packets (tcp_write_xmit with its Nagle, cork, cwnd, window and
// deferral tests and TSO autosizing from the pacing rate), the push and
// probe paths, and the send buffer's memory; after Linux 6.18.
#include <algorithm>

#include "runtime/stack/notsent_lowat.h"
#include "runtime/stack/stack.h"

namespace synack::stack {

namespace flag = wire::tcp_flag;

namespace {

// Linux's sk_gso_max_size for a device of 64 KB GSO: less MAX_TCP_HEADER
// (320) and one.
constexpr uint32_t kGsoMaxSize = 65536 - 321;
constexpr uint32_t kGsoMaxSegs = 65535;

// Segments of `mss` in `len` bytes (tcp_set_skb_tso_segs): one for a
// segment that fits, a FIN alone included.
uint32_t SkbPcount(uint32_t len, uint32_t mss) {
  if (len <= mss || mss == 0) return 1;
  return (len + mss - 1) / mss;
}


}  // namespace

// --- Sizes ----------------------------------------------------------------------

uint32_t Stack::CurrentMss(const Sock* sk) const {
  // tcp_current_mss(): SACK blocks waiting to go out on every segment
  // take their room from it.
  uint32_t mss = sk->mss_cache;
  if (sk->sack_ok) {
    const size_t blocks = sk->selective_acks.size() + (sk->dsack ? 1 : 0);
    if (blocks > 0) {
      const size_t room = (40 - (sk->tstamp_ok ? 12 : 0) - 4) / 8;
      mss -= static_cast<uint32_t>(4 + 8 * std::min(blocks, room));
    }
  }
  return mss;
}

uint32_t Stack::XmitSizeGoal(const Sock* sk, uint32_t mss) const {
  // tcp_xmit_size_goal(): skbs of whole segments up to the GSO limit, no
  // bigger than half the largest window the peer offered
  // (tcp_bound_to_half_wnd).
  uint32_t goal = kGsoMaxSize;
  const uint32_t cutoff = sk->max_window > 536 ? sk->max_window / 2 : sk->max_window;
  if (cutoff != 0 && goal > cutoff) goal = std::max<uint32_t>(cutoff, 68 - 20);
  const uint32_t segs = std::min(goal / mss, kGsoMaxSegs);
  return std::max(segs * mss, mss);
}

uint32_t Stack::TsoSegs(const Sock* sk, uint32_t mss) const {
  // tcp_tso_segs() and tcp_tso_autosize(): a millisecond's worth at the
  // pacing rate, more for a close peer (min RTT below a few ms), at least
  // tcp_min_tso_segs (bbr: 1 below 150 kB/s, else 2).
  uint32_t min_tso = static_cast<uint32_t>(sysctls_.tcp_min_tso_segs);
  if (sk->bbr) min_tso = sk->pacing_rate < 1200000 / 8 ? 1 : 2;
  uint64_t bytes = sk->pacing_rate >> 10;
  const uint32_t min_rtt = sk->min_rtt_us.value_or(0xffffffffu);
  const uint32_t r = min_rtt >> sysctls_.tcp_tso_rtt_log;
  if (r < 32) bytes += kGsoMaxSize >> r;
  bytes = std::min<uint64_t>(bytes, kGsoMaxSize);
  const uint32_t segs = std::max(static_cast<uint32_t>(bytes / mss), min_tso);
  return std::min(segs, kGsoMaxSegs);
}

void Stack::UpdatePacingRate(Sock* sk) {
  if (sk->bbr) {
    // bbr_init_pacing_rate_from_rtt(): cwnd per RTT (1 ms before a
    // sample) at the startup gain of 2.885, less a 1% margin. bbr raises
    // it from its bandwidth samples; the stack keeps this estimate, which
    // only grows.
    const uint64_t rtt_us = sk->srtt_us != 0 ? std::max<uint32_t>(sk->srtt_us >> 3, 1) : 1000;
    const uint64_t rate = uint64_t{sk->cwnd} * sk->mss_cache * 1000000 * 2885 / 1000 *
                          99 / 100 / rtt_us;
    if (sk->pacing_rate == UINT64_MAX || rate > sk->pacing_rate) sk->pacing_rate = rate;
    return;
  }
  // tcp_update_pacing_rate(): 200% of cwnd * mss / srtt in slow start
  // (tcp_pacing_ss_ratio), 120% after (tcp_pacing_ca_ratio).
  uint64_t rate = uint64_t{sk->mss_cache} * ((1000000 / 100) << 3);
  rate *= sk->cwnd < sk->ssthresh / 2 ? sysctls_.tcp_pacing_ss_ratio
                                      : sysctls_.tcp_pacing_ca_ratio;
  rate *= std::max(sk->cwnd, sk->packets_out());
  if (sk->srtt_us != 0) rate /= sk->srtt_us;
  sk->pacing_rate = rate;
}

int Stack::Nonagle(const Sock* sk) const {
  return (sk->nodelay ? kNagleOff : 0) | (sk->cork ? kNagleCork : 0) |
         (sk->nagle_push ? kNaglePush : 0);
}

uint32_t Stack::InFlight(const Sock* sk) const {
  // tcp_packets_in_flight(): packets_out - (sacked_out + lost_out) +
  // retrans_out: what is SACKed or lost is not in flight, unless sent again.
  const uint32_t left = sk->sacked_out() + sk->lost_out();
  const uint32_t out = sk->packets_out();
  return (out > left ? out - left : 0) + sk->retrans_out();
}

// --- Memory -----------------------------------------------------------------------

bool Stack::StreamMemoryFree(const Sock* sk) const {
  // sk_stream_memory_free(): room for another skb, and unsent data
  // below TCP_NOTSENT_LOWAT.
  return sk->wmem_queued < sk->sndbuf && NotsentBelowLowat(*sk, sysctls_, 0);
}

bool Stack::StreamWriteable(const Sock* sk) const {
  // __sk_stream_is_writeable(): free space at least half of what is
  // queued, which is when a sleeping writer is woken.
  return sk->sndbuf - sk->wmem_queued >= sk->wmem_queued / 2 &&
         NotsentBelowLowat(*sk, sysctls_, 1);
}

// --- From write() to skbs ------------------------------------------------------------

bool Stack::ForcedPush(const Sock* sk) const {
  return SeqAfter(sk->write_seq, sk->pushed_seq + (sk->max_window >> 1));
}

void Stack::MarkPush(Sock* sk, QueuedSkb* skb) {
  skb->push = true;
  sk->pushed_seq = sk->write_seq;
}

size_t Stack::QueueData(Sock* sk, std::span<const uint8_t> data, int flags,
                        bool continuing, std::span<const size_t> zc_iov) {
  // tcp_sendmsg_locked(): data goes onto the tail skb until it holds
  // size_goal bytes; a new skb needs room in the send buffer (an existing
  // one may grow past it). A full skb is pushed out when enough has gone
  // unpushed (forced_push), or sent at once when it is the first unsent.
  CurrentMssSync(sk);  // tcp_send_mss()
  const uint32_t mss = CurrentMss(sk);
  const uint32_t size_goal = XmitSizeGoal(sk, mss);
  size_t copied = 0;
  while (copied < data.size()) {
    QueuedSkb* skb = sk->write_queue.empty() ? nullptr : &sk->write_queue.back();
    int64_t copy = 0;
    if (skb != nullptr && !skb->eor && !skb->fin) {
      copy = int64_t{size_goal} - skb->len();
    }
    // skb_zerocopy_iter_stream(): an skb whose fragments are all taken is
    // pushed (tcp_mark_push()) and a new one begun.
    if (!zc_iov.empty() && copy > 0 &&
        ZerocopyFit(zc_iov, copied, static_cast<size_t>(copy), skb->zc_frags, nullptr) == 0) {
      MarkPush(sk, skb);
      copy = 0;
    }
    if (copy <= 0) {
      if (!StreamMemoryFree(sk)) break;
      // tcp_skb_entail(): a new skb; TCP_NAGLE_PUSH has done its job.
      SlowStartAfterIdleCheck(sk);
      // tcp_add_write_queue_tail(): the first unsent skb starts the busy time.
      if (sk->write_queue.empty()) ChronoStart(sk, Chrono::kBusy);
      sk->write_queue.push_back(QueuedSkb{sk->write_seq, sk->write_seq});
      sk->wmem_queued += kSkbTruesize;
      sk->nagle_push = false;
      skb = &sk->write_queue.back();
      copy = size_goal;
    }
    copy = std::min<int64_t>(copy, static_cast<int64_t>(data.size() - copied));
    if (!zc_iov.empty()) {
      copy = static_cast<int64_t>(ZerocopyFit(zc_iov, copied, static_cast<size_t>(copy),
                                              skb->zc_frags, &skb->zc_frags));
    }
    // The first bytes of a write take back the tail's PSH: it now ends
    // further on.
    if (copied == 0 && !continuing) skb->push = false;
    const auto* begin = data.data() + copied;
    sk->send_buf.insert(sk->send_buf.end(), begin, begin + copy);
    skb->end += static_cast<uint32_t>(copy);
    skb->truesize += static_cast<uint32_t>(copy);
    sk->wmem_queued += copy;
    sk->write_seq += static_cast<uint32_t>(copy);
    copied += static_cast<size_t>(copy);
    if (copied == data.size()) {
      if (flags & MSG_EOR) skb->eor = true;
      break;
    }
    if (skb->len() < size_goal) continue;
    if (ForcedPush(sk)) {
      MarkPush(sk, skb);
      PushPendingFrames(sk, kNaglePush);
    } else if (sk->write_queue.size() == 1) {
      WriteXmit(sk, mss, kNaglePush, 1);  // tcp_push_one()
    }
  }
  return copied;
}

void Stack::TcpPush(Sock* sk, int flags, int nonagle) {
  // tcp_push(): PSH on the tail unless more is coming (MSG_MORE), which
  // also corks this push. (Autocorking waits for the device to send
  // earlier skbs; TUN takes them at once, so it never holds here.)
  if (sk->write_queue.empty()) return;
  if (!(flags & MSG_MORE) || ForcedPush(sk)) MarkPush(sk, &sk->write_queue.back());
  if (flags & MSG_MORE) nonagle = kNagleCork;
  PushPendingFrames(sk, nonagle);
}

// --- From skbs to packets -------------------------------------------------------------

void Stack::PushPendingFrames(Sock* sk, int nonagle) {
  // __tcp_push_pending_frames(); with data waiting and nothing in flight
  // the probe timer makes sure it leaves.
  if (sk->state == TcpState::kClose) return;
  CurrentMssSync(sk);
  if (WriteXmit(sk, CurrentMss(sk), nonagle, 0)) CheckProbeTimer(sk);
}

void Stack::CheckProbeTimer(Sock* sk) {
  // tcp_check_probe_timer(): the zero-window probe timer, at the RTO (at
  // least tcp_rto_min).
  if (sk->packets_out() != 0 || !std::holds_alternative<std::monostate>(sk->write_timer)) {
    return;
  }
  const Duration base = std::max<Duration>(
      sk->rto, std::chrono::microseconds(sysctls_.tcp_rto_min_us));
  sk->write_timer = ZeroWindowProbeTimer{now_ + RoundUpToJiffy(base)};
  ScheduleTimer(sk, TimerKind::kWrite);
}

uint32_t Stack::CwndTest(const Sock* sk, const QueuedSkb& skb, uint32_t mss) const {
  // tcp_cwnd_test(): the room in cwnd, at most half of it per burst. A
  // lone FIN gets no exception on 6.18 (measured: shutdown() with 10
  // segments in flight and cwnd 10 sends the FIN only with the next ACK;
  // shutdown-rdwr-write-queue-close.pkt fails on the kernel for it).
  (void)skb;
  (void)mss;
  const uint32_t in_flight = InFlight(sk);
  if (in_flight >= sk->cwnd) return 0;
  const uint32_t half = std::max<uint32_t>(sk->cwnd >> 1, 1);
  return std::min(half, sk->cwnd - in_flight);
}

bool Stack::SndWndTest(const Sock* sk, const QueuedSkb& skb, uint32_t mss) const {
  // tcp_snd_wnd_test(): the first segment must fit in the peer's window.
  uint32_t end = skb.end + (skb.fin ? 1 : 0);
  if (skb.len() > mss) end = skb.seq + mss;
  return !SeqAfter(end, sk->snd_una + sk->snd_wnd);
}

bool Stack::NagleCheck(bool partial, const Sock* sk, int nonagle) const {
  // tcp_nagle_check(): a short segment waits while corked, or while an
  // earlier short segment is unacknowledged (Minshall's variant).
  const bool minshall = SeqAfter(sk->snd_sml, sk->snd_una) &&
                        !SeqAfter(sk->snd_sml, sk->snd_nxt);
  return partial && ((nonagle & kNagleCork) ||
                     (nonagle == 0 && sk->packets_out() > 0 && minshall));
}

bool Stack::NagleTest(const Sock* sk, const QueuedSkb& skb, uint32_t mss,
                      int nonagle) const {
  if (nonagle & kNaglePush) return true;
  if (skb.fin) return true;
  return !NagleCheck(skb.len() < mss, sk, nonagle);
}

uint32_t Stack::MssSplitPoint(const Sock* sk, const QueuedSkb& skb, uint32_t mss,
                              uint32_t max_segs, int nonagle) const {
  // tcp_mss_split_point(): as many whole segments as cwnd and the window
  // allow; the short last one of the tail only past Nagle.
  const uint32_t window = sk->snd_una + sk->snd_wnd - skb.seq;
  const uint32_t max_len = mss * max_segs;
  const bool tail = &skb == &sk->write_queue.back();
  if (max_len <= window && !tail) return max_len;
  const uint32_t needed = std::min(skb.len(), window);
  if (max_len <= needed) return max_len;
  const uint32_t partial = needed % mss;
  if (NagleCheck(partial != 0, sk, nonagle)) return needed - partial;
  return needed;
}

bool Stack::TsoShouldDefer(const Sock* sk, const QueuedSkb& skb, uint32_t max_segs,
                           bool* is_cwnd_limited, bool* is_rwnd_limited) const {
  // tcp_tso_should_defer(): right after the last send, hold a TSO
  // skb that cannot go out at full size, hoping for more data or an ACK.
  if (sk->ca_state >= CaState::kRecovery) return false;
  // Only right after a transmission (within 1 ms of tcp_wstamp_ns): a
  // deferral never makes a burst later.
  // (A tie, which only virtual time makes, counts as past: on the kernel
  // a script's packet 1 ms after a write arrives a little later.)
  if (now_ - sk->wstamp >= 1ms) return false;
  const uint32_t in_flight = InFlight(sk);
  const uint32_t send_win = sk->snd_una + sk->snd_wnd - skb.seq;
  const uint32_t cong_win = (sk->cwnd - in_flight) * sk->mss_cache;
  const uint32_t limit = std::min(send_win, cong_win);
  if (limit >= max_segs * sk->mss_cache) return false;
  const bool tail = &skb == &sk->write_queue.back();
  if (!tail && limit >= skb.len()) return false;
  if (sysctls_.tcp_tso_win_divisor != 0) {
    const uint32_t chunk = std::min(sk->snd_wnd, sk->cwnd * sk->mss_cache) /
                           static_cast<uint32_t>(sysctls_.tcp_tso_win_divisor);
    if (limit >= chunk) return false;
  } else if (limit > 3 * sk->mss_cache) {
    return false;
  }
  if (sk->rtx_queue.empty()) return false;
  // The next ACK would come too late: less than half an RTT since the
  // oldest segment in flight left.
  const Duration since = now_ - sk->rtx_queue.front().last_sent;
  if (since < std::chrono::microseconds(sk->srtt_us >> 4)) return false;
  if (cong_win < send_win) {
    if (cong_win <= skb.len()) {
      *is_cwnd_limited = true;
      return true;
    }
  } else if (send_win <= skb.len()) {
    *is_rwnd_limited = true;
    return true;
  }
  if (skb.fin || skb.eor) return false;
  return true;
}

void Stack::FragmentQueued(Sock* sk, size_t index, uint32_t len) {
  // tso_fragment() / tcp_fragment() in the write queue: the rest becomes
  // an skb of its own after this one, with the PSH, FIN and EOR marks.
  QueuedSkb& skb = sk->write_queue[index];
  QueuedSkb rest = skb;
  rest.seq = skb.seq + len;
  const uint32_t moved = skb.end - rest.seq;
  rest.truesize = kSkbTruesize + moved;
  skb.truesize -= moved;
  skb.end = rest.seq;
  skb.push = skb.fin = skb.eor = false;
  sk->wmem_queued += kSkbTruesize;
  sk->write_queue.insert(sk->write_queue.begin() + static_cast<long>(index) + 1, rest);
}

void Stack::GrowSkb(Sock* sk, uint32_t amount) {
  // tcp_grow_skb(): the first unsent skb takes data from the next one to
  // fill its cwnd quota; an emptied skb is merged away with its marks.
  if (sk->write_queue.size() < 2) return;
  QueuedSkb& skb = sk->write_queue[0];
  QueuedSkb& next = sk->write_queue[1];
  if (skb.eor) return;
  // skb_shift() leaves zero-copy skbs alone.
  if (skb.zc_frags > 0 || next.zc_frags > 0) return;
  const uint32_t n = std::min(amount, next.len());
  if (n == 0) return;
  skb.end += n;
  skb.truesize += n;
  next.seq += n;
  next.truesize -= n;
  if (next.len() == 0) {
    skb.fin = next.fin;
    skb.push = skb.push || next.push;
    skb.eor = next.eor;
    sk->wmem_queued -= next.truesize;
    sk->write_queue.erase(sk->write_queue.begin() + 1);
  }
}

bool Stack::SendQueuedHead(Sock* sk, uint32_t mss) {
  // tcp_transmit_skb() of the first unsent skb, then
  // tcp_event_new_data_sent() and tcp_minshall_update().
  const QueuedSkb skb = sk->write_queue.front();
  const uint32_t pcount = SkbPcount(skb.len(), mss);
  uint16_t flags = 0;
  // Linux 6.18 marks every TSO packet with PSH (measured: a 9100-byte
  // write with 2-segment bursts sends `P. 1:2001(2000)`, `P. 2001:4001`,
  // ...; single segments cut from the same write carry no PSH).
  if (skb.push || pcount > 1) flags |= flag::kPsh;
  if (skb.fin) flags |= flag::kFin;
  const bool was_idle = sk->packets_out() == 0;
  if (!TransmitSegment(sk, skb.seq, skb.len(), flags, false, pcount, mss)) return false;
  sk->write_queue.pop_front();
  SentSegment sent;
  sent.seq = skb.seq;
  sent.end = skb.end + (skb.fin ? 1 : 0);
  sent.fin = skb.fin;
  // The PSH of a TSO packet is the packet's, not the skb's: a segment cut
  // from it and sent again has none (measured).
  sent.push = skb.push;
  sent.pcount = pcount;
  sent.truesize = skb.truesize;
  sent.first_sent = sent.last_sent = now_;
  sent.last_sent_event = input_events_;
  sk->rtx_queue.push_back(sent);
  sk->snd_nxt = sent.end;
  if (skb.len() < pcount * mss) sk->snd_sml = sent.end;
  // The first segment in flight starts the RTO; one sent while a loss
  // probe is pending moves the timer to the RTO.
  if (!sk->fastopen_rsk &&
      (was_idle || std::holds_alternative<LossProbeTimer>(sk->write_timer) ||
       std::holds_alternative<std::monostate>(sk->write_timer))) {
    ArmRetransmitTimer(sk, sk->rto);
  }
  return true;
}

bool Stack::WriteXmit(Sock* sk, uint32_t mss, int nonagle, int push_one) {
  // tcp_write_xmit(). Returns true when nothing is in flight and data
  // waits (the caller arms the probe timer).
  switch (sk->state) {
    case TcpState::kSynRecv:  // a passive Fast Open child sends before the ACK
    case TcpState::kEstablished:
    case TcpState::kCloseWait:
    case TcpState::kFinWait1:
    case TcpState::kClosing:
    case TcpState::kLastAck:
      break;
    default:
      return false;
  }
  uint32_t sent_pkts = 0;
  bool is_cwnd_limited = false, is_rwnd_limited = false;
  if (push_one == 0 && !sk->write_queue.empty()) {
    // Path MTU probing first.
    const int probed = MtuProbe(sk, mss);
    if (probed == 0) return false;
    if (probed > 0) sent_pkts = 1;
  }
  const uint32_t max_segs = TsoSegs(sk, mss);
  while (!sk->write_queue.empty()) {
    uint32_t cwnd_quota = CwndTest(sk, sk->write_queue.front(), mss);
    if (cwnd_quota == 0) {
      if (push_one != 2) break;
      cwnd_quota = 1;  // a loss probe goes anyway
    }
    cwnd_quota = std::min(cwnd_quota, max_segs);
    const int64_t missing =
        int64_t{cwnd_quota} * mss - int64_t{sk->write_queue.front().len()};
    if (missing > 0) GrowSkb(sk, static_cast<uint32_t>(missing));
    const QueuedSkb& skb = sk->write_queue.front();
    const uint32_t tso_segs = SkbPcount(skb.len(), mss);
    if (!SndWndTest(sk, skb, mss)) {
      is_rwnd_limited = true;
      break;
    }
    if (tso_segs == 1) {
      const bool last = sk->write_queue.size() == 1;
      if (!NagleTest(sk, skb, mss, last ? nonagle : kNaglePush)) break;
    } else if (push_one == 0 &&
               TsoShouldDefer(sk, skb, max_segs, &is_cwnd_limited, &is_rwnd_limited)) {
      break;
    }
    uint32_t limit = mss;
    if (tso_segs > 1) limit = MssSplitPoint(sk, skb, mss, cwnd_quota, nonagle);
    if (skb.len() > limit) FragmentQueued(sk, 0, limit);
    const QueuedSkb& head = sk->write_queue.front();
    if (head.len() == 0 && !head.fin) break;  // an empty skb of a sleeping writer
    const uint32_t pcount = SkbPcount(head.len(), mss);
    if (!SendQueuedHead(sk, mss)) break;  // dropped by the device queue
    sent_pkts += pcount;
    if (push_one != 0) break;
  }
  // The peer's window held data back (tcp_snd_wnd_test() or TSO deferral).
  if (is_rwnd_limited) {
    ChronoStart(sk, Chrono::kRwndLimited);
  } else {
    ChronoStop(sk, Chrono::kRwndLimited);
  }
  is_cwnd_limited = is_cwnd_limited || InFlight(sk) >= sk->cwnd;
  if (sent_pkts > 0 || is_cwnd_limited) {
    // tcp_cwnd_validate(): remember how much of the window is used, which
    // decides whether ACKs may grow it.
    const uint32_t packets = sk->packets_out();
    if (!SeqBefore(sk->snd_una, sk->cwnd_usage_seq) || is_cwnd_limited ||
        (!sk->is_cwnd_limited && packets > sk->max_packets_out)) {
      sk->is_cwnd_limited = is_cwnd_limited;
      sk->max_packets_out = packets;
      sk->cwnd_usage_seq = sk->snd_nxt;
    }
    // Not cwnd-limited, nothing left to send and a writer out of room: the
    // send buffer is the limit.
    if (!IsCwndLimited(sk) && sk->write_queue.empty() && sk->nospace &&
        (sk->state == TcpState::kEstablished || sk->state == TcpState::kCloseWait)) {
      ChronoStart(sk, Chrono::kSndbufLimited);
    }
  }
  if (sent_pkts > 0) {
    // New data sent during a reduction counts against PRR's budget.
    if (sk->ca_state == CaState::kCwr || sk->ca_state == CaState::kRecovery) {
      sk->prr_out += sent_pkts;
    }
    // One loss probe per tail of new data.
    if (push_one != 2) ScheduleLossProbe(sk, false);
    return false;
  }
  return sk->packets_out() == 0 && !sk->write_queue.empty();
}

void Stack::SendFin(Sock* sk) {
  // tcp_send_fin(): the FIN rides on the last unsent skb, or goes in one
  // of its own, and leaves past Nagle.
  sk->fin_queued = true;
  if (!sk->write_queue.empty()) {
    sk->write_queue.back().fin = true;
  } else {
    QueuedSkb fin{sk->write_seq, sk->write_seq};
    fin.fin = true;
    ChronoStart(sk, Chrono::kBusy);  // tcp_queue_skb()
    sk->write_queue.push_back(fin);
    sk->wmem_queued += kSkbTruesize;
  }
  PushPendingFrames(sk, kNagleOff);
}

bool Stack::SendProbe(Sock* sk) {
  // tcp_write_wakeup(): data that fits the window goes out at once, past
  // Nagle and cwnd, with PSH; a closed window gets a zero-window probe,
  // an ACK one below snd_una that the peer must answer.
  const uint32_t wnd_end = sk->snd_una + sk->snd_wnd;
  if (!sk->write_queue.empty() && SeqBefore(sk->write_queue.front().seq, wnd_end)) {
    const uint32_t mss = CurrentMss(sk);
    QueuedSkb& skb = sk->write_queue.front();
    const uint32_t end = skb.end + (skb.fin ? 1 : 0);
    if (SeqBefore(sk->pushed_seq, end)) sk->pushed_seq = end;
    uint32_t seg_size = wnd_end - skb.seq;
    if (seg_size < end - skb.seq || skb.len() > mss) {
      seg_size = std::min(seg_size, mss);
      if (seg_size < skb.len()) FragmentQueued(sk, 0, seg_size);
    }
    sk->write_queue.front().push = true;
    return SendQueuedHead(sk, mss);
  }
  counters_.Inc(Counter::kTcpExtTCPWinProbe);
  return TransmitSegment(sk, sk->snd_una - 1, 0, 0, false, 1);
}

}  // namespace synack::stack
