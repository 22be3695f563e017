// The connections a script talks about, and the translation between the
// script's view of a packet (ports implied, sequence numbers relative to each
// side's ISN, timestamps as written) and the live packet on the wire.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grammar/ast.h"
#include "interpreter/config.h"
#include "grammar/flow_pattern.h"
#include "runtime/wire/packet.h"

namespace synack::interpreter {

// The outcome of matching one live outbound packet against the script.
struct MatchResult {
  bool ok = false;
  // On mismatch: the field that differs and how, e.g.
  //   "ack: expected 1001, actual 1 (live 3735928560)"
  std::string difference;
  // On mismatch: the live packet belongs to another connection than the one
  // the line is about (other ports, or the connection a pending connect()
  // replaces), so the line may still be met by a later packet.
  bool other_flow = false;
  // No connection was known for the line, so the live packet's ports were
  // taken for it: a mismatch may yet be another connection's packet.
  bool flow_from_packet = false;
};

class Flows {
 public:
  explicit Flows(const NetConfig& net);
  ~Flows();
  Flows(const Flows&) = delete;
  Flows& operator=(const Flows&) = delete;

  // Facts from the system calls, so packets without `sport>dport` find their
  // connection: the script's socket was bound to / listens on `local_port`,
  // or connects to `remote_port` on the remote address.
  //
  // Each starts a new default flow, as packetdrill's "socket under test":
  // after bind() or listen() the next inbound packet opens a flow from a new
  // remote port (48000, 48001, ...); after connect() the stack's first packet
  // to `remote_port` (0: the configured connect port) tells its local port.
  // So call OnConnect only when a connection starts: a socket's first
  // connect() or sendto(MSG_FASTOPEN), not a later one that fails with
  // EALREADY or sends on the connection. Methods may be called from any
  // thread (blocking calls report from theirs).
  void OnBind(uint16_t local_port);
  void OnListen(uint16_t local_port);
  void OnConnect(uint16_t remote_port);

  // The live packet for an inbound (`<`) script packet. On error (no flow to
  // send it on, a sequence number for a flow whose ISN is unknown, ...)
  // returns nullopt and sets *error.
  std::optional<wire::Packet> BuildInbound(const grammar::PacketEvent& packet,
                                           std::string* error);

  // Whether a live packet the stack sent belongs to the script's traffic at
  // all (TCP/UDP/ICMP between local and remote addresses). Others (IPv6
  // neighbour discovery, MLD, ...) are ignored by the interpreter.
  bool IsScriptTraffic(const wire::Packet& live) const;

  // Matches a live outbound packet against an outbound (`>`) script packet,
  // learning the stack's ISN and timestamp offset from it when it is the
  // first of its flow.
  MatchResult MatchOutbound(const grammar::PacketEvent& expected,
                            const wire::Packet& live);

  // Whether a live TCP packet is of the flow an outbound TCP line is about
  // (what MatchOutbound would compare it with), learning nothing.
  bool OfLinesFlow(const grammar::PacketEvent& expected,
                   const wire::Packet& live) const;

  // The script-relative rendering of a live packet ("> S. 0:0(0) ack 1 ...")
  // for diagnostics, using what is known of its flow.
  std::string Describe(const wire::Packet& live) const;

  // Whether a live outbound packet may go unmatched by any line (see
  // Runner::CheckUnmatched): it is of the default flow (FlowTable::
  // OfDefaultFlow), of a flow SetIgnoredFlows names, or ICMP, which has no
  // flow and is compared with the next line as packetdrill does.
  bool MayGoUnmatched(const wire::Packet& live) const;
  void SetIgnoredFlows(std::vector<grammar::FlowPattern> patterns);

  // "flow 8080>40003": a live packet's flow by its ports, the stack's
  // first, for messages.
  std::string FlowName(const wire::Packet& live) const;

  // How many TCP and UDP flows the run has seen.
  size_t FlowCount() const;

  // packetdrill's --tcp_ts_tick_usecs and --tolerance_usecs: with a nonzero
  // tick, an outbound TS val must stay within the tolerance of the script's
  // (|live - script| ticks, in the script's numbers). The default, 0, leaves
  // TS val unchecked; TS ecr is always checked.
  void SetTimestampCheck(int64_t tick_usecs, int64_t tolerance_usecs);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace synack::interpreter
