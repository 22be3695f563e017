// SynQueue: a listener's requests (TCP_NEW_SYN_RECV mini-sockets), oldest
// first, found by 4-tuple in O(1) as Linux finds them in its established
// hash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <unordered_map>

#include "runtime/stack/endpoint.h"
#include "runtime/stack/tcp_time.h"

namespace synack::stack {

// A connection request in a listener's SYN queue (TCP_NEW_SYN_RECV).
struct RequestSock {
  FourTuple tuple;
  uint32_t snt_isn = 0, rcv_isn = 0, rcv_nxt = 0;
  uint16_t mss = 536;  // the peer's MSS
  bool tstamp_ok = false, sack_ok = false, wscale_ok = false;
  bool ecn_ok = false;  // inet_rsk(req)->ecn_ok: the SYN asked for ECN and we agree
  uint8_t snd_wscale = 0, rcv_wscale = 0;
  uint32_t rcv_wnd = 0, window_clamp = 0;
  uint32_t ts_recent = 0, ts_off = 0;
  uint16_t peer_window = 0;
  Instant snt_synack;
  int num_retrans = 0, num_timeout = 0;
  bool acked = false;  // its ACK came while the accept queue was full
  Instant expires;
  std::optional<Instant> last_oow_ack_time;
  uint64_t seq = 0;  // its place in the SYN queue (SynQueue::Add)
};

class SynQueue {
 public:
  using const_iterator = std::list<RequestSock>::const_iterator;

  size_t size() const { return requests_.size(); }
  bool empty() const { return requests_.empty(); }
  // Oldest first.
  const_iterator begin() const { return requests_.begin(); }
  const_iterator end() const { return requests_.end(); }

  // Queues `req` last, numbered (RequestSock::seq) after every request
  // queued before it; a request for the same tuple is replaced.
  RequestSock& Add(RequestSock req);
  RequestSock* Find(const FourTuple& tuple);
  const RequestSock* Find(const FourTuple& tuple) const;
  void Erase(const FourTuple& tuple);
  void Clear();
  // A request's SYN-ACK timed out once more (++num_timeout).
  void CountTimeout(RequestSock* req);
  // Requests whose SYN-ACK has not yet timed out (num_timeout == 0): the
  // "young" requests that reqsk_timer_handler() weighs against the queue.
  size_t young() const { return young_; }

 private:
  std::list<RequestSock> requests_;
  std::unordered_map<FourTuple, std::list<RequestSock>::iterator, FourTupleHash>
      by_tuple_;
  uint64_t next_seq_ = 1;
  size_t young_ = 0;
};

}  // namespace synack::stack
