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
};

struct UdpHeader {
  uint16_t src_port = 0, dst_port = 0;
};

struct IcmpHeader {
  uint8_t type = 0, code = 0;
  uint32_t rest = 0;  // the 4 bytes after the checksum (MTU, id/seq, ...)
  std::vector<uint8_t> quoted;  // the offending packet's headers, if any
};

struct Packet {
  IpAddress src, dst;
  uint8_t tos = 0;          // IPv4 TOS / IPv6 traffic class, ECN bits included
  uint32_t flow_label = 0;  // IPv6 only
  uint8_t ttl = 64;         // IPv4 TTL / IPv6 hop limit
  uint16_t ip_id = 0;       // IPv4 only
  bool dont_fragment = false;  // IPv4 only
  uint8_t protocol = ip_proto::kTcp;
  std::variant<TcpHeader, UdpHeader, IcmpHeader> l4;
  std::vector<uint8_t> payload;

  bool is_ipv6() const { return src.family != 2 /* AF_INET */; }
  const TcpHeader* tcp() const { return std::get_if<TcpHeader>(&l4); }
  TcpHeader* tcp() { return std::get_if<TcpHeader>(&l4); }
};

// Serializes `packet` with libnet (build-only mode), all checksums filled in.
// Fails (empty optional + message) only on impossible input, e.g. options
// longer than 40 bytes.
struct BuildResult {
  std::vector<uint8_t> bytes;
  std::string error;
  bool ok() const { return error.empty(); }
};
BuildResult Build(const Packet& packet);

// Parses a raw IPv4/IPv6 datagram (as read from a TUN device without packet
// information). `error` names what is malformed; checksums are verified and a
// bad one is an error.
struct ParseResult {
  std::optional<Packet> packet;
  std::string error;
};
ParseResult Parse(std::span<const uint8_t> bytes);

// tcpdump-like one-line text with absolute numbers, e.g.
//   192.168.0.1:8080 > 192.0.2.1:40000 S. 3735928559:3735928559(0) ack 1 win 65535 <mss 1460,nop,wscale 8>
std::string Format(const Packet& packet);
std::string FormatTcpOptions(const std::vector<TcpOption>& options);

}  // namespace synack::wire
