// Endpoints and 4-tuples, and their conversion to and from sockaddr.
#pragma once

#include <sys/socket.h>

#include <compare>
#include <cstdint>
#include <optional>

#include "runtime/wire/packet.h"

namespace synack::stack {

// An address and port. IPv4-mapped IPv6 addresses are kept as IPv4: the
// connection runs over IPv4 whatever the socket's family.
struct Endpoint {
  wire::IpAddress addr;
  uint16_t port = 0;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
  friend std::strong_ordering operator<=>(const Endpoint& a, const Endpoint& b);
};

struct FourTuple {
  Endpoint local, remote;
  friend bool operator==(const FourTuple&, const FourTuple&) = default;
  friend std::strong_ordering operator<=>(const FourTuple& a,
                                          const FourTuple& b) {
    if (auto c = a.local <=> b.local; c != 0) return c;
    return a.remote <=> b.remote;
  }
};

// For hash tables keyed by connection (Linux's established hash).
struct FourTupleHash {
  size_t operator()(const FourTuple& t) const;
};

// A sockaddr as a socket of `domain` (AF_INET or AF_INET6) reads it.
// `address` is empty for the wildcard (INADDR_ANY, in6addr_any). Returns 0
// or the errno Linux gives: EINVAL for a short length, EAFNOSUPPORT for a
// family the socket does not take.
int FromSockaddr(int domain, const sockaddr* addr, socklen_t len,
                 std::optional<wire::IpAddress>* address, uint16_t* port);

// Writes `endpoint` as a socket of `domain` reports it (IPv4 as ::ffff:a.b.c.d
// for AF_INET6), truncated to *len; *len becomes the full size.
void ToSockaddr(int domain, const Endpoint& endpoint, sockaddr* addr,
                socklen_t* len);

// The wildcard address of a family, as getsockname shows an unbound socket.
Endpoint Unspecified(int domain);

bool IsV4(const wire::IpAddress& a);

}  // namespace synack::stack
