// One connection as a script sees it (a "flow"): its ports and the
// translation of sequence numbers, timestamps and IPv6 flow labels between
// the script's numbers and the live packets.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

namespace synack::interpreter {

// Sequence numbers follow tcpdump's convention, as packetdrill's do: in a
// packet with SYN set, seq and ack are absolute script numbers; in any other
// packet they count from the ISN of the side they belong to, so `1` is the
// first byte after the SYN.
//
// The script's side picks its ISN: the seq written on its SYN goes on the
// wire as written (packetdrill does the same, and Linux accepts any ISN,
// 0 included), so its live and script ISNs are one number. The stack picks
// its own: the first SYN it sends on the flow pairs the live seq with the
// seq the script wrote for it.
//
// Timestamps: the script's TS val goes on the wire as written, so the
// stack's echo of it needs no translation. The stack's TS val is translated
// by what its packets taught: the exact live value sent for a script value,
// else the offset of the first TS val it sent on the flow.
struct Flow {
  // The stack's port; 0 until its first packet after connect() tells it.
  uint16_t local_port = 0;
  // The script side's port.
  uint16_t remote_port = 0;
  // Created by `sport>dport` on a packet line rather than by the socket
  // calls: Describe() then names its ports.
  bool named = false;
  // Lines without ports have been about it (packetdrill's socket under test
  // at some time): its packets no line matches may go unmatched.
  bool was_default = false;

  // The seq of the script side's first SYN on the flow; 0 until one is
  // sent, as in packetdrill (a RST injected into SYN_SENT counts from 0).
  // Like packetdrill, which learns a socket's ISNs once, a later SYN on the
  // same ports (reopening from TIME_WAIT) keeps the first one's numbers.
  std::optional<uint32_t> remote_isn;

  struct IsnPair {
    uint32_t script = 0;
    uint32_t live = 0;
  };
  std::optional<IsnPair> local_isn;

  struct TsPair {
    uint32_t script = 0;
    uint32_t live = 0;
  };
  std::map<uint32_t, uint32_t>
      ts_val_live;  // the stack's TS val, script -> live
  std::optional<TsPair> first_ts;

  // The stack's IPv6 flow label: the script names labels by its own numbers
  // and the check is that the live label stays or changes with them.
  struct LabelPair {
    uint32_t script = 0;
    uint32_t live = 0;
  };
  std::optional<LabelPair> flow_label;

  uint32_t RemoteIsn() const { return remote_isn.value_or(0); }

  // The script side's numbers (inbound seq, outbound ack and SACK blocks).
  uint32_t RemoteToLive(uint32_t script, bool syn) const {
    return syn ? script : script + RemoteIsn();
  }
  uint32_t RemoteToScript(uint32_t live, bool syn) const {
    return syn ? live : live - RemoteIsn();
  }

  // The stack's numbers (outbound seq, inbound ack and SACK blocks);
  // nullopt while its ISN is unknown.
  std::optional<uint32_t> LocalToLive(uint32_t script, bool syn) const {
    if (!local_isn) return std::nullopt;
    return syn ? script - local_isn->script + local_isn->live
               : script + local_isn->live;
  }
  // While the ISN is unknown the live number is shown as it is, except in a
  // SYN, whose script seq is by custom 0.
  uint32_t LocalToScript(uint32_t live, bool syn) const {
    if (!local_isn) return syn ? 0 : live;
    return syn ? live - local_isn->live + local_isn->script
               : live - local_isn->live;
  }

  // The stack's TS val in script numbers; as it is until one was learned.
  uint32_t TsValToScript(uint32_t live) const {
    if (!first_ts) return live;
    return first_ts->script + (live - first_ts->live);
  }
  // The live TS val the stack sent for a script TS val, for an inbound ecr.
  std::optional<uint32_t> TsValToLive(uint32_t script) const {
    if (auto it = ts_val_live.find(script); it != ts_val_live.end()) {
      return it->second;
    }
    if (!first_ts) return std::nullopt;
    return first_ts->live + (script - first_ts->script);
  }
  // Learns from an outbound packet carrying TS val `live` where the script
  // wrote `script`.
  void LearnTsVal(uint32_t script, uint32_t live) {
    ts_val_live[script] = live;
    if (!first_ts) first_ts = TsPair{script, live};
  }
};

}  // namespace synack::interpreter
