#include "runtime/stack/bind_table.h"

namespace synack::stack {

const BindTable::SockSet& BindTable::Socks(uint16_t port) const {
  static const SockSet kNone;
  auto it = buckets_.find(port);
  return it == buckets_.end() ? kNone : it->second.socks;
}

const BindTable::TupleSet& BindTable::TimeWaits(uint16_t port) const {
  static const TupleSet kNone;
  auto it = buckets_.find(port);
  return it == buckets_.end() ? kNone : it->second.timewaits;
}

void BindTable::AddSock(uint16_t port, const Sock* sk) { buckets_[port].socks.insert(sk); }

void BindTable::RemoveSock(uint16_t port, const Sock* sk) {
  auto it = buckets_.find(port);
  if (it == buckets_.end()) return;
  it->second.socks.erase(sk);
  DropIfEmpty(it);
}

void BindTable::AddTimeWait(const FourTuple& tuple) {
  buckets_[tuple.local.port].timewaits.insert(tuple);
}

void BindTable::RemoveTimeWait(const FourTuple& tuple) {
  auto it = buckets_.find(tuple.local.port);
  if (it == buckets_.end()) return;
  it->second.timewaits.erase(tuple);
  DropIfEmpty(it);
}

void BindTable::DropIfEmpty(std::unordered_map<uint16_t, Bucket>::iterator it) {
  if (it->second.socks.empty() && it->second.timewaits.empty()) buckets_.erase(it);
}

}  // namespace synack::stack
