// TCP, UDP and ICMP header parsing with checksum verification.
#include "runtime/wire/parse_transport.h"

#include <cstdio>

#include "runtime/wire/bytes.h"
#include "runtime/wire/checksum.h"
#include "runtime/wire/tcp_options.h"

namespace synack::wire {
namespace {

std::string Hex16(uint16_t value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%04x", value);
  return text;
}

std::string Truncated(const char* what, size_t have, size_t need) {
  return std::string("truncated ") + what + " header: " + std::to_string(have) +
         " bytes, need " + std::to_string(need);
}

// Checks the checksum field at its offset against the computed value.
std::string VerifyChecksum(const char* what, std::span<const uint8_t> segment,
                           const Packet& packet) {
  const size_t offset = ChecksumOffset(packet.protocol);
  const uint16_t found = Load16(&segment[offset]);
  // A zero UDP checksum over IPv4 means "none computed" (RFC 768); over
  // IPv6 it is forbidden (RFC 8200 §8.1) and is checked like any other.
  if (packet.protocol == ip_proto::kUdp && !packet.is_ipv6() && found == 0) {
    return "";
  }
  uint16_t expected =
      UsesPseudoHeader(packet.protocol)
          ? TransportChecksum(packet.src, packet.dst, packet.protocol, segment,
                              offset)
          : Checksum(segment, offset);
  // UDP sends a computed zero as all ones (RFC 768).
  if (packet.protocol == ip_proto::kUdp && expected == 0) expected = 0xffff;
  if (found == expected) return "";
  return std::string("bad ") + what + " checksum " + Hex16(found) +
         " (expected " + Hex16(expected) + ")";
}

std::string ParseTcp(std::span<const uint8_t> segment, Packet* packet) {
  constexpr size_t kMin = 20;
  if (segment.size() < kMin) return Truncated("TCP", segment.size(), kMin);
  const size_t offset_words = segment[12] >> 4;
  const size_t header_size = offset_words * 4;
  if (header_size < kMin || header_size > segment.size()) {
    return "bad TCP data offset " + std::to_string(offset_words) + " (" +
           std::to_string(header_size) + " bytes, segment has " +
           std::to_string(segment.size()) + ")";
  }
  TcpHeader tcp;
  tcp.src_port = Load16(&segment[0]);
  tcp.dst_port = Load16(&segment[2]);
  tcp.seq = Load32(&segment[4]);
  tcp.ack = Load32(&segment[8]);
  tcp.flags = static_cast<uint16_t>(((segment[12] & 0x01) << 8) | segment[13]);
  tcp.window = Load16(&segment[14]);
  tcp.urgent = Load16(&segment[18]);
  DecodedTcpOptions options =
      DecodeTcpOptions(segment.subspan(kMin, header_size - kMin));
  if (!options.error.empty()) return options.error;
  if (std::string error = VerifyChecksum("TCP", segment, *packet); !error.empty()) {
    return error;
  }
  tcp.options = std::move(options.options);
  packet->payload.assign(segment.begin() + header_size, segment.end());
  packet->l4 = std::move(tcp);
  return "";
}

std::string ParseUdp(std::span<const uint8_t> segment, Packet* packet) {
  constexpr size_t kHeader = 8;
  if (segment.size() < kHeader) return Truncated("UDP", segment.size(), kHeader);
  const size_t length = Load16(&segment[4]);
  if (length < kHeader || length > segment.size()) {
    return "bad UDP length " + std::to_string(length) + " (segment has " +
           std::to_string(segment.size()) + " bytes)";
  }
  segment = segment.first(length);
  if (std::string error = VerifyChecksum("UDP", segment, *packet); !error.empty()) {
    return error;
  }
  packet->l4 = UdpHeader{Load16(&segment[0]), Load16(&segment[2])};
  packet->payload.assign(segment.begin() + kHeader, segment.end());
  return "";
}

std::string ParseIcmp(std::span<const uint8_t> segment, Packet* packet) {
  constexpr size_t kHeader = 8;
  const bool ipv6 = packet->is_ipv6();
  const char* name = ipv6 ? "ICMPv6" : "ICMP";
  if (segment.size() < kHeader) return Truncated(name, segment.size(), kHeader);
  if (std::string error = VerifyChecksum(name, segment, *packet); !error.empty()) {
    return error;
  }
  IcmpHeader icmp;
  icmp.type = segment[0];
  icmp.code = segment[1];
  icmp.rest = Load32(&segment[4]);
  const auto body = segment.subspan(kHeader);
  if (IcmpTypeQuotes(ipv6, icmp.type)) {
    icmp.quoted.assign(body.begin(), body.end());
  } else {
    packet->payload.assign(body.begin(), body.end());
  }
  packet->l4 = std::move(icmp);
  return "";
}

}  // namespace

bool IcmpTypeQuotes(bool ipv6, uint8_t type) {
  if (ipv6) return type >= 1 && type <= 4;  // RFC 4443: types below 128
  switch (type) {
    case 3: case 4: case 5: case 11: case 12: return true;
    default: return false;
  }
}

std::string ParseTransport(std::span<const uint8_t> segment, Packet* packet) {
  switch (packet->protocol) {
    case ip_proto::kTcp: return ParseTcp(segment, packet);
    case ip_proto::kUdp: return ParseUdp(segment, packet);
    case ip_proto::kIcmp:
      if (!packet->is_ipv6()) return ParseIcmp(segment, packet);
      break;
    case ip_proto::kIcmpv6:
      if (packet->is_ipv6()) return ParseIcmp(segment, packet);
      break;
  }
  return "unsupported IP protocol " + std::to_string(packet->protocol);
}

}  // namespace synack::wire
