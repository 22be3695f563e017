// Tests for the virtio-net header of injected packets (--mss).
#include "runtime/kernel/gso_header.h"

#include <gtest/gtest.h>

#include <vector>

namespace synack::kernel {
namespace {

std::vector<uint8_t> Ipv4(uint8_t protocol) {
  std::vector<uint8_t> packet(40, 0);
  packet[0] = 0x45;
  packet[9] = protocol;
  return packet;
}

std::vector<uint8_t> Ipv6(uint8_t next_header) {
  std::vector<uint8_t> packet(60, 0);
  packet[0] = 0x60;
  packet[6] = next_header;
  return packet;
}

TEST(GsoHeaderTest, TcpGetsGsoTypeAndSize) {
  VnetHeader v4 = InjectHeader(Ipv4(6), 1000);
  EXPECT_EQ(1, v4.gso_type);  // VIRTIO_NET_HDR_GSO_TCPV4
  EXPECT_EQ(1000, v4.gso_size);
  EXPECT_EQ(0, v4.flags);  // checksums complete, as given
  EXPECT_EQ(0, v4.hdr_len);
  VnetHeader v6 = InjectHeader(Ipv6(6), 1200);
  EXPECT_EQ(4, v6.gso_type);  // VIRTIO_NET_HDR_GSO_TCPV6
  EXPECT_EQ(1200, v6.gso_size);
}

TEST(GsoHeaderTest, ZeroWithoutMssOrForOtherProtocols) {
  const std::vector<std::vector<uint8_t>> packets = {
      Ipv4(6), Ipv6(6), Ipv4(17), Ipv4(1), Ipv6(17), Ipv6(58), {}, {0x45}};
  for (const std::vector<uint8_t>& packet : packets) {
    for (int mss : {0, 1000}) {
      if (mss != 0 && (packet == Ipv4(6) || packet == Ipv6(6))) continue;
      VnetHeader header = InjectHeader(packet, mss);
      EXPECT_EQ(0, header.gso_type) << packet.size() << " " << mss;
      EXPECT_EQ(0, header.gso_size);
    }
  }
}

}  // namespace
}  // namespace synack::kernel
