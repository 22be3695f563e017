// The ICMP part of Format(): type, code, MTU, echo id, quoted packet.
#pragma once

#include <string>

#include "runtime/wire/packet.h"

namespace synack::wire {

// E.g. `icmp unreachable frag_needed mtu 1400 [3735928559:3735929559(1000)]`.
std::string FormatIcmp(const IcmpHeader& icmp, bool ipv6);

}  // namespace synack::wire
