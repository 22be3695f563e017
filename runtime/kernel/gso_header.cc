// The virtio-net header in front of an injected packet (--mss).
#include "runtime/kernel/gso_header.h"

#include <netinet/in.h>

namespace synack::kernel {

namespace {

// <linux/virtio_net.h>'s VIRTIO_NET_HDR_GSO_TCPV4 and _TCPV6 (the header
// does not compile as C++: see vnet_header.h).
constexpr uint8_t kGsoTcpv4 = 1;
constexpr uint8_t kGsoTcpv6 = 4;

}  // namespace

VnetHeader InjectHeader(std::span<const uint8_t> packet, int mss) {
  VnetHeader header;
  if (mss <= 0 || packet.empty()) return header;
  const int version = packet[0] >> 4;
  if (version == 4 && packet.size() >= 20 && packet[9] == IPPROTO_TCP) {
    header.gso_type = kGsoTcpv4;
  } else if (version == 6 && packet.size() >= 40 &&
             packet[6] == IPPROTO_TCP) {
    header.gso_type = kGsoTcpv6;
  } else {
    return header;
  }
  // virtio's fields are in the host's byte order (a little-endian guest's,
  // as tun without TUNSETVNETBE).
  header.gso_size = static_cast<uint16_t>(mss);
  return header;
}

}  // namespace synack::kernel
