// The flows of a run and which one a packet line without `sport>dport`
// means: the connection of the socket the script used last.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "interpreter/flow.h"

namespace synack::interpreter {

// A flow chosen for one packet: a working copy that matching may teach
// (ports, ISN, timestamps), written back by FlowTable::Commit only when the
// packet was sent or matched, so a failed match leaves the table as it was.
struct FlowRef {
  Flow flow;
  int index = -1;             // in the table; -1: a new flow
  bool make_default = false;  // Commit makes it the default flow
  bool fresh_port = false;    // its remote port came from NextRemotePort
  // The connection before a connect() whose first packet has not shown up
  // yet: its packets still come, but the script may be waiting for the new
  // connection's SYN.
  bool superseded = false;
  // An earlier connection's packet while connect() is pending: no line
  // without ports is about it.
  bool not_default = false;
  // No connection was known for the line: the flow takes the live packet's
  // ports (all of them, or the stack's port after connect()).
  bool from_packet = false;
};

class FlowTable {
 public:
  explicit FlowTable(uint16_t bind_port);

  // The socket calls decide the default flow, as packetdrill's "socket under
  // test" does: bind() and listen() start a new one with the next inbound
  // packet (a new remote port per accepted connection, so a second
  // connection never meets the first one's TIME_WAIT), connect() starts one
  // whose local port the stack's first packet tells.
  void OnBind(uint16_t local_port);
  void OnListen(uint16_t local_port);
  void OnConnect(uint16_t remote_port);

  // The flow named by `sport>dport` (stack's port, script side's port).
  FlowRef Named(uint16_t local_port, uint16_t remote_port) const;

  // The default flow for an inbound packet, created for a bound or listening
  // socket. Fails while a connect()'s local port is unknown.
  std::optional<FlowRef> DefaultInbound(std::string* error) const;

  // The default flow for an outbound packet whose live ports are given: the
  // current one, or one adopting those ports if there is none yet (a packet
  // sent before any inbound one, e.g. a UDP sendto()). `bare_syn`: the
  // packet is a SYN without ACK, which only a new connection sends, or the
  // previous connection again with `live_seq`, its ISN.
  FlowRef DefaultOutbound(uint16_t live_local, uint16_t live_remote,
                          bool bare_syn, uint32_t live_seq) const;

  void Commit(const FlowRef& ref);

  // Whether a packet between these ports is of a default flow, whose
  // packets are compared only with its own lines and may go unmatched, as
  // those of packetdrill's socket under test: a flow that is or was the
  // default one (packetdrill lets go of a socket that is no longer under
  // test), the connection a pending connect() starts, or, before any flow
  // exists, whatever the first packet line will adopt.
  bool OfDefaultFlow(uint16_t local_port, uint16_t remote_port) const;

  size_t size() const { return flows_.size(); }

  // For descriptions: the flow of a live packet's ports (newest first), and
  // whether it is the default flow.
  const Flow* Find(uint16_t local_port, uint16_t remote_port,
                   bool* is_default) const;

 private:
  uint16_t NextRemotePort() const;
  bool RemotePortUsed(uint16_t port) const;
  // The newest flow with these ports, or -1.
  int Newest(uint16_t local_port, uint16_t remote_port) const;
  void Index(int index);
  void Unindex(int index);

  std::vector<std::unique_ptr<Flow>> flows_;
  // Indexes of flows_ by ports, so a lookup costs the same with thousands
  // of flows: the flows with each (local, remote) pair, oldest first, and
  // how many flows use each remote port.
  std::unordered_map<uint32_t, std::vector<int>> by_ports_;
  std::unordered_map<uint16_t, int> remote_port_uses_;
  int default_ = -1;  // index of the default flow; -1: none yet
  // Set by connect(): the default flow is this pending one until its first
  // packet is committed.
  std::optional<Flow> pending_connect_;
  // The default flow before that connect(). A connect() or
  // sendto(MSG_FASTOPEN) on a socket already connecting starts nothing
  // (EALREADY, or data on the connection), yet its caller cannot know that
  // before the call: until the stack shows a new connection (a SYN from a
  // new port), packets of the earlier connection keep going to it.
  int before_connect_ = -1;
  uint16_t bound_port_;
  uint16_t next_remote_port_ = kFirstRemotePort;

  // The script side's ports for flows the script does not name: a
  // deterministic sequence, clear of the usual 8080 and of the low ports.
  static constexpr uint16_t kFirstRemotePort = 48000;
};

}  // namespace synack::interpreter
