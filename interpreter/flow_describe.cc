// DescribePacket(): a live packet as a script line would spell it.
#include "interpreter/flow_describe.h"

#include <cstdio>

#include "interpreter/flow_icmp.h"
#include "interpreter/flow_options.h"

namespace synack::interpreter {
namespace {

std::string IpPrefix(const wire::Packet& live) {
  if (live.tos == 0) return "";
  if ((live.tos & ~3) == 0) return "[" + EcnText(live.tos) + "] ";
  char text[16];
  std::snprintf(text, sizeof text, "[tos 0x%02x] ", live.tos);
  return text;
}

std::string DescribeTcp(const wire::Packet& live, const wire::TcpHeader& tcp,
                        const Flow* flow, bool outbound) {
  const bool syn = tcp.flags & wire::tcp_flag::kSyn;
  uint32_t seq = tcp.seq, ack = tcp.ack;
  std::vector<wire::TcpOption> options = tcp.options;
  if (flow != nullptr) {
    // Each number belongs to one side: seq to the sender, ack and SACK
    // blocks to the receiver.
    auto local = [&](uint32_t v) { return flow->LocalToScript(v, syn); };
    auto remote = [&](uint32_t v) { return flow->RemoteToScript(v, syn); };
    seq = outbound ? local(tcp.seq) : remote(tcp.seq);
    ack = outbound ? remote(tcp.ack) : local(tcp.ack);
    if (outbound) {
      MapSackBlocks(options, remote);
      if (auto ts = FindTimestamps(options)) {
        SetTimestamps(options, {flow->TsValToScript(ts->val), ts->ecr});
      }
    } else {
      MapSackBlocks(options, local);
    }
  }
  const auto length = static_cast<uint32_t>(live.payload.size());
  std::string text = FlagsText(tcp.flags) + " " + std::to_string(seq) + ":" +
                     std::to_string(seq + length) + "(" +
                     std::to_string(length) + ")";
  if (tcp.flags & wire::tcp_flag::kAck) text += " ack " + std::to_string(ack);
  text += " win " + std::to_string(tcp.window);
  if ((tcp.flags & wire::tcp_flag::kUrg) || tcp.urgent != 0) {
    text += " urg " + std::to_string(tcp.urgent);
  }
  if (HasOptions(options)) {
    text += " " + wire::FormatTcpOptions(WithoutTrailingEol(options));
  }
  return text;
}

}  // namespace

std::string FlagsText(uint16_t flags) {
  static constexpr struct {
    uint16_t bit;
    char letter;
  } kLetters[] = {
      {wire::tcp_flag::kFin, 'F'}, {wire::tcp_flag::kSyn, 'S'},
      {wire::tcp_flag::kRst, 'R'}, {wire::tcp_flag::kPsh, 'P'},
      {wire::tcp_flag::kUrg, 'U'}, {wire::tcp_flag::kEce, 'E'},
      {wire::tcp_flag::kCwr, 'W'}, {wire::tcp_flag::kAe, 'A'},
      {wire::tcp_flag::kAck, '.'},
  };
  std::string text;
  for (const auto& entry : kLetters) {
    if (flags & entry.bit) text += entry.letter;
  }
  return text.empty() ? "-" : text;
}

std::string EcnText(uint8_t tos) {
  static constexpr const char* kNames[] = {"noecn", "ect1", "ect0", "ce"};
  return kNames[tos & 3];
}

std::string DescribePacket(const wire::Packet& live, const Flow* flow,
                           bool outbound, bool show_ports) {
  std::string text = std::string(outbound ? ">" : "<") + " " + IpPrefix(live);
  auto ports = [&](uint16_t src, uint16_t dst) {
    return show_ports ? std::to_string(src) + ">" + std::to_string(dst) + " "
                      : std::string();
  };
  if (const auto* tcp = live.tcp()) {
    return text + ports(tcp->src_port, tcp->dst_port) +
           DescribeTcp(live, *tcp, flow, outbound);
  }
  if (const auto* udp = std::get_if<wire::UdpHeader>(&live.l4)) {
    return text + "udp " + ports(udp->src_port, udp->dst_port) + "(" +
           std::to_string(live.payload.size()) + ")";
  }
  return text + DescribeIcmp(live);
}

}  // namespace synack::interpreter
