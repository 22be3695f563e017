// SynQueue: requests in a list (their age order) indexed by 4-tuple.
#include "runtime/stack/syn_queue.h"

namespace synack::stack {

RequestSock& SynQueue::Add(RequestSock req) {
  Erase(req.tuple);
  req.seq = next_seq_++;
  if (req.num_timeout == 0) ++young_;
  requests_.push_back(req);
  auto it = std::prev(requests_.end());
  by_tuple_[req.tuple] = it;
  return *it;
}

RequestSock* SynQueue::Find(const FourTuple& tuple) {
  auto it = by_tuple_.find(tuple);
  return it == by_tuple_.end() ? nullptr : &*it->second;
}

const RequestSock* SynQueue::Find(const FourTuple& tuple) const {
  auto it = by_tuple_.find(tuple);
  return it == by_tuple_.end() ? nullptr : &*it->second;
}

void SynQueue::Erase(const FourTuple& tuple) {
  auto it = by_tuple_.find(tuple);
  if (it == by_tuple_.end()) return;
  if (it->second->num_timeout == 0) --young_;
  requests_.erase(it->second);
  by_tuple_.erase(it);
}

void SynQueue::Clear() {
  requests_.clear();
  by_tuple_.clear();
  young_ = 0;
}

void SynQueue::CountTimeout(RequestSock* req) {
  if (req->num_timeout == 0) --young_;
  ++req->num_timeout;
}

}  // namespace synack::stack
