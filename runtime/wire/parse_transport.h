// Parsing of the transport header inside an IP packet (used by parse.cc).
#pragma once

#include <span>
#include <string>

#include "runtime/wire/packet.h"

namespace synack::wire {

// Fills packet->l4 and packet->payload from `segment`, the bytes the IP
// header says follow it. packet->src, dst and protocol must be set already:
// the checksums need them. Returns an error message, empty on success.
std::string ParseTransport(std::span<const uint8_t> segment, Packet* packet);

// Whether an ICMP message of this type quotes the packet that caused it
// (RFC 792, RFC 4443 §2.1: the error messages).
bool IcmpTypeQuotes(bool ipv6, uint8_t type);

}  // namespace synack::wire
