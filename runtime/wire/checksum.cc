// Internet checksum arithmetic: one's-complement sums over 16-bit words.
#include "runtime/wire/checksum.h"

#include <sys/socket.h>

#include "runtime/wire/bytes.h"

namespace synack::wire {
namespace {

// Sums `data` as big-endian 16-bit words; an odd last byte is padded with a
// zero (RFC 1071 §4.1). Only the last chunk of a sum may have odd length.
uint64_t Sum(std::span<const uint8_t> data, uint64_t sum) {
  size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += Load16(&data[i]);
  if (i < data.size()) sum += uint64_t{data[i]} << 8;
  return sum;
}

uint16_t Fold(uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xffff);
}

uint64_t SumSkipping(std::span<const uint8_t> data, size_t field_offset,
                     uint64_t sum) {
  if (field_offset >= data.size()) return Sum(data, sum);
  sum = Sum(data.first(field_offset), sum);
  if (field_offset + 2 < data.size()) sum = Sum(data.subspan(field_offset + 2), sum);
  return sum;
}

}  // namespace

uint16_t Checksum(std::span<const uint8_t> data, size_t field_offset) {
  return Fold(SumSkipping(data, field_offset, 0));
}

uint16_t TransportChecksum(const IpAddress& src, const IpAddress& dst,
                           uint8_t protocol, std::span<const uint8_t> segment,
                           size_t field_offset) {
  const size_t address_size = src.family == AF_INET ? 4 : 16;
  uint64_t sum = Sum(std::span(src.bytes).first(address_size), 0);
  sum = Sum(std::span(dst.bytes).first(address_size), sum);
  // IPv4: zero, protocol, 16-bit length. IPv6: 32-bit length, 24 zero bits,
  // next header. Both sum to the same words when the length fits 16 bits,
  // but the 32-bit form is summed for IPv6 to be exact.
  const uint64_t length = segment.size();
  sum += protocol + (length & 0xffff) + (length >> 16);
  return Fold(SumSkipping(segment, field_offset, sum));
}

size_t ChecksumOffset(uint8_t protocol) {
  switch (protocol) {
    case ip_proto::kTcp: return 16;
    case ip_proto::kUdp: return 6;
    default: return 2;  // ICMP and ICMPv6
  }
}

}  // namespace synack::wire
