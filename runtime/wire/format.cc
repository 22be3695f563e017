// Format(): one tcpdump/packetdrill-like line per packet, with absolute
// sequence numbers.
#include <sys/socket.h>

#include <cstdio>

#include "runtime/wire/format_icmp.h"
#include "runtime/wire/packet.h"

namespace synack::wire {
namespace {

// IPv6 addresses are bracketed before a port, as in URLs, since their own
// colons would make `addr:port` ambiguous.
std::string Endpoint(const IpAddress& address, uint16_t port) {
  const std::string text = address.ToString();
  if (address.family == AF_INET6) return "[" + text + "]:" + std::to_string(port);
  return text + ":" + std::to_string(port);
}

// Script order: F S R P . U E W A, '.' standing for ACK; '-' for none.
std::string Flags(uint16_t flags) {
  static constexpr struct {
    uint16_t bit;
    char letter;
  } kLetters[] = {
      {tcp_flag::kFin, 'F'}, {tcp_flag::kSyn, 'S'}, {tcp_flag::kRst, 'R'},
      {tcp_flag::kPsh, 'P'}, {tcp_flag::kAck, '.'}, {tcp_flag::kUrg, 'U'},
      {tcp_flag::kEce, 'E'}, {tcp_flag::kCwr, 'W'}, {tcp_flag::kAe, 'A'},
  };
  std::string text;
  for (const auto& entry : kLetters) {
    if (flags & entry.bit) text += entry.letter;
  }
  return text.empty() ? "-" : text;
}

std::string FormatTcp(const Packet& packet, const TcpHeader& tcp) {
  const size_t length = packet.payload.size();
  std::string text = Endpoint(packet.src, tcp.src_port) + " > " +
                     Endpoint(packet.dst, tcp.dst_port) + " " +
                     Flags(tcp.flags) + " " + std::to_string(tcp.seq) + ":" +
                     std::to_string(static_cast<uint32_t>(tcp.seq + length)) +
                     "(" + std::to_string(length) + ")";
  if (tcp.flags & tcp_flag::kAck) text += " ack " + std::to_string(tcp.ack);
  text += " win " + std::to_string(tcp.window);
  if ((tcp.flags & tcp_flag::kUrg) || tcp.urgent != 0) {
    text += " urg " + std::to_string(tcp.urgent);
  }
  if (!tcp.options.empty()) text += " " + FormatTcpOptions(tcp.options);
  return text;
}

std::string FormatUdp(const Packet& packet, const UdpHeader& udp) {
  return Endpoint(packet.src, udp.src_port) + " > " +
         Endpoint(packet.dst, udp.dst_port) + " udp (" +
         std::to_string(packet.payload.size()) + ")";
}

// ` (ect0)`, ` (tos 0x10)`, ` (ce, flowlabel 0x12345)` or nothing. A TOS
// byte holding only ECN bits is named by its codepoint (RFC 3168 §5); any
// other nonzero TOS is shown whole.
std::string IpInfo(const Packet& packet) {
  static constexpr const char* kEcn[] = {"", "ect1", "ect0", "ce"};
  std::string info;
  char text[32];
  if (packet.tos & ~3) {
    std::snprintf(text, sizeof text, "tos 0x%02x", packet.tos);
    info = text;
  } else {
    info = kEcn[packet.tos & 3];
  }
  if (packet.is_ipv6() && packet.flow_label != 0) {
    std::snprintf(text, sizeof text, "flowlabel 0x%x", packet.flow_label);
    info += (info.empty() ? "" : ", ") + std::string(text);
  }
  return info.empty() ? "" : " (" + info + ")";
}

}  // namespace

std::string Format(const Packet& packet) {
  std::string text;
  if (const auto* tcp = std::get_if<TcpHeader>(&packet.l4)) {
    text = FormatTcp(packet, *tcp);
  } else if (const auto* udp = std::get_if<UdpHeader>(&packet.l4)) {
    text = FormatUdp(packet, *udp);
  } else {
    text = packet.src.ToString() + " > " + packet.dst.ToString() + " " +
           FormatIcmp(std::get<IcmpHeader>(packet.l4), packet.is_ipv6());
  }
  return text + IpInfo(packet);
}

}  // namespace synack::wire
