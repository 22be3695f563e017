// Internet checksums (RFC 1071) for IPv4 headers and for TCP, UDP and ICMP
// with or without the IPv4/IPv6 pseudo-header (RFC 793, RFC 8200 §8.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "runtime/wire/packet.h"

namespace synack::wire {

// The checksum of `data` with the 16-bit field at the even offset
// `field_offset` taken as zero: the value that field must hold. Pass
// data.size() as field_offset to sum everything.
uint16_t Checksum(std::span<const uint8_t> data, size_t field_offset);

// As Checksum, with the pseudo-header of `src`, `dst` and `protocol` summed
// in first; `segment` is the whole transport message.
uint16_t TransportChecksum(const IpAddress& src, const IpAddress& dst,
                           uint8_t protocol, std::span<const uint8_t> segment,
                           size_t field_offset);

// Whether a transport protocol's checksum covers the pseudo-header: all but
// ICMPv4 do.
inline bool UsesPseudoHeader(uint8_t protocol) {
  return protocol != ip_proto::kIcmp;
}

// Where the checksum field sits in each transport header.
size_t ChecksumOffset(uint8_t protocol);

}  // namespace synack::wire
