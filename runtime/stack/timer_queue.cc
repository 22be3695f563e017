// TimerQueue: a min-heap of timer armings with lazy deletion.
#include "runtime/stack/timer_queue.h"

namespace synack::stack {

bool FiresBefore(const TimerEntry& a, const TimerEntry& b) {
  if (a.at != b.at) return a.at < b.at;
  if (a.owner != b.owner) return a.owner < b.owner;
  if (a.kind != b.kind) return a.kind < b.kind;
  if (a.seq != b.seq) return a.seq < b.seq;
  return a.tuple < b.tuple;
}

namespace {

// std::*_heap keep the greatest element first: order by "fires later".
bool FiresLater(const TimerEntry& a, const TimerEntry& b) {
  return FiresBefore(b, a);
}

}  // namespace

bool TimerQueue::Live(const TimerEntry& entry) const {
  const std::optional<Instant> at = armed_at_(entry);
  return at && *at == entry.at;
}

void TimerQueue::Push(const TimerEntry& entry) {
  heap_.push_back(entry);
  std::push_heap(heap_.begin(), heap_.end(), FiresLater);
  if (heap_.size() >= compact_at_) Compact();
}

void TimerQueue::Compact() {
  // A timer armed again and again (an RTO pushed back by every ACK) leaves
  // an entry each time; drop the stale ones before they pile up. Amortized
  // O(log N) per Push: the next compaction waits for as many new entries.
  std::erase_if(heap_, [this](const TimerEntry& e) { return !Live(e); });
  std::make_heap(heap_.begin(), heap_.end(), FiresLater);
  compact_at_ = std::max(kMinCompact, 2 * heap_.size());
}

const TimerEntry* TimerQueue::Top() {
  while (!heap_.empty() && !Live(heap_.front())) Pop();
  return heap_.empty() ? nullptr : &heap_.front();
}

void TimerQueue::Pop() {
  std::pop_heap(heap_.begin(), heap_.end(), FiresLater);
  heap_.pop_back();
}

}  // namespace synack::stack
