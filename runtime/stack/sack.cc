// The SACK scoreboard (RFC 2018, RFC 6675 §2-4) as Linux's
// tcp_sacktag_write_queue() keeps it: SACK blocks checked for validity,
// D-SACK recognised (RFC 2883 §4), skbs cut at whole segments where a
// block covers part of one, and each newly SACKed skb marked, counted as
// delivered, taken out of the lost and retransmitted counts, and fed to
// RACK; reordering is measured from holes filled by never-retransmitted
// data. (SACK shifting, which merges SACKed skbs, is not modelled: no
// packet on the wire shows it.)
#include <algorithm>

#include "runtime/stack/stack.h"

namespace synack::stack {

namespace {

bool SackBlockValid(const Sock* sk, bool is_dsack, uint32_t start, uint32_t end) {
  // tcp_is_sackblock_valid(): within what was sent, or, for a D-SACK,
  // below snd_una but not older than the undo marker's window.
  if (SeqAfter(end, sk->snd_nxt) || !SeqBefore(start, end)) return false;
  if (!SeqBefore(start, sk->snd_nxt)) return false;
  if (SeqAfter(start, sk->snd_una)) return true;
  if (!is_dsack || sk->undo_marker == 0) return false;
  if (SeqAfter(end, sk->snd_una)) return false;
  if (!SeqBefore(start, sk->undo_marker)) return true;
  if (!SeqAfter(end, sk->undo_marker)) return false;
  return !SeqBefore(start, end - sk->max_window);
}

}  // namespace

uint32_t Stack::HighestSackSeq(const Sock* sk) const {
  // tcp_highest_sack_seq(): the forward-most SACKed sequence (FACK).
  if (sk->sacked_out() == 0) return sk->snd_una;
  return sk->highest_sack_end;
}

void Stack::SackTag(Sock* sk, const Segment& seg, uint32_t prior_snd_una,
                    SackTagState* state) {
  // tcp_sacktag_write_queue().
  const std::vector<SackBlock>& blocks = seg.opts.sacks;
  state->reord = sk->snd_nxt;
  if (blocks.empty() || !sk->sack_ok) return;
  const uint32_t prior_fack = HighestSackSeq(sk);

  // tcp_check_dsack(): the first block is a D-SACK when it lies below the
  // ACK or inside the second block.
  bool dup_sack = false;
  if (SeqBefore(blocks[0].start, seg.ack)) {
    dup_sack = true;
  } else if (blocks.size() > 1 && !SeqAfter(blocks[0].end, blocks[1].end) &&
             !SeqBefore(blocks[0].start, blocks[1].start)) {
    dup_sack = true;
  }
  if (dup_sack) {
    // tcp_dsack_seen(): RACK widens its window; a D-SACK for data below
    // snd_una that was retransmitted counts towards undo.
    const uint32_t mss = std::max<uint32_t>(sk->mss_cache, 1);
    const uint32_t segs = std::max<uint32_t>(1, (blocks[0].end - blocks[0].start + mss - 1) / mss);
    state->dsack_segs = segs;
    state->flag |= ack_flag::kDsackingAck;
    sk->rack.dsack_seen = true;
    if (sk->undo_marker != 0 && sk->undo_retrans > 0 &&
        !SeqAfter(blocks[0].end, prior_snd_una) &&
        SeqAfter(blocks[0].end, sk->undo_marker)) {
      sk->undo_retrans = std::max(0, sk->undo_retrans - static_cast<int>(segs));
    }
  }
  // An ACK older than a window's worth is ignored.
  if (SeqBefore(seg.ack, prior_snd_una - sk->max_window)) return;
  if (sk->packets_out() == 0) return;

  for (size_t i = 0; i < blocks.size(); ++i) {
    const bool dsack_block = dup_sack && i == 0;
    if (!SackBlockValid(sk, dsack_block, blocks[i].start, blocks[i].end)) continue;
    // Entirely below snd_una: only a D-SACK means anything there.
    if (!dsack_block && !SeqAfter(blocks[i].end, prior_snd_una)) continue;
    SackTagRange(sk, blocks[i].start, blocks[i].end, dsack_block, state);
  }
  // A hole filled by never-retransmitted data below the highest SACK is
  // reordering (tcp_check_sack_reordering()).
  if (SeqBefore(state->reord, prior_fack)) CheckSackReordering(sk, state->reord);
}

void Stack::SackTagRange(Sock* sk, uint32_t start, uint32_t end, bool dup_sack,
                         SackTagState* state) {
  // tcp_sacktag_walk() with tcp_match_skb_to_sack(): a TSO skb that a block
  // covers in part is cut so that the block covers whole segments of it.
  const uint32_t mss = std::max<uint32_t>(sk->mss_cache, 1);
  for (size_t i = 0; i < sk->rtx_queue.size(); ++i) {
    SentSegment* skb = &sk->rtx_queue[i];
    if (!SeqBefore(skb->seq, end)) break;
    if (!SeqAfter(skb->end, start)) continue;
    const uint32_t data_end = skb->end - (skb->fin ? 1 : 0);
    bool in_sack = !SeqAfter(start, skb->seq) && !SeqBefore(end, skb->end);
    if (!in_sack && skb->pcount > 1 && SeqAfter(data_end, start)) {
      in_sack = !SeqAfter(start, skb->seq);
      uint32_t pkt_len;
      if (!in_sack) {
        pkt_len = std::max(start - skb->seq, mss);
      } else {
        pkt_len = end - skb->seq;
        if (pkt_len < mss) continue;
      }
      if (pkt_len > mss) {
        uint32_t new_len = pkt_len / mss * mss;
        if (!in_sack && new_len < pkt_len) new_len += mss;
        pkt_len = new_len;
      }
      if (pkt_len >= data_end - skb->seq) {
        if (!in_sack) continue;
      } else {
        FragmentSent(sk, i, pkt_len);
        skb = &sk->rtx_queue[i];
      }
    }
    if (!in_sack) continue;
    SackTagOne(sk, skb, dup_sack, state);
  }
}

void Stack::SackTagOne(Sock* sk, SentSegment* skb, bool dup_sack, SackTagState* state) {
  // tcp_sacktag_one().
  if (dup_sack && skb->retransmitted) {
    // A D-SACK of a retransmission: one fewer to prove spurious.
    if (sk->undo_marker != 0 && sk->undo_retrans > 0 && SeqAfter(skb->end, sk->undo_marker)) {
      sk->undo_retrans = std::max(0, sk->undo_retrans - static_cast<int>(skb->pcount));
    }
    if (skb->sacked && SeqBefore(skb->seq, state->reord)) state->reord = skb->seq;
  }
  // Acknowledged anyway: about to leave the queue.
  if (!SeqAfter(skb->end, sk->snd_una)) return;
  if (!skb->sacked) {
    RackAdvance(sk, skb->retransmitted, skb->end, skb->last_sent,
                skb->last_sent_event);
    if (skb->retrans) {
      // Still believed in flight unless it had been marked lost.
      if (skb->lost) {
        skb->lost = false;
        skb->retrans = false;
      }
    } else {
      if (!skb->retransmitted) {
        // A never-retransmitted segment below the highest SACK: the
        // network reordered it.
        if (SeqBefore(skb->seq, HighestSackSeq(sk)) && SeqBefore(skb->seq, state->reord)) {
          state->reord = skb->seq;
        }
        if (!SeqAfter(skb->end, sk->high_seq)) state->flag |= ack_flag::kOrigSackAcked;
      }
      skb->lost = false;
    }
    skb->sacked = true;
    state->flag |= ack_flag::kDataSacked;
    state->sack_delivered += skb->pcount;
    sk->delivered += skb->pcount;
    if (SeqAfter(skb->end, sk->highest_sack_end) || sk->sacked_out() == skb->pcount) {
      sk->highest_sack_end = skb->end;
    }
  }
  // A D-SACK for a retransmission that was SACKed or is plainly in
  // flight: it is not in flight any more.
  if (dup_sack && skb->retrans) skb->retrans = false;
}

void Stack::CheckSackReordering(Sock* sk, uint32_t low_seq) {
  // tcp_check_sack_reordering(): the degree of reordering is how far
  // below the highest SACK the hole was, in segments (at most
  // tcp_max_reordering, 300).
  const uint32_t mss = sk->mss_cache;
  const uint32_t fack = HighestSackSeq(sk);
  if (!SeqBefore(low_seq, fack) || mss == 0) return;
  const uint32_t metric = fack - low_seq;
  if (metric > sk->reordering * mss) {
    sk->reordering = std::min<uint32_t>((metric + mss - 1) / mss, 300);
  }
  ++sk->reord_seen;
}

}  // namespace synack::stack
