// The virtio-net header tun0 carries before each packet (IFF_VNET_HDR);
// <linux/virtio_net.h> itself does not compile as C++ (a field named
// `class`).
#pragma once

#include <cstdint>

namespace synack::kernel {

// struct virtio_net_hdr: all zero means no GSO and complete checksums.
struct VnetHeader {
  uint8_t flags = 0;
  uint8_t gso_type = 0;
  uint16_t hdr_len = 0;
  uint16_t gso_size = 0;
  uint16_t csum_start = 0;
  uint16_t csum_offset = 0;
};
static_assert(sizeof(VnetHeader) == 10, "the kernel's virtio_net_hdr is 10 bytes");

}  // namespace synack::kernel
