// Flows: picks the flow of each packet line and delegates the translation
// (flow_inbound, flow_outbound_match, flow_icmp, flow_describe).
#include "interpreter/flows.h"

#include <sys/socket.h>

#include <mutex>

#include "interpreter/flow_describe.h"
#include "interpreter/flow_icmp.h"
#include "interpreter/flow_inbound.h"
#include "interpreter/flow_outbound_match.h"
#include "interpreter/flow_table.h"

namespace synack::interpreter {
namespace {

bool IsV4Mapped(const wire::IpAddress& address) {
  if (address.family != AF_INET6) return false;
  for (int i = 0; i < 10; ++i) {
    if (address.bytes[i] != 0) return false;
  }
  return address.bytes[10] == 0xff && address.bytes[11] == 0xff;
}

// An address as it appears on the wire: an IPv4-mapped IPv6 address
// (::ffff:a.b.c.d) travels as plain IPv4.
wire::IpAddress OnWire(const wire::IpAddress& address, bool ipv6_wire) {
  if (ipv6_wire || !IsV4Mapped(address)) return address;
  wire::IpAddress v4;
  v4.family = AF_INET;
  for (int i = 0; i < 4; ++i) v4.bytes[i] = address.bytes[12 + i];
  return v4;
}

std::string ProtocolName(const wire::Packet& packet) {
  if (packet.tcp()) return "tcp";
  if (std::holds_alternative<wire::UdpHeader>(packet.l4)) return "udp";
  return "icmp";
}

const char* ProtocolName(const grammar::PacketEvent& event) {
  if (std::holds_alternative<grammar::TcpPacket>(event.packet)) return "tcp";
  if (std::holds_alternative<grammar::UdpPacket>(event.packet)) return "udp";
  return "icmp";
}

// The ports of a live TCP or UDP packet; {0, 0} for ICMP.
std::pair<uint16_t, uint16_t> Ports(const wire::Packet& packet) {
  if (const auto* tcp = packet.tcp()) return {tcp->src_port, tcp->dst_port};
  if (const auto* udp = std::get_if<wire::UdpHeader>(&packet.l4)) {
    return {udp->src_port, udp->dst_port};
  }
  return {0, 0};
}

bool BareSyn(const wire::Packet& packet) {
  const auto* tcp = packet.tcp();
  return tcp != nullptr && (tcp->flags & wire::tcp_flag::kSyn) &&
         !(tcp->flags & wire::tcp_flag::kAck);
}

std::string PortPair(uint16_t src, uint16_t dst) {
  return (src == 0 ? std::string("?") : std::to_string(src)) + ">" +
         std::to_string(dst);
}

MatchResult Fail(std::string difference) {
  return MatchResult{false, std::move(difference), false, false};
}

MatchResult OtherFlow(std::string difference) {
  return MatchResult{false, std::move(difference), true, false};
}

bool BareSynLine(const grammar::PacketEvent& event) {
  const auto* tcp = std::get_if<grammar::TcpPacket>(&event.packet);
  return tcp != nullptr && tcp->flags.bits == wire::tcp_flag::kSyn;
}

// The flow an outbound TCP or UDP line is about, for the live packet: the
// one its `sport>dport` names, else the default one. A flow whose local port
// is not known yet adopts the packet's when the packet goes to its remote
// port (after connect(), the stack's first packet tells its ephemeral port).
FlowRef OutboundFlow(const FlowTable& table,
                     const grammar::PacketEvent& expected,
                     const wire::Packet& live) {
  const auto [src, dst] = Ports(live);
  FlowRef ref = expected.ports
                    ? table.Named(expected.ports->src, expected.ports->dst)
                    : table.DefaultOutbound(src, dst, BareSyn(live),
                                            live.tcp() ? live.tcp()->seq : 0);
  if (ref.flow.local_port == 0 && dst == ref.flow.remote_port) {
    ref.flow.local_port = src;
  }
  return ref;
}

}  // namespace

struct Flows::State {
  explicit State(const NetConfig& config)
      : ipv6_wire(config.ip_version == IpVersion::kIpv6),
        local(OnWire(config.local_ip, ipv6_wire)),
        remote(OnWire(config.remote_ip, ipv6_wire)),
        table(config.bind_port),
        connect_port(config.connect_port) {}

