// CompleteTransportChecksum: the RFC 1071 sum with the pseudo-header.
#include "runtime/kernel/partial_checksum.h"

#include <cstddef>

namespace synack::kernel {
namespace {

constexpr uint8_t kTcp = 6, kUdp = 17;
constexpr uint8_t kHopByHop = 0, kRouting = 43, kFragment = 44,
                  kDestinationOptions = 60;

uint16_t Load16(const uint8_t* at) {
  return static_cast<uint16_t>((at[0] << 8) | at[1]);
}

uint64_t Sum(std::span<const uint8_t> data, uint64_t sum) {
  size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += Load16(&data[i]);
  if (i < data.size()) sum += uint64_t{data[i]} << 8;
  return sum;
}

uint16_t FoldAndInvert(uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

}  // namespace

bool CompleteTransportChecksum(std::span<uint8_t> packet) {
  if (packet.empty()) return false;
  uint8_t protocol;
  size_t start, end;
  std::span<const uint8_t> src, dst;
  if (packet[0] >> 4 == 4) {
    if (packet.size() < 20) return false;
    start = (packet[0] & 0x0f) * size_t{4};
    end = Load16(&packet[2]);
    if (start < 20 || end < start || end > packet.size()) return false;
    if ((Load16(&packet[6]) & 0x3fff) != 0) return false;  // a fragment
    protocol = packet[9];
    src = packet.subspan(12, 4);
    dst = packet.subspan(16, 4);
  } else if (packet[0] >> 4 == 6) {
    if (packet.size() < 40) return false;
    end = 40 + size_t{Load16(&packet[4])};
    if (end > packet.size()) return false;
    protocol = packet[6];
    start = 40;
    while (protocol == kHopByHop || protocol == kRouting ||
           protocol == kDestinationOptions) {
      if (start + 2 > end) return false;
      uint8_t next = packet[start];
      start += (size_t{packet[start + 1]} + 1) * 8;
      protocol = next;
    }
    if (protocol == kFragment || start > end) return false;
    src = packet.subspan(8, 16);
    dst = packet.subspan(24, 16);
  } else {
    return false;
  }
  size_t field;
  if (protocol == kTcp) {
    field = 16;
    if (end - start < 20) return false;
  } else if (protocol == kUdp) {
    field = 6;
    if (end - start < 8) return false;
  } else {
    return false;
  }
  const size_t length = end - start;
  uint8_t* check = &packet[start + field];
  check[0] = check[1] = 0;
  // The pseudo-header: the addresses, the protocol and the segment's length
  // (RFC 793; RFC 8200 section 8.1 for IPv6, the same sum).
  uint64_t sum = Sum(src, 0);
  sum = Sum(dst, sum);
  sum += protocol;
  sum += length;
  sum = Sum(packet.subspan(start, length), sum);
  uint16_t value = FoldAndInvert(sum);
  // UDP sends a computed 0 as 0xffff: 0 there means "no checksum".
  if (protocol == kUdp && value == 0) value = 0xffff;
  check[0] = static_cast<uint8_t>(value >> 8);
  check[1] = static_cast<uint8_t>(value);
  return true;
}

}  // namespace synack::kernel
