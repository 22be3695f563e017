// Loss recovery's state machine as Linux's tcp_fastretrans_alert() runs it
// (RFC 6675 with RACK, RFC 6582 NewReno without SACK): Open, Disorder,
// Recovery and Loss, entering fast recovery once a loss is proven, leaving
// it when everything sent before it is acknowledged, and undoing a
// reduction that D-SACKs or timestamps show was not needed (RFC 2883,
// RFC 3522). F-RTO (RFC 5682) is not modelled: a Loss state ends only when
// all that was in flight at the RTO is acknowledged.
#include <algorithm>

#include "runtime/stack/stack.h"

namespace synack::stack {

namespace af = ack_flag;

void Stack::AddRenoSack(Sock* sk, int num_dupack) {
  // tcp_add_reno_sack(): without SACK a duplicate ACK stands for one
  // segment that left the network; never more than are out, leaving a
  // hole (tcp_limit_reno_sacked).
  // Each counts as delivered.
  if (num_dupack == 0) return;
  const uint32_t prior = sk->reno_sacked;
  sk->reno_sacked += static_cast<uint32_t>(num_dupack);
  const uint32_t out = sk->packets_out();
  const uint32_t holes = std::min(std::max<uint32_t>(sk->lost_out(), 1), out);
  if (sk->reno_sacked + holes > out) sk->reno_sacked = out - holes;
  if (sk->reno_sacked > prior) sk->delivered += sk->reno_sacked - prior;
}

void Stack::RemoveRenoSacks(Sock* sk, uint32_t acked) {
  // tcp_remove_reno_sacks(): one acknowledged segment filled the hole, the
  // rest were those the duplicate ACKs counted (and delivered then: the
  // ACK delivers the rest, at least one).
  if (acked == 0) return;
  const uint32_t newly = acked > sk->reno_sacked ? acked - sk->reno_sacked : 0;
  sk->delivered = sk->delivered - acked + std::max<uint32_t>(newly, 1);
  if (acked - 1 >= sk->reno_sacked) {
    sk->reno_sacked = 0;
  } else {
    sk->reno_sacked -= acked - 1;
  }
}

void Stack::NewRenoMarkLost(Sock* sk, bool snd_una_advanced) {
  // tcp_newreno_mark_lost(): with dupthresh duplicate ACKs (or a partial
  // ACK in recovery) the first unacknowledged segment is lost; a TSO skb
  // is cut to its first segment.
  if (sk->rtx_queue.empty()) return;
  const bool mark = (sk->ca_state < CaState::kRecovery && sk->reno_sacked >= sk->reordering) ||
                    (sk->ca_state == CaState::kRecovery && snd_una_advanced);
  if (!mark) return;
  SentSegment& head = sk->rtx_queue.front();
  if (head.lost) return;
  const uint32_t mss = SendMss(sk);
  if (head.pcount > 1 && head.end - head.seq - (head.fin ? 1 : 0) > mss) FragmentSent(sk, 0, mss);
  MarkSkbLost(sk, &sk->rtx_queue.front());
}

void Stack::IdentifyPacketLoss(Sock* sk, int* flag) {
  // tcp_identify_packet_loss(): NewReno without SACK, RACK with it.
  if (sk->rtx_queue.empty()) return;
  if (!sk->sack_ok) {
    NewRenoMarkLost(sk, (*flag & af::kSndUnaAdvanced) != 0);
    return;
  }
  const uint32_t prior_retrans = sk->retrans_out();
  if (RackMarkLost(sk)) *flag &= ~af::kSetXmitTimer;
  if (prior_retrans > sk->retrans_out()) *flag |= af::kLostRetrans;
}

void Stack::EnterRecovery(Sock* sk, bool ece_ack) {
  // tcp_enter_recovery(): remember what undo would restore, start PRR.
  sk->prior_ssthresh = 0;
  sk->undo_marker = sk->snd_una;
  sk->undo_retrans = sk->retrans_out() != 0 ? static_cast<int>(sk->retrans_out()) : -1;
  if (sk->ca_state != CaState::kCwr && sk->ca_state != CaState::kRecovery) {
    if (!ece_ack) sk->prior_ssthresh = CurrentSsthresh(sk);
    InitCwndReduction(sk);
  }
  SetCaState(sk, CaState::kRecovery);
}

void Stack::TryKeepOpen(Sock* sk) {
  // tcp_try_keep_open(): Disorder while anything is SACKed, lost or
  // retransmitted, else Open.
  CaState state = CaState::kOpen;
  if (sk->sacked_out() + sk->lost_out() != 0 ||
      std::any_of(sk->rtx_queue.begin(), sk->rtx_queue.end(),
                  [](const SentSegment& s) { return s.retransmitted; })) {
    state = CaState::kDisorder;
  }
  if (sk->ca_state != state) {
    SetCaState(sk, state);
    sk->high_seq = sk->snd_nxt;
  }
}

void Stack::TryToOpen(Sock* sk, int flag) {
  // tcp_try_to_open().
  if (!std::any_of(sk->rtx_queue.begin(), sk->rtx_queue.end(),
                   [](const SentSegment& s) { return s.retransmitted; })) {
    sk->retrans_stamp.reset();
  }
  if (flag & af::kEce) EnterCwr(sk);
  if (sk->ca_state != CaState::kCwr) TryKeepOpen(sk);
}

bool Stack::MayUndo(const Sock* sk) const {
  // tcp_may_undo(): every retransmission shown spurious by a D-SACK, or
  // the peer's echoed timestamp older than the first retransmission
  // (tcp_packet_delayed).
  if (sk->undo_marker == 0) return false;
  if (sk->undo_retrans == 0) return true;
  return false;
}

void Stack::UndoCwndReduction(Sock* sk, bool unmark_loss) {
  // tcp_undo_cwnd_reduction(): back to the window and ssthresh from
  // before, and what was marked lost is not.
  if (unmark_loss) {
    for (SentSegment& s : sk->rtx_queue) s.lost = false;
  }
  if (sk->prior_ssthresh != 0) {
    sk->cwnd = sk->ca_ops->undo_cwnd(sk);
    if (sk->prior_ssthresh > sk->ssthresh) {
      sk->ssthresh = sk->prior_ssthresh;
      EcnWithdrawCwr(sk);
    }
  }
  sk->undo_marker = 0;
}

bool Stack::TryUndoRecovery(Sock* sk) {
  // tcp_try_undo_recovery(): at the end of recovery, undo if it was
  // spurious; without SACK hold the state until something beyond high_seq
  // is acknowledged (RFC 6582's protection against false fast retransmits).
  if (MayUndo(sk)) {
    UndoCwndReduction(sk, false);
    if (sk->ca_state == CaState::kLoss) sk->retrans_stamp.reset();
  }
  if (sk->snd_una == sk->high_seq && !sk->sack_ok) {
    if (!std::any_of(sk->rtx_queue.begin(), sk->rtx_queue.end(),
                     [](const SentSegment& s) { return s.retransmitted; })) {
      sk->retrans_stamp.reset();
    }
    return true;
  }
  SetCaState(sk, CaState::kOpen);
  sk->is_sack_reneg = false;
  return false;
}

bool Stack::TryUndoDsack(Sock* sk) {
  // tcp_try_undo_dsack(): D-SACKs showed every retransmission spurious.
  if (sk->undo_marker != 0 && sk->undo_retrans == 0) {
    UndoCwndReduction(sk, false);
    return true;
  }
  return false;
}

bool Stack::TryUndoPartial(Sock* sk, uint32_t prior_snd_una, bool* do_lost) {
  // tcp_try_undo_partial(): a partial ACK of data never retransmitted
  // proves reordering, not loss.
  (void)prior_snd_una;
  if (sk->undo_marker != 0 && MayUndo(sk)) {
    UndoCwndReduction(sk, true);
    TryKeepOpen(sk);
    return true;
  }
  (void)do_lost;
  return false;
}

bool Stack::TryUndoLoss(Sock* sk, bool frto_undo) {
  // tcp_try_undo_loss().
  if (frto_undo || MayUndo(sk)) {
    UndoCwndReduction(sk, true);
    sk->retransmits = 0;
    if (frto_undo || sk->sack_ok) SetCaState(sk, CaState::kOpen);
    return true;
  }
  return false;
}

void Stack::ProcessLoss(Sock* sk, int flag, int num_dupack, Rexmit* rexmit) {
  // tcp_process_loss() without F-RTO: the Loss state ends when all that
  // was in flight at the RTO is acknowledged.
  const bool recovered = !SeqBefore(sk->snd_una, sk->high_seq);
  if ((flag & af::kSndUnaAdvanced) && TryUndoLoss(sk, false)) return;
  if (recovered) {
    TryUndoRecovery(sk);
    return;
  }
  if (!sk->sack_ok) {
    if (SeqAfter(sk->snd_nxt, sk->high_seq) && num_dupack != 0) {
      AddRenoSack(sk, num_dupack);
    } else if (flag & af::kSndUnaAdvanced) {
      sk->reno_sacked = 0;
    }
  }
  *rexmit = Rexmit::kLost;
}

void Stack::FastRetransAlert(Sock* sk, uint32_t prior_snd_una, int num_dupack,
                             int* ack_flag, Rexmit* rexmit) {
  // tcp_fastretrans_alert(): called for every ACK that is a duplicate,
  // carries SACK or ECE, or arrives outside the Open state.
  const int flag = *ack_flag;
  const bool ece_ack = (flag & af::kEce) != 0;
  bool do_lost = num_dupack != 0;
  if (sk->packets_out() == 0 && !sk->sack_ok) sk->reno_sacked = 0;
  if (ece_ack) sk->prior_ssthresh = 0;

  // D. The state ends once high_seq is acknowledged.
  if (sk->ca_state == CaState::kOpen) {
    sk->retrans_stamp.reset();
  } else if (!SeqBefore(sk->snd_una, sk->high_seq)) {
    switch (sk->ca_state) {
      case CaState::kCwr:
        // CWR holds until something above high_seq is acknowledged, so
        // that the CWR flag reached the peer.
        if (sk->snd_una != sk->high_seq) {
          EndCwndReduction(sk);
          SetCaState(sk, CaState::kOpen);
        }
        break;
      case CaState::kRecovery:
        if (!sk->sack_ok) sk->reno_sacked = 0;
        if (TryUndoRecovery(sk)) return;
        EndCwndReduction(sk);
        break;
      default:
        break;
    }
  }

  // E. What the state does with this ACK.
  switch (sk->ca_state) {
    case CaState::kRecovery:
      if (!(flag & af::kSndUnaAdvanced)) {
        if (!sk->sack_ok) AddRenoSack(sk, num_dupack);
      } else if (TryUndoPartial(sk, prior_snd_una, &do_lost)) {
        return;
      }
      if (TryUndoDsack(sk)) TryKeepOpen(sk);
      IdentifyPacketLoss(sk, ack_flag);
      break;
    case CaState::kLoss:
      ProcessLoss(sk, flag, num_dupack, rexmit);
      IdentifyPacketLoss(sk, ack_flag);
      if (!(sk->ca_state == CaState::kOpen || (*ack_flag & af::kLostRetrans))) return;
      [[fallthrough]];
    default:
      if (!sk->sack_ok) {
        if (flag & af::kSndUnaAdvanced) sk->reno_sacked = 0;
        AddRenoSack(sk, num_dupack);
      }
      if (sk->ca_state <= CaState::kDisorder) TryUndoDsack(sk);
      IdentifyPacketLoss(sk, ack_flag);
      // tcp_time_to_recover(): a loss is proven.
      if (sk->lost_out() == 0) {
        TryToOpen(sk, flag);
        return;
      }
      EnterRecovery(sk, ece_ack);
  }
  (void)do_lost;
  *rexmit = Rexmit::kLost;
}

void Stack::XmitRecovery(Sock* sk, Rexmit rexmit) {
  // tcp_xmit_recovery().
  if (rexmit == Rexmit::kNone || sk->state == TcpState::kSynSent) return;
  if (rexmit == Rexmit::kNew) {
    PushPendingFrames(sk, kNagleOff);
    if (SeqAfter(sk->snd_nxt, sk->high_seq)) return;
  }
  XmitRetransmitQueue(sk);
}

}  // namespace synack::stack