  bool ipv6_wire;
  wire::IpAddress local, remote;
  FlowTable table;
  uint16_t connect_port;
  TsCheck ts;
  std::vector<grammar::FlowPattern> ignored;
  // Blocking system calls run on their own threads and report OnConnect()
  // and friends from there.
  mutable std::mutex mutex;
};

Flows::Flows(const NetConfig& net) : state_(std::make_unique<State>(net)) {}

Flows::~Flows() = default;

void Flows::OnBind(uint16_t local_port) {
  std::lock_guard lock(state_->mutex);
  state_->table.OnBind(local_port);
}

void Flows::OnListen(uint16_t local_port) {
  std::lock_guard lock(state_->mutex);
  state_->table.OnListen(local_port);
}

void Flows::OnConnect(uint16_t remote_port) {
  std::lock_guard lock(state_->mutex);
  state_->table.OnConnect(remote_port != 0 ? remote_port
                                           : state_->connect_port);
}

void Flows::SetTimestampCheck(int64_t tick_usecs, int64_t tolerance_usecs) {
  std::lock_guard lock(state_->mutex);
  state_->ts = TsCheck{tick_usecs, tolerance_usecs};
}

std::optional<wire::Packet> Flows::BuildInbound(
    const grammar::PacketEvent& event, std::string* error) {
  std::lock_guard lock(state_->mutex);
  if (event.direction != grammar::Direction::kInbound) {
    *error = "not an inbound packet";
    return std::nullopt;
  }
  if (!event.encapsulations.empty()) {
    *error =
        "packets inside an outer ipv4, ipv6, gre or mpls header are not "
        "supported";
    return std::nullopt;
  }
  wire::Packet packet;
  packet.src = state_->remote;
  packet.dst = state_->local;
  if (!ApplyIpInfo(event.ip_info, &packet, error)) return std::nullopt;

  // `sport>dport` on an inbound line: the script side's port first.
  std::optional<FlowRef> ref =
      event.ports ? state_->table.Named(event.ports->dst, event.ports->src)
                  : state_->table.DefaultInbound(error);
  if (!ref) return std::nullopt;
  Flow& flow = ref->flow;

  if (const auto* tcp = std::get_if<grammar::TcpPacket>(&event.packet)) {
    if (!BuildInboundTcp(*tcp, flow, &packet, error)) return std::nullopt;
  } else if (const auto* udp = std::get_if<grammar::UdpPacket>(&event.packet)) {
    packet.protocol = wire::ip_proto::kUdp;
    packet.l4 = wire::UdpHeader{flow.remote_port, flow.local_port};
    packet.payload.assign(udp->payload_len, 0);
  } else {
    const auto& icmp = std::get<grammar::IcmpPacket>(event.packet);
    if (!BuildIcmp(icmp, flow, &packet, error)) return std::nullopt;
  }
  state_->table.Commit(*ref);
  return packet;
}

bool Flows::IsScriptTraffic(const wire::Packet& live) const {
  std::lock_guard lock(state_->mutex);
  const bool between =
      (live.src == state_->local && live.dst == state_->remote) ||
      (live.src == state_->remote && live.dst == state_->local);
  if (!between) return false;
  if (live.tcp() || std::holds_alternative<wire::UdpHeader>(live.l4)) {
    return true;
  }
  const auto* icmp = std::get_if<wire::IcmpHeader>(&live.l4);
  if (icmp == nullptr) return false;
  // ICMPv6 carries neighbour discovery and MLD (types 130-143, unicast to
  // the remote address for reachability probes): the kernel's business, not
  // the script's. Errors (below 128) and echo are the script's.
  if (live.is_ipv6()) return icmp->type <= 129;
  return true;
}

bool Flows::OfLinesFlow(const grammar::PacketEvent& expected,
                        const wire::Packet& live) const {
  std::lock_guard lock(state_->mutex);
  const State& s = *state_;
  if (live.tcp() == nullptr || std::get_if<grammar::TcpPacket>(
                                   &expected.packet) == nullptr) {
    return false;
  }
  const auto [src, dst] = Ports(live);
  const FlowRef ref = OutboundFlow(s.table, expected, live);
  return src == ref.flow.local_port && dst == ref.flow.remote_port &&
         !ref.superseded && !ref.not_default;
}

MatchResult Flows::MatchOutbound(const grammar::PacketEvent& expected,
                                 const wire::Packet& live) {
  std::lock_guard lock(state_->mutex);
  State& s = *state_;
  if (expected.direction != grammar::Direction::kOutbound) {
    return Fail("direction: expected an outbound packet line");
  }
  if (!expected.encapsulations.empty()) {
    return Fail(
        "packets inside an outer ipv4, ipv6, gre or mpls header are "
        "not supported");
  }
  if (live.src != s.local || live.dst != s.remote) {
    return Fail("addresses: expected " + s.local.ToString() + " > " +
                s.remote.ToString() + ", actual " + live.src.ToString() +
                " > " + live.dst.ToString());
  }
  if (ProtocolName(expected) != ProtocolName(live)) {
    return Fail(std::string("protocol: expected ") + ProtocolName(expected) +
                ", actual " + ProtocolName(live));
  }
  if (const auto* icmp = std::get_if<grammar::IcmpPacket>(&expected.packet)) {
    std::string difference = MatchIcmp(*icmp, live);
    Flow scratch;  // ICMP has no flow; its flow label is not tracked
    if (difference.empty()) {
      difference = MatchIpInfo(expected.ip_info, live, scratch);
    }
    if (!difference.empty()) return Fail(std::move(difference));
    return MatchResult{true, "", false, false};
  }

  // `sport>dport` on an outbound line: the stack's port first.
  const auto [src, dst] = Ports(live);
  FlowRef ref = OutboundFlow(s.table, expected, live);
  Flow& flow = ref.flow;
  if (src != flow.local_port || dst != flow.remote_port) {
    return OtherFlow("ports: expected " +
                     PortPair(flow.local_port, flow.remote_port) +
                     ", actual " + PortPair(src, dst));
  }
  if (ref.not_default) {
    return OtherFlow("connection: expected the connection connect() "
                     "started, actual a packet of an earlier one (" +
                     PortPair(src, dst) + ")");
  }
  // A SYN line after connect() is about the new connection; the previous
  // one may still send (the ACK of a SYN-ACK injected just before, in
  // tcp/fastopen/client/syn-data-rtt-from-syn-data.pkt).
  if (ref.superseded && BareSynLine(expected)) {
    return OtherFlow("connection: expected the SYN of the connection "
                     "connect() started, actual a packet of the one before (" +
                     PortPair(src, dst) + ")");
  }

  std::string difference;
  if (const auto* tcp = std::get_if<grammar::TcpPacket>(&expected.packet)) {
    difference = MatchTcp(*tcp, live, flow, s.ts);
  } else {
    const auto& udp = std::get<grammar::UdpPacket>(expected.packet);
    if (live.payload.size() != udp.payload_len) {
      difference = "payload length: expected " +
                   std::to_string(udp.payload_len) + ", actual " +
                   std::to_string(live.payload.size());
    }
  }
  if (difference.empty()) {
    difference = MatchIpInfo(expected.ip_info, live, flow);
  }
  if (!difference.empty()) {
    MatchResult result = Fail(std::move(difference));
    result.flow_from_packet = ref.from_packet;
    return result;
  }
  s.table.Commit(ref);
  return MatchResult{true, "", false, false};
}

bool Flows::MayGoUnmatched(const wire::Packet& live) const {
  std::lock_guard lock(state_->mutex);
  if (!live.tcp() && !std::holds_alternative<wire::UdpHeader>(live.l4)) {
    return true;
  }
  const auto [src, dst] = Ports(live);
  for (const grammar::FlowPattern& pattern : state_->ignored) {
    if (pattern.Matches(src, dst)) return true;
  }
  return state_->table.OfDefaultFlow(src, dst);
}

void Flows::SetIgnoredFlows(std::vector<grammar::FlowPattern> patterns) {
  std::lock_guard lock(state_->mutex);
  state_->ignored = std::move(patterns);
}

std::string Flows::FlowName(const wire::Packet& live) const {
  const auto [src, dst] = Ports(live);
  return "flow " + PortPair(src, dst);
}

size_t Flows::FlowCount() const {
  std::lock_guard lock(state_->mutex);
  return state_->table.size();
}

std::string Flows::Describe(const wire::Packet& live) const {
  std::lock_guard lock(state_->mutex);
  const bool outbound = !(live.src == state_->remote);
  auto [src, dst] = Ports(live);
  const uint16_t local = outbound ? src : dst;
  const uint16_t remote = outbound ? dst : src;
  bool is_default = false;
  const Flow* flow =
      live.tcp() || std::holds_alternative<wire::UdpHeader>(live.l4)
          ? state_->table.Find(local, remote, &is_default)
          : nullptr;
  return DescribePacket(live, flow, outbound, !is_default);
}

}  // namespace synack::interpreter
