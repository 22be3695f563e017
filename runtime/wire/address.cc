// IpAddress: text conversion and IPv4-mapped IPv6 addresses.
#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstring>

#include "runtime/wire/packet.h"

namespace synack::wire {

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; a string_view may not be one.
  const std::string copy(text);
  IpAddress address;
  if (inet_pton(AF_INET, copy.c_str(), address.bytes.data()) == 1) {
    address.family = AF_INET;
    return address;
  }
  if (inet_pton(AF_INET6, copy.c_str(), address.bytes.data()) == 1) {
    address.family = AF_INET6;
    return address;
  }
  return std::nullopt;
}

std::string IpAddress::ToString() const {
  if (family != AF_INET && family != AF_INET6) return "<no address>";
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(family, bytes.data(), text, sizeof text);
  return text;
}

IpAddress IpAddress::ToV4Mapped() const {
  if (family != AF_INET) return *this;
  IpAddress mapped;
  mapped.family = AF_INET6;
  mapped.bytes[10] = 0xff;
  mapped.bytes[11] = 0xff;
  std::memcpy(&mapped.bytes[12], bytes.data(), 4);
  return mapped;
}

}  // namespace synack::wire
