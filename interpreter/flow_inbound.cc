// Building the live TCP segment for an inbound script line.
#include "interpreter/flow_inbound.h"

#include "interpreter/flow_options.h"

namespace synack::interpreter {
namespace {

constexpr char kIsnUnknown[] =
    "the stack's initial sequence number is not known yet (it has sent no "
    "SYN on this connection)";

uint8_t EcnBits(grammar::Ecn ecn) {
  switch (ecn) {
    case grammar::Ecn::kEct1:
      return 1;
    case grammar::Ecn::kEct0:
      return 2;
    case grammar::Ecn::kCe:
      return 3;
    default:
      return 0;
  }
}

}  // namespace

bool ApplyIpInfo(const std::optional<grammar::IpInfo>& info,
                 wire::Packet* packet, std::string* error) {
  if (!info) return true;
  if (info->ecn == grammar::Ecn::kEct01) {
    *error =
        "[ect01] means ECT(0) or ECT(1) and can only be checked on "
        "outbound packets";
    return false;
  }
  if (info->tos) packet->tos = *info->tos;
  if (info->ecn) {
    packet->tos =
        static_cast<uint8_t>((packet->tos & ~3) | EcnBits(*info->ecn));
  }
  if (info->flow_label && packet->is_ipv6())
    packet->flow_label = *info->flow_label;
  if (info->ttl) packet->ttl = *info->ttl;
  return true;
}

bool BuildInboundTcp(const grammar::TcpPacket& tcp, Flow& flow,
                     wire::Packet* packet, std::string* error) {
  const uint16_t flags = tcp.flags.bits;
  const bool syn = flags & wire::tcp_flag::kSyn;
  const bool ack = flags & wire::tcp_flag::kAck;
  // packetdrill requires it too: the script side's window is part of what
  // the stack is tested against, there is no neutral default.
  if (!tcp.window) {
    *error = "an inbound packet needs its window: add 'win N'";
    return false;
  }
  if (tcp.any_options) {
    *error =
        "<...> matches any options of an outbound packet; an inbound "
        "packet's options must be written out";
    return false;
  }
  // The script side's first SYN names its ISN for the flow's life; SYN
  // numbers are absolute.
  if (syn && !flow.remote_isn) flow.remote_isn = tcp.seq_start;

  wire::TcpHeader header;
  header.src_port = flow.remote_port;
  header.dst_port = flow.local_port;
  header.flags = flags;
  header.seq = flow.RemoteToLive(tcp.seq_start, syn);
  if (ack) {
    if (auto live = flow.LocalToLive(tcp.ack.value_or(0), syn)) {
      header.ack = *live;
    } else if (tcp.ack) {
      *error = "ack " + std::to_string(*tcp.ack) + ": " + kIsnUnknown;
      return false;
    }
  } else {
    // Without the ACK flag the field means nothing to the stack; it goes as
    // written.
    header.ack = tcp.ack.value_or(0);
  }
  header.window = static_cast<uint16_t>(*tcp.window);
  header.urgent = static_cast<uint16_t>(tcp.urgent.value_or(0));

  if (tcp.options) {
    auto options = ScriptOptionsToWire(*tcp.options, error);
    if (!options) return false;
    bool unknown = false;
    MapSackBlocks(*options, [&](uint32_t edge) {
      auto live = flow.LocalToLive(edge, syn);
      unknown |= !live;
      return live.value_or(edge);
    });
    if (unknown) {
      *error = std::string("sack blocks: ") + kIsnUnknown;
      return false;
    }
    // The ecr echoes one of the stack's TS vals, which the script knows
    // only by its own numbers. As in packetdrill it is translated only when
    // ACK is set: a SYN's ecr carries nothing the stack checks.
    if (auto ts = FindTimestamps(*options); ts && ack) {
      auto live = flow.TsValToLive(ts->ecr);
      if (!live) {
        *error = "TS ecr " + std::to_string(ts->ecr) +
                 ": the stack has sent no TS val on this connection to echo";
        return false;
      }
      SetTimestamps(*options, {ts->val, *live});
    }
    header.options = std::move(*options);
  }
  packet->protocol = wire::ip_proto::kTcp;
  packet->l4 = std::move(header);
  packet->payload.assign(tcp.payload_len, 0);
  return true;
}

}  // namespace synack::interpreter
