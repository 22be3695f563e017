// The virtio-net header in front of an injected packet: zero, or with
// packetdrill's --mss a GSO header that makes the kernel take the packet
// as segments of that size.
#pragma once

#include <cstdint>
#include <span>

#include "runtime/kernel/vnet_header.h"

namespace synack::kernel {

// For a raw IP datagram: with `mss` > 0 and a TCP packet (IPv4, or IPv6
// whose first next header is TCP), gso_type TCPV4/TCPV6 and gso_size
// `mss`, as packetdrill's linux_tun_write (netdev.c) writes it; otherwise
// all zero. The kernel's virtio_net_hdr_to_skb gives an skb a gso_size
// only when its payload is longer than that, and tcp_measure_rcv_mss
// takes the gso_size for the segment size, so a long packet then counts
// as `mss`-sized segments for the receive-MSS estimate.
VnetHeader InjectHeader(std::span<const uint8_t> packet, int mss);

}  // namespace synack::kernel
