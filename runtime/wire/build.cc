// Build(): serializes a Packet with libnet's header builders in build-only
// mode (LIBNET_NONE: no socket, no root needed), then fixes up what libnet
// 1.1.6 cannot express.
#include <libnet.h>

#include <cstring>
#include <memory>

#include "runtime/wire/bytes.h"
#include "runtime/wire/checksum.h"
#include "runtime/wire/packet.h"
#include "runtime/wire/tcp_options.h"

namespace synack::wire {
namespace {

constexpr size_t kIpv4HeaderSize = 20, kIpv6HeaderSize = 40;
constexpr size_t kTcpHeaderSize = 20, kUdpHeaderSize = 8, kIcmpHeaderSize = 8;
constexpr size_t kMaxIpLength = 65535;

struct LibnetCloser {
  void operator()(libnet_t* l) const { libnet_destroy(l); }
};
using Libnet = std::unique_ptr<libnet_t, LibnetCloser>;

std::string LibnetError(libnet_t* l) {
  const char* message = libnet_geterror(l);
  return message != nullptr && *message != '\0' ? message : "libnet failed";
}

uint8_t ProtocolOf(const Packet& packet) {
  if (std::holds_alternative<TcpHeader>(packet.l4)) return ip_proto::kTcp;
  if (std::holds_alternative<UdpHeader>(packet.l4)) return ip_proto::kUdp;
  return packet.is_ipv6() ? ip_proto::kIcmpv6 : ip_proto::kIcmp;
}

// Options are padded with zero bytes (EOL) to a 32-bit boundary; libnet
// pads the same way, this only tells us the header length in advance.
size_t Padded(size_t size) { return (size + 3) & ~size_t{3}; }

// Builds the TCP header and payload; returns the transport length in *size.
std::string BuildTcp(const TcpHeader& tcp, const std::vector<uint8_t>& payload,
                     libnet_t* l, size_t* size) {
  const EncodedTcpOptions options = EncodeTcpOptions(tcp.options);
  if (!options.error.empty()) return options.error;
  *size = kTcpHeaderSize + Padded(options.bytes.size()) + payload.size();
  if (*size > kMaxIpLength) return "TCP segment too long";
  if (!options.bytes.empty() &&
      libnet_build_tcp_options(options.bytes.data(),
                               static_cast<uint32_t>(options.bytes.size()), l,
                               0) == -1) {
    return LibnetError(l);
  }
  // libnet takes the eight classic flags; AE (RFC 9768) is patched in later.
  if (libnet_build_tcp(tcp.src_port, tcp.dst_port, tcp.seq, tcp.ack,
                       static_cast<uint8_t>(tcp.flags & 0xff), tcp.window, 0,
                       tcp.urgent, static_cast<uint16_t>(*size),
                       payload.empty() ? nullptr : payload.data(),
                       static_cast<uint32_t>(payload.size()), l, 0) == -1) {
    return LibnetError(l);
  }
  return "";
}

std::string BuildUdp(const UdpHeader& udp, const std::vector<uint8_t>& payload,
                     libnet_t* l, size_t* size) {
  *size = kUdpHeaderSize + payload.size();
  if (*size > kMaxIpLength) return "UDP datagram too long";
  if (libnet_build_udp(udp.src_port, udp.dst_port,
                       static_cast<uint16_t>(*size), 0,
                       payload.empty() ? nullptr : payload.data(),
                       static_cast<uint32_t>(payload.size()), l, 0) == -1) {
    return LibnetError(l);
  }
  return "";
}

// ICMP body: the quoted packet, then any payload (echo data).
//
// libnet 1.1.6's unreachable builders write zero into the four bytes after
// the checksum, so they cannot carry the next-hop MTU of "fragmentation
// needed" (RFC 1191) or "packet too big" (RFC 4443 §3.2). Its echo builders
// write those four bytes as id and sequence and are otherwise the generic
// ICMP layout (type, code, checksum, four bytes, body), with the checksum
// computed the same way, so they serve for every ICMP type here.
std::string BuildIcmp(const IcmpHeader& icmp, bool ipv6,
                      const std::vector<uint8_t>& payload, libnet_t* l,
                      size_t* size) {
  std::vector<uint8_t> body = icmp.quoted;
  body.insert(body.end(), payload.begin(), payload.end());
  *size = kIcmpHeaderSize + body.size();
  if (*size > kMaxIpLength) return "ICMP message too long";
  const auto id = static_cast<uint16_t>(icmp.rest >> 16);
  const auto seq = static_cast<uint16_t>(icmp.rest);
  const auto body_size = static_cast<uint32_t>(body.size());
  uint8_t* body_data = body.empty() ? nullptr : body.data();
  const libnet_ptag_t tag =
      ipv6 ? libnet_build_icmpv6_echo(icmp.type, icmp.code, 0, id, seq,
                                      body_data, body_size, l, 0)
           : libnet_build_icmpv4_echo(icmp.type, icmp.code, 0, id, seq,
                                      body_data, body_size, l, 0);
  return tag == -1 ? LibnetError(l) : "";
}

std::string BuildIpv4(const Packet& packet, uint8_t protocol, size_t l4_size,
                      libnet_t* l) {
  const size_t total = kIpv4HeaderSize + l4_size;
  if (total > kMaxIpLength) return "IPv4 packet too long";
  uint32_t src = 0, dst = 0;  // network byte order, as libnet wants them
  std::memcpy(&src, packet.src.bytes.data(), 4);
  std::memcpy(&dst, packet.dst.bytes.data(), 4);
  const uint16_t frag = packet.dont_fragment ? IP_DF : 0;
  if (libnet_build_ipv4(static_cast<uint16_t>(total), packet.tos, packet.ip_id,
                        frag, packet.ttl, protocol, 0, src, dst, nullptr, 0, l,
                        0) == -1) {
    return LibnetError(l);
  }
  return "";
}

std::string BuildIpv6(const Packet& packet, uint8_t protocol, size_t l4_size,
                      libnet_t* l) {
  libnet_in6_addr src, dst;
  std::memcpy(&src, packet.src.bytes.data(), 16);
  std::memcpy(&dst, packet.dst.bytes.data(), 16);
  // The traffic class and flow label are rewritten by FixIpv6FirstWord.
  if (libnet_build_ipv6(packet.tos, 0, static_cast<uint16_t>(l4_size),
                        protocol, packet.ttl, src, dst, nullptr, 0, l,
                        0) == -1) {
    return LibnetError(l);
  }
  return "";
}

// libnet 1.1.6 writes the third byte of the IPv6 header as
// `fl & 0x0FF00 >> 8` (shift before mask), losing flow-label bits 8..15, so
// version, traffic class and flow label are written here. They are outside
// the pseudo-header, so no checksum changes.
void FixIpv6FirstWord(const Packet& packet, std::vector<uint8_t>& bytes) {
  const uint32_t word = (6u << 28) | (uint32_t{packet.tos} << 20) |
                        (packet.flow_label & 0xfffff);
  Store32(bytes.data(), word);
}

// Sets the AE bit (the low bit of the byte holding the data offset, RFC
// 9768), which libnet cannot, and recomputes the TCP checksum it covers.
void SetAeFlag(const Packet& packet, size_t ip_header_size,
               std::vector<uint8_t>& bytes) {
  std::span<uint8_t> tcp = std::span(bytes).subspan(ip_header_size);
  tcp[12] |= 0x01;
  Store16(&tcp[16], TransportChecksum(packet.src, packet.dst, ip_proto::kTcp,
                                      tcp, ChecksumOffset(ip_proto::kTcp)));
}

std::string CheckAddresses(const Packet& packet) {
  if (packet.src.family != AF_INET && packet.src.family != AF_INET6) {
    return "source address not set";
  }
  if (packet.dst.family != packet.src.family) {
    return "source and destination addresses are of different families";
  }
  return "";
}

std::string BuildHeaders(const Packet& packet, uint8_t protocol, libnet_t* l) {
  // libnet stacks headers from the innermost out: transport first, then IP.
  size_t l4_size = 0;
  std::string error;
  if (const auto* tcp = std::get_if<TcpHeader>(&packet.l4)) {
    error = BuildTcp(*tcp, packet.payload, l, &l4_size);
  } else if (const auto* udp = std::get_if<UdpHeader>(&packet.l4)) {
    error = BuildUdp(*udp, packet.payload, l, &l4_size);
  } else {
    error = BuildIcmp(std::get<IcmpHeader>(packet.l4), packet.is_ipv6(),
                      packet.payload, l, &l4_size);
  }
  if (!error.empty()) return error;
  return packet.is_ipv6() ? BuildIpv6(packet, protocol, l4_size, l)
                          : BuildIpv4(packet, protocol, l4_size, l);
}

}  // namespace

BuildResult Build(const Packet& packet) {
  BuildResult result;
  result.error = CheckAddresses(packet);
  if (!result.error.empty()) return result;

  char init_error[LIBNET_ERRBUF_SIZE] = {};
  const Libnet l(libnet_init(LIBNET_NONE, nullptr, init_error));
  if (l == nullptr) {
    result.error = std::string("libnet_init: ") + init_error;
    return result;
  }
  const uint8_t protocol = ProtocolOf(packet);
  result.error = BuildHeaders(packet, protocol, l.get());
  if (!result.error.empty()) return result;

  // Coalescing assembles the headers and fills in every checksum.
  uint8_t* data = nullptr;
  uint32_t size = 0;
  if (libnet_pblock_coalesce(l.get(), &data, &size) == -1) {
    result.error = LibnetError(l.get());
    return result;
  }
  result.bytes.assign(data, data + size);
  libnet_adv_free_packet(l.get(), data);

  if (packet.is_ipv6()) FixIpv6FirstWord(packet, result.bytes);
  const auto* tcp = packet.tcp();
  if (tcp != nullptr && (tcp->flags & tcp_flag::kAe) != 0) {
    SetAeFlag(packet, packet.is_ipv6() ? kIpv6HeaderSize : kIpv4HeaderSize,
              result.bytes);
  }
  return result;
}

}  // namespace synack::wire
