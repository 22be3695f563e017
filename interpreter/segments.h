// Joining consecutive outbound TCP segments into the one packet a script
// line describes, as packetdrill does unless --strict_segments is given: the
// kernel may hand the device a write in several TSO packets (their size
// follows the pacing rate), and a script that says `P. 1:10001(10000)`
// accepts 2000 + 2000 + ... of one flow, back to back.
#pragma once

#include <string>
#include <vector>

#include "runtime/wire/packet.h"

namespace synack::interpreter {

// Why `next` cannot continue `previous` in one joined packet, or "" when it
// can. Continuing means: the same flow, the same IP TTL, the same TCP header
// but for FIN, PSH and CWR (SYN, RST, ACK, URG, ECE, AE, the ack number, the
// window, the urgent pointer and the length of the options), and `next`
// starting where `previous` ends. A segment other than the last one to join
// must also be as long as the one before it: `next_is_last` says whether
// `next` completes the expected payload.
std::string SegmentJoinError(const wire::Packet& previous,
                             const wire::Packet& next, bool next_is_last);

// One packet from `parts` (at least one, each continuing the one before):
// the last part's headers, the first part's sequence number and CWR flag,
// all the payloads in order.
wire::Packet JoinSegments(const std::vector<wire::Packet>& parts);

}  // namespace synack::interpreter
