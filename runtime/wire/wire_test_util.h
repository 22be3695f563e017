// Helpers shared by the wire tests: addresses, hex byte strings, packets,
// and an RFC 1071 checksum written independently of checksum.cc.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/wire/packet.h"

namespace synack::wire {

// Lets GoogleTest show packets that differ field by field.
inline void PrintTo(const Packet& packet, std::ostream* out) {
  *out << Format(packet) << " {tos " << int{packet.tos} << " flow "
       << packet.flow_label << " ttl " << int{packet.ttl} << " id "
       << packet.ip_id << " df " << packet.dont_fragment << " proto "
       << int{packet.protocol} << " payload " << packet.payload.size();
  if (const auto* icmp = std::get_if<IcmpHeader>(&packet.l4)) {
    *out << " icmp rest " << icmp->rest << " quoted " << icmp->quoted.size();
  }
  *out << "}";
}

}  // namespace synack::wire

namespace synack::wire::test_util {

inline IpAddress Ip(std::string_view text) { return *IpAddress::Parse(text); }

// "45 00 0a" -> {0x45, 0x00, 0x0a}; spaces are ignored.
inline std::vector<uint8_t> Hex(std::string_view text) {
  std::vector<uint8_t> bytes;
  std::string digits;
  for (char c : text) {
    if (c != ' ') digits += c;
  }
  for (size_t i = 0; i + 1 < digits.size(); i += 2) {
    bytes.push_back(static_cast<uint8_t>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

inline std::vector<uint8_t> Bytes(std::string_view text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

// The plain RFC 1071 loop over a buffer: folding the sum of a region that
// holds a correct checksum gives 0xffff.
inline uint16_t FoldedSum(const std::vector<uint8_t>& data) {
  uint32_t sum = 0;
  for (size_t i = 0; i < data.size(); i += 2) {
    sum += (data[i] << 8) | (i + 1 < data.size() ? data[i + 1] : 0);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

// The pseudo-header (RFC 793 / RFC 8200 §8.1) followed by the segment.
inline std::vector<uint8_t> WithPseudoHeader(const std::vector<uint8_t>& packet,
                                             size_t ip_header_size) {
  std::vector<uint8_t> out;
  const size_t length = packet.size() - ip_header_size;
  if (ip_header_size == 20) {
    out.assign(packet.begin() + 12, packet.begin() + 20);
    out.insert(out.end(), {0, packet[9], static_cast<uint8_t>(length >> 8),
                           static_cast<uint8_t>(length)});
  } else {
    out.assign(packet.begin() + 8, packet.begin() + 40);
    out.insert(out.end(), {0, 0, static_cast<uint8_t>(length >> 8),
                           static_cast<uint8_t>(length), 0, 0, 0, packet[6]});
  }
  out.insert(out.end(), packet.begin() + ip_header_size, packet.end());
  return out;
}

inline std::vector<TcpOption> SynOptions(uint32_t ts_val, uint8_t wscale) {
  return {
      {tcp_opt::kMss, {0x05, 0xb4}},
      {tcp_opt::kSackOk, {}},
      {tcp_opt::kTimestamp,
       {static_cast<uint8_t>(ts_val >> 24), static_cast<uint8_t>(ts_val >> 16),
        static_cast<uint8_t>(ts_val >> 8), static_cast<uint8_t>(ts_val), 0, 0,
        0, 0}},
      {tcp_opt::kNop, {}},
      {tcp_opt::kWscale, {wscale}},
  };
}

inline Packet TcpPacket(std::string_view src, std::string_view dst,
                        TcpHeader tcp, std::vector<uint8_t> payload = {}) {
  Packet packet;
  packet.src = Ip(src);
  packet.dst = Ip(dst);
  packet.protocol = ip_proto::kTcp;
  packet.l4 = std::move(tcp);
  packet.payload = std::move(payload);
  return packet;
}

// The remote end's SYN of the golden tests: 192.0.2.1:40000 > 192.168.0.1:8080.
inline Packet GoldenSyn4() {
  TcpHeader tcp;
  tcp.src_port = 40000;
  tcp.dst_port = 8080;
  tcp.flags = tcp_flag::kSyn;
  tcp.window = 65535;
  tcp.options = SynOptions(100, 7);
  Packet packet = TcpPacket("192.0.2.1", "192.168.0.1", tcp);
  packet.dont_fragment = true;
  return packet;
}

inline Packet GoldenSyn6() {
  Packet packet = GoldenSyn4();
  packet.src = Ip("fd3d:fa7b:d17d::1");
  packet.dst = Ip("fd3d:0a0b:17d6::1");
  packet.flow_label = 0x12345;
  packet.dont_fragment = false;  // IPv4 only
  return packet;
}

}  // namespace synack::wire::test_util
