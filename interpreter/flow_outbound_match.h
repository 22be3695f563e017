// Comparing a live outbound TCP segment (and IP fields) with a script's
// outbound line, field by field, naming the first field that differs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "grammar/ast.h"
#include "interpreter/flow.h"
#include "runtime/wire/packet.h"

namespace synack::interpreter {

// packetdrill's --tcp_ts_tick_usecs: with a tick set, the stack's TS val
// must advance with the script's, |live - script| ticks within the
// tolerance; 0 leaves TS val unchecked.
struct TsCheck {
  int64_t tick_usecs = 0;
  int64_t tolerance_usecs = 4000;
};

// Flags, seq, payload length, ack, window (if written), urgent pointer,
// options. `flow` is a working copy: the stack's ISN and TS vals are learned
// into it. Returns the difference, empty when the segment matches.
std::string MatchTcp(const grammar::TcpPacket& expected,
                     const wire::Packet& live, Flow& flow, const TsCheck& ts);

// ECN codepoint, TOS byte, TTL and IPv6 flow label, those written.
std::string MatchIpInfo(const std::optional<grammar::IpInfo>& info,
                        const wire::Packet& live, Flow& flow);

}  // namespace synack::interpreter
