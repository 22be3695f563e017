// BindTable: who holds each local port, as Linux's bind hash
// (inet_bind_bucket) keeps it, so that bind() and connect() check a port
// against the sockets and TIME_WAIT tuples on that port alone rather than
// walking every socket the stack has.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <unordered_set>

#include "runtime/stack/endpoint.h"

namespace synack::stack {

struct Sock;

class BindTable {
 public:
  using SockSet = std::unordered_set<const Sock*>;
  using TupleSet = std::unordered_set<FourTuple, FourTupleHash>;

  // The sockets bound to `port` and the TIME_WAIT tuples whose local port
  // it is (empty for a free port). A listener's port holds all its
  // children and their TIME_WAITs, so each is a set: a socket comes and
  // goes in O(1) however many share its port.
  const SockSet& Socks(uint16_t port) const;
  const TupleSet& TimeWaits(uint16_t port) const;

  // A socket took `port` (bind(), connect()'s choice, an accepted child)
  // or gave it back (a failed connect() unbinding, the socket's end).
  void AddSock(uint16_t port, const Sock* sk);
  void RemoveSock(uint16_t port, const Sock* sk);
  void AddTimeWait(const FourTuple& tuple);
  void RemoveTimeWait(const FourTuple& tuple);

 private:
  struct Bucket {
    SockSet socks;
    TupleSet timewaits;
  };
  void DropIfEmpty(std::unordered_map<uint16_t, Bucket>::iterator it);

  std::unordered_map<uint16_t, Bucket> buckets_;
};

}  // namespace synack::stack
