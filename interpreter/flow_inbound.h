// Live packets for a script's inbound (`<`) lines: TCP segments with their
// numbers translated, and the IP fields a line may set.
#pragma once

#include <optional>
#include <string>

#include "grammar/ast.h"
#include "interpreter/flow.h"
#include "runtime/wire/packet.h"

namespace synack::interpreter {

// Sets TOS/traffic class (ECN codepoint or whole byte), flow label and TTL.
// `[ect01]` is an error: it means "either" and can only be checked.
bool ApplyIpInfo(const std::optional<grammar::IpInfo>& info,
                 wire::Packet* packet, std::string* error);

// Fills packet->l4 and payload for `tcp` sent on `flow` (ports included).
// `flow` is a working copy: a SYN teaches it the script side's ISN.
bool BuildInboundTcp(const grammar::TcpPacket& tcp, Flow& flow,
                     wire::Packet* packet, std::string* error);

}  // namespace synack::interpreter
