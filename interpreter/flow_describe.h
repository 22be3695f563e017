// Live packets in a script's spelling, numbers translated by what is known
// of their flow: `> S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 8>`.
#pragma once

#include <cstdint>
#include <string>

#include "interpreter/flow.h"
#include "runtime/wire/packet.h"

namespace synack::interpreter {

// Script order: F S R P U E W A, then '.' for ACK: `S.`, `SE.`, `F.`; `-`
// for none.
std::string FlagsText(uint16_t flags);

// `noecn`, `ect1`, `ect0`, `ce` for the two ECN bits of a TOS byte.
std::string EcnText(uint8_t tos);

// `outbound`: the stack sent it (numbers of the stack's side in seq). A null
// `flow` shows absolute numbers; `show_ports` adds `sport>dport`.
std::string DescribePacket(const wire::Packet& live, const Flow* flow,
                           bool outbound, bool show_ports);

}  // namespace synack::interpreter
