// JiffiesStepWatch: the coarse clock's move against the tick's gap.
#include "runtime/kernel/jiffies_step.h"

namespace synack::kernel {

JiffiesStep ClassifyJiffiesStep(Between tick, Between move) {
  if (move.before_ns <= tick.after_ns) return JiffiesStep::kBeforeTick;
  if (move.after_ns >= tick.before_ns) return JiffiesStep::kAfterTick;
  return JiffiesStep::kDuringTick;
}

void JiffiesStepWatch::Read(int64_t monotonic_ns, int64_t coarse_ns) {
  if (started_) {
    if (monotonic_ns - last_monotonic_ > kGapNs) {
      gap_seen_ = true;
      last_gap_ = {last_monotonic_, monotonic_ns};
    }
    if (!moved_ && coarse_ns != last_coarse_) {
      moved_ = true;
      move_ = {last_monotonic_, monotonic_ns};
    }
  }
  started_ = true;
  last_monotonic_ = monotonic_ns;
  last_coarse_ = coarse_ns;
}

void JiffiesStepWatch::TickSeen() {
  if (tick_seen_) return;
  tick_seen_ = true;
  tick_gap_seen_ = gap_seen_;
  tick_ = last_gap_;
  tick_seen_at_ = last_monotonic_;
}

bool JiffiesStepWatch::Settled(int64_t wait_ns) const {
  if (!tick_seen_) return false;
  return moved_ || last_monotonic_ - tick_seen_at_ >= wait_ns;
}

JiffiesStep JiffiesStepWatch::result() const {
  if (!tick_seen_ || !tick_gap_seen_ || !moved_) return JiffiesStep::kUnseen;
  return ClassifyJiffiesStep(tick_, move_);
}

}  // namespace synack::kernel
