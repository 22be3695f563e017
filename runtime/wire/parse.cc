// Parse(): IPv4 and IPv6 headers (IPv6 extension headers skipped), then the
// transport header via parse_transport.cc. Every read is bounds-checked.
#include <sys/socket.h>

#include <cstdio>
#include <cstring>

#include "runtime/wire/bytes.h"
#include "runtime/wire/checksum.h"
#include "runtime/wire/packet.h"
#include "runtime/wire/parse_transport.h"

namespace synack::wire {
namespace {

constexpr size_t kIpv4MinHeader = 20, kIpv6Header = 40;

std::string Truncated(const char* what, size_t have, size_t need) {
  return std::string("truncated ") + what + " header: " + std::to_string(have) +
         " bytes, need " + std::to_string(need);
}

std::string TooLong(const char* what, size_t length, size_t have) {
  return std::string(what) + " " + std::to_string(length) +
         " exceeds packet size " + std::to_string(have);
}

// Fills the IPv4 fields of *packet and points *segment at the transport
// bytes. Bytes past the total length (link padding) are ignored.
std::string ParseIpv4(std::span<const uint8_t> bytes, Packet* packet,
                      std::span<const uint8_t>* segment) {
  if (bytes.size() < kIpv4MinHeader) {
    return Truncated("IPv4", bytes.size(), kIpv4MinHeader);
  }
  const size_t ihl = bytes[0] & 0x0f;
  const size_t header_size = ihl * 4;
  if (header_size < kIpv4MinHeader) {
    return "bad IPv4 header length " + std::to_string(ihl);
  }
  if (header_size > bytes.size()) {
    return Truncated("IPv4", bytes.size(), header_size);
  }
  const size_t total = Load16(&bytes[2]);
  if (total < header_size) {
    return "bad IPv4 total length " + std::to_string(total);
  }
  if (total > bytes.size()) {
    return TooLong("IPv4 total length", total, bytes.size());
  }
  const uint16_t frag = Load16(&bytes[6]);
  // More-fragments set or a nonzero offset: a piece of a larger datagram.
  if ((frag & 0x3fff) != 0) return "fragmented packet";
  const auto header = bytes.first(header_size);
  const uint16_t found = Load16(&bytes[10]);
  const uint16_t expected = Checksum(header, 10);
  if (found != expected) {
    char text[64];
    std::snprintf(text, sizeof text,
                  "bad IPv4 header checksum 0x%04x (expected 0x%04x)", found,
                  expected);
    return text;
  }
  packet->src.family = packet->dst.family = AF_INET;
  std::memcpy(packet->src.bytes.data(), &bytes[12], 4);
  std::memcpy(packet->dst.bytes.data(), &bytes[16], 4);
  packet->tos = bytes[1];
  packet->ip_id = Load16(&bytes[4]);
  packet->dont_fragment = (frag & 0x4000) != 0;
  packet->ttl = bytes[8];
  packet->protocol = bytes[9];
  *segment = bytes.subspan(header_size, total - header_size);
  return "";
}

// IPv6 extension headers that may precede the transport header and are
// skipped: they share the (next header, length in 8-octet units) layout.
bool IsSkippedExtension(uint8_t next_header) {
  constexpr uint8_t kHopByHop = 0, kRouting = 43, kDestinationOptions = 60;
  return next_header == kHopByHop || next_header == kRouting ||
         next_header == kDestinationOptions;
}

// Walks the extension header chain from *next_header over *rest.
std::string SkipIpv6Extensions(uint8_t* next_header,
                               std::span<const uint8_t>* rest) {
  constexpr uint8_t kFragment = 44;
  while (true) {
    if (*next_header == kFragment) return "fragmented packet";
    if (!IsSkippedExtension(*next_header)) return "";
    if (rest->size() < 2) return Truncated("IPv6 extension", rest->size(), 8);
    const size_t size = (size_t{(*rest)[1]} + 1) * 8;
    if (size > rest->size()) {
      return Truncated("IPv6 extension", rest->size(), size);
    }
    *next_header = (*rest)[0];
    *rest = rest->subspan(size);
  }
}

std::string ParseIpv6(std::span<const uint8_t> bytes, Packet* packet,
                      std::span<const uint8_t>* segment) {
  if (bytes.size() < kIpv6Header) {
    return Truncated("IPv6", bytes.size(), kIpv6Header);
  }
  const size_t payload_length = Load16(&bytes[4]);
  if (kIpv6Header + payload_length > bytes.size()) {
    return TooLong("IPv6 payload length", payload_length,
                   bytes.size() - kIpv6Header);
  }
  const uint32_t first_word = Load32(&bytes[0]);
  uint8_t next_header = bytes[6];
  std::span<const uint8_t> rest = bytes.subspan(kIpv6Header, payload_length);
  if (std::string error = SkipIpv6Extensions(&next_header, &rest);
      !error.empty()) {
    return error;
  }
  packet->src.family = packet->dst.family = AF_INET6;
  std::memcpy(packet->src.bytes.data(), &bytes[8], 16);
  std::memcpy(packet->dst.bytes.data(), &bytes[24], 16);
  packet->tos = static_cast<uint8_t>(first_word >> 20);
  packet->flow_label = first_word & 0xfffff;
  packet->ttl = bytes[7];
  packet->protocol = next_header;
  *segment = rest;
  return "";
}

}  // namespace

ParseResult Parse(std::span<const uint8_t> bytes) {
  ParseResult result;
  if (bytes.empty()) {
    result.error = "truncated IP header: empty packet";
    return result;
  }
  Packet packet;
  std::span<const uint8_t> segment;
  const int version = bytes[0] >> 4;
  if (version == 4) {
    result.error = ParseIpv4(bytes, &packet, &segment);
  } else if (version == 6) {
    result.error = ParseIpv6(bytes, &packet, &segment);
  } else {
    result.error = "unknown IP version " + std::to_string(version);
  }
  if (result.error.empty()) result.error = ParseTransport(segment, &packet);
  if (result.error.empty()) result.packet = std::move(packet);
  return result;
}

}  // namespace synack::wire
