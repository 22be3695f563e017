// Endpoint ordering and sockaddr conversion for AF_INET and AF_INET6
// sockets, IPv4-mapped addresses included.
#include "runtime/stack/endpoint.h"

#include <netinet/in.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace synack::stack {

std::strong_ordering operator<=>(const Endpoint& a, const Endpoint& b) {
  if (auto c = a.addr.family <=> b.addr.family; c != 0) return c;
  if (auto c = a.addr.bytes <=> b.addr.bytes; c != 0) return c;
  return a.port <=> b.port;
}

size_t FourTupleHash::operator()(const FourTuple& t) const {
  // FNV-1a over the addresses and ports: fixed, so a run's tables (never
  // iterated for output) behave the same on every machine.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](uint8_t byte) {
    h ^= byte;
    h *= 1099511628211ull;
  };
  for (const Endpoint* e : {&t.local, &t.remote}) {
    for (uint8_t b : e->addr.bytes) mix(b);
    mix(static_cast<uint8_t>(e->port >> 8));
    mix(static_cast<uint8_t>(e->port));
  }
  return static_cast<size_t>(h);
}

bool IsV4(const wire::IpAddress& a) { return a.family == AF_INET; }

int FromSockaddr(int domain, const sockaddr* addr, socklen_t len,
                 std::optional<wire::IpAddress>* address, uint16_t* port) {
  if (addr == nullptr) return EFAULT;
  if (domain == AF_INET) {
    if (len < static_cast<socklen_t>(sizeof(sockaddr_in))) return EINVAL;
    sockaddr_in in;
    std::memcpy(&in, addr, sizeof in);
    if (in.sin_family != AF_INET) return EAFNOSUPPORT;
    *port = ntohs(in.sin_port);
    if (in.sin_addr.s_addr == htonl(INADDR_ANY)) {
      address->reset();
      return 0;
    }
    wire::IpAddress ip;
    ip.family = AF_INET;
    std::memcpy(ip.bytes.data(), &in.sin_addr, 4);
    *address = ip;
    return 0;
  }
  // SIN6_LEN_RFC2133: the size before sin6_scope_id existed.
  if (len < 24) return EINVAL;
  sockaddr_in6 in6{};
  std::memcpy(&in6, addr, std::min<size_t>(len, sizeof in6));
  if (in6.sin6_family != AF_INET6) return EAFNOSUPPORT;
  *port = ntohs(in6.sin6_port);
  if (IN6_IS_ADDR_UNSPECIFIED(&in6.sin6_addr)) {
    address->reset();
    return 0;
  }
  wire::IpAddress ip;
  if (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr)) {
    ip.family = AF_INET;
    std::memcpy(ip.bytes.data(), &in6.sin6_addr.s6_addr[12], 4);
  } else {
    ip.family = AF_INET6;
    std::memcpy(ip.bytes.data(), &in6.sin6_addr, 16);
  }
  *address = ip;
  return 0;
}

void ToSockaddr(int domain, const Endpoint& endpoint, sockaddr* addr,
                socklen_t* len) {
  sockaddr_storage storage{};
  socklen_t size = 0;
  if (domain == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    in->sin_family = AF_INET;
    in->sin_port = htons(endpoint.port);
    std::memcpy(&in->sin_addr, endpoint.addr.bytes.data(), 4);
    size = sizeof(sockaddr_in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(endpoint.port);
    const wire::IpAddress ip = endpoint.addr.family == AF_INET
                                   ? endpoint.addr.ToV4Mapped()
                                   : endpoint.addr;
    std::memcpy(&in6->sin6_addr, ip.bytes.data(), 16);
    size = sizeof(sockaddr_in6);
  }
  if (addr != nullptr && len != nullptr) {
    std::memcpy(addr, &storage, std::min(*len, size));
  }
  if (len != nullptr) *len = size;
}

Endpoint Unspecified(int domain) {
  Endpoint endpoint;
  endpoint.addr.family = domain;
  return endpoint;
}

}  // namespace synack::stack
