// Completing the TCP or UDP checksum of an outbound packet the kernel left for
// tun0 to finish: with checksum offload on, the stack writes only the
// pseudo-header's sum into the field (CHECKSUM_PARTIAL) and the capture sees
// the packet before any device would complete it.
#pragma once

#include <cstdint>
#include <span>

namespace synack::kernel {

// Writes the transport checksum of the IPv4 or IPv6 datagram `packet` over
// its whole segment (up to the IP length; bytes past it are not summed), as
// the device would have. TCP and UDP only; IPv6 hop-by-hop, routing and
// destination-options headers are skipped. Returns false, bytes unchanged,
// for any other protocol, a fragment, or headers that do not fit.
bool CompleteTransportChecksum(std::span<uint8_t> packet);

}  // namespace synack::kernel
