// Formatting of ICMP and ICMPv6 messages, including a summary of the packet
// an error message quotes, in the `[seq:end(len)]` / `[udp (len)]` /
// `[raw (len)]` spelling of packet scripts.
#include "runtime/wire/format_icmp.h"

#include <span>

#include "runtime/wire/bytes.h"
#include "runtime/wire/icmp_names.h"

namespace synack::wire {
namespace {

// The quoted IP header: where its transport header starts, which protocol
// that is, and how many bytes the original datagram's transport part had.
struct QuotedIp {
  size_t header_size = 0;
  uint8_t protocol = 0;
  size_t transport_length = 0;
};

// Reads the quoted IP header loosely: the quote is often cut short (RFC 792
// asks for only 8 bytes past the IP header), so lengths come from the
// header's fields rather than from the quote's size.
std::optional<QuotedIp> ReadQuotedIp(std::span<const uint8_t> quoted) {
  if (quoted.empty()) return std::nullopt;
  const int version = quoted[0] >> 4;
  if (version == 4 && quoted.size() >= 20) {
    const size_t header_size = (quoted[0] & 0x0f) * 4;
    const size_t total = Load16(&quoted[2]);
    if (header_size < 20 || total < header_size) return std::nullopt;
    return QuotedIp{header_size, quoted[9], total - header_size};
  }
  if (version == 6 && quoted.size() >= 40) {
    return QuotedIp{40, quoted[6], Load16(&quoted[4])};
  }
  return std::nullopt;
}

std::string QuotedSummary(std::span<const uint8_t> quoted) {
  const std::optional<QuotedIp> ip = ReadQuotedIp(quoted);
  const auto l4 = ip ? quoted.subspan(std::min(ip->header_size, quoted.size()))
                     : std::span<const uint8_t>();
  if (ip && ip->protocol == ip_proto::kTcp && l4.size() >= 8) {
    // The quote may stop after the 8 bytes RFC 792 asks for, or go on with
    // zeros (as scripts' ICMP is built): without a valid data offset,
    // assume a header without options.
    const size_t offset = l4.size() > 12 ? (l4[12] >> 4) * 4 : 0;
    const size_t header = offset >= 20 ? offset : 20;
    const size_t length =
        ip->transport_length > header ? ip->transport_length - header : 0;
    const uint32_t seq = Load32(&l4[4]);
    return "[" + std::to_string(seq) + ":" +
           std::to_string(static_cast<uint32_t>(seq + length)) + "(" +
           std::to_string(length) + ")]";
  }
  if (ip && ip->protocol == ip_proto::kUdp) {
    const size_t length = ip->transport_length > 8 ? ip->transport_length - 8 : 0;
    return "[udp (" + std::to_string(length) + ")]";
  }
  // As scripts write it: the size of the whole ICMP message.
  return "[raw (" + std::to_string(8 + quoted.size()) + ")]";
}

bool IsEcho(bool ipv6, uint8_t type) {
  return ipv6 ? (type == 128 || type == 129) : (type == 0 || type == 8);
}

// The next-hop MTU: the low 16 bits for IPv4 "fragmentation needed" (RFC
// 1191), all 32 bits for ICMPv6 "packet too big" (RFC 4443 §3.2).
std::optional<uint32_t> Mtu(const IcmpHeader& icmp, bool ipv6) {
  if (ipv6 && icmp.type == 2) return icmp.rest;
  if (!ipv6 && icmp.type == 3 && icmp.code == 4) return icmp.rest & 0xffff;
  return std::nullopt;
}

std::string TypeAndCode(const IcmpHeader& icmp, bool ipv6) {
  const auto type = IcmpTypeName(ipv6, icmp.type);
  std::string text = type ? std::string(*type)
                          : "type " + std::to_string(icmp.type);
  if (const auto code = IcmpCodeName(ipv6, icmp.type, icmp.code)) {
    text += " " + std::string(*code);
  } else if (icmp.code != 0 || !type) {
    text += " code " + std::to_string(icmp.code);
  }
  return text;
}

}  // namespace

std::string FormatIcmp(const IcmpHeader& icmp, bool ipv6) {
  std::string text = "icmp " + TypeAndCode(icmp, ipv6);
  if (const auto mtu = Mtu(icmp, ipv6)) text += " mtu " + std::to_string(*mtu);
  if (IsEcho(ipv6, icmp.type)) text += " id " + std::to_string(icmp.rest >> 16);
  if (!icmp.quoted.empty()) text += " " + QuotedSummary(icmp.quoted);
  return text;
}

}  // namespace synack::wire
