// ICMP and ICMPv6 messages of a script: building the inbound ones, with the
// quoted header of a packet the stack sent, and matching outbound ones.
#pragma once

#include <optional>
#include <string>

#include "grammar/ast.h"
#include "interpreter/flow.h"
#include "runtime/wire/packet.h"

namespace synack::interpreter {

// Type and code numbers for the script's names in the wire's ICMP version:
// `unreachable`, `type_3`; `frag_needed`, `code_4`. An unknown code name is
// code 1 (host unreachable) on IPv4 and an error on IPv6, which is how
// packetdrill's verdicts on the corpus' undefined `CODE` come out.
struct IcmpTypeCode {
  uint8_t type = 0;
  uint8_t code = 0;
};
std::optional<IcmpTypeCode> ResolveIcmp(const grammar::IcmpPacket& icmp,
                                        bool ipv6, std::string* error);

// Fills packet->l4 (and protocol) for an inbound ICMP message. The quoted
// packet is one the stack sent on `flow` (local -> remote), its TCP seq
// counted from the stack's ISN as in any non-SYN segment; without `[...]`
// it is a TCP header with seq 0, as in packetdrill.
bool BuildIcmp(const grammar::IcmpPacket& icmp, const Flow& flow,
               wire::Packet* packet, std::string* error);

// The first difference between an ICMP message the stack sent and the
// script's; empty when they match (type and code only).
std::string MatchIcmp(const grammar::IcmpPacket& expected,
                      const wire::Packet& live);

// The script spelling of a live ICMP message: `icmp unreachable
// port_unreachable`.
std::string DescribeIcmp(const wire::Packet& live);

}  // namespace synack::interpreter
