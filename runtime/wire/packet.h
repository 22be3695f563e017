// A concrete IP packet (IPv4 or IPv6 carrying TCP, UDP or ICMP) with real
// addresses and absolute sequence numbers: what goes into and comes out of a
// stack as bytes. Building and parsing live in build.cc and parse.cc.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace synack::wire {

struct IpAddress {
  int family = 0;  // AF_INET or AF_INET6
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4

  static std::optional<IpAddress> Parse(std::string_view text);
  std::string ToString() const;
  // ::ffff:a.b.c.d for an IPv4 address.
  IpAddress ToV4Mapped() const;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

namespace ip_proto {
inline constexpr uint8_t kIcmp = 1, kTcp = 6, kUdp = 17, kIcmpv6 = 58;
}

namespace tcp_flag {
inline constexpr uint16_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08,
                          kAck = 0x10, kUrg = 0x20, kEce = 0x40, kCwr = 0x80,
                          kAe = 0x100;
}

namespace tcp_opt {
inline constexpr uint8_t kEol = 0, kNop = 1, kMss = 2, kWscale = 3,
                         kSackOk = 4, kSack = 5, kTimestamp = 8, kMd5 = 19,
                         kFastOpen = 34, kExperimental = 254;
// AccECN's option: byte counters e0b, ceb, e1b in that order (kind 172) or
// e1b, ceb, e0b (kind 174), 24 bits each, as many as fit its length.
inline constexpr uint8_t kAccEcn0 = 172, kAccEcn1 = 174;
// The 16-bit magic that follows kind 254 for TCP Fast Open (RFC 7413).
inline constexpr uint16_t kFastOpenMagic = 0xF989;
}

// One TCP option as on the wire: kind and the bytes after the length byte.
// NOP and EOL have no data.
struct TcpOption {
  uint8_t kind = 0;
  std::vector<uint8_t> data;
  friend bool operator==(const TcpOption&, const TcpOption&) = default;
};

struct TcpHeader {
  uint16_t src_port = 0, dst_port = 0;
  uint32_t seq = 0, ack = 0;
  uint16_t flags = 0;  // tcp_flag bits
  uint16_t window = 0;
  uint16_t urgent = 0;
  std::vector<TcpOption> options;  // in wire order, padding NOP/EOL included
  friend bool operator==(const TcpHeader&, const TcpHeader&) = default;
};

struct UdpHeader {
  uint16_t src_port = 0, dst_port = 0;
  friend bool operator==(const UdpHeader&, const UdpHeader&) = default;
};

struct IcmpHeader {
  uint8_t type = 0, code = 0;
  uint32_t rest = 0;  // the 4 bytes after the checksum (MTU, id/seq, ...)
  // The offending packet's headers, if any. Build sends `quoted` and then
  // Packet::payload as the ICMP body; Parse puts the body of an error
  // message (one that quotes) here and that of any other type (echo data)
  // in Packet::payload.
  std::vector<uint8_t> quoted;
  friend bool operator==(const IcmpHeader&, const IcmpHeader&) = default;
};

struct Packet {
  IpAddress src, dst;
  uint8_t tos = 0;          // IPv4 TOS / IPv6 traffic class, ECN bits included
  uint32_t flow_label = 0;  // IPv6 only
  uint8_t ttl = 64;         // IPv4 TTL / IPv6 hop limit
  uint16_t ip_id = 0;       // IPv4 only
  bool dont_fragment = false;  // IPv4 only
  // Set by Parse. Build derives the protocol from `l4` and the address
  // family instead of reading this.
  uint8_t protocol = ip_proto::kTcp;
  std::variant<TcpHeader, UdpHeader, IcmpHeader> l4;
  std::vector<uint8_t> payload;

  friend bool operator==(const Packet&, const Packet&) = default;

  bool is_ipv6() const { return src.family != 2 /* AF_INET */; }
  const TcpHeader* tcp() const { return std::get_if<TcpHeader>(&l4); }
  TcpHeader* tcp() { return std::get_if<TcpHeader>(&l4); }
};

// Serializes `packet` with libnet (build-only mode), all checksums filled in.
// Fails (`error` set, no bytes) only on impossible input, e.g. options
// longer than 40 bytes or mixed address families.
struct BuildResult {
  std::vector<uint8_t> bytes;
  std::string error;
  bool ok() const { return error.empty(); }
};
BuildResult Build(const Packet& packet);

// Parses a raw IPv4/IPv6 datagram (as read from a TUN device without packet
// information). `error` names what is malformed; checksums are verified and a
// bad one is an error. IPv4 options and IPv6 hop-by-hop, routing and
// destination-options headers are skipped; a fragment is an error.
struct ParseResult {
  std::optional<Packet> packet;
  std::string error;
};
ParseResult Parse(std::span<const uint8_t> bytes);

// tcpdump-like one-line text with absolute numbers, e.g.
//   192.168.0.1:8080 > 192.0.2.1:40000 S. 3735928559:3735928559(0) ack 1 win 65535 <mss 1460,nop,wscale 8>
// IPv6 endpoints are bracketed: [fd3d::1]:8080. IP info that is set (ECN
// codepoint or TOS, IPv6 flow label) follows at the end: ` (ect0)`.
std::string Format(const Packet& packet);
// The option list in script spelling, brackets included:
// `<mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 8>`.
std::string FormatTcpOptions(const std::vector<TcpOption>& options);

}  // namespace synack::wire
