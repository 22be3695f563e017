// CompleteTransportChecksum against packets wire::Build (libnet) checksummed:
// with the field holding what the kernel leaves there (the pseudo-header's
// sum) or anything else, completing it gives back Build's bytes.
#include "runtime/kernel/partial_checksum.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/wire/packet.h"

namespace synack::kernel {
namespace {

wire::Packet Tcp(const char* src, const char* dst, size_t payload) {
  wire::Packet packet;
  packet.src = *wire::IpAddress::Parse(src);
  packet.dst = *wire::IpAddress::Parse(dst);
  wire::TcpHeader tcp;
  tcp.src_port = 8080;
  tcp.dst_port = 40000;
  tcp.seq = 1;
  tcp.ack = 1;
  tcp.flags = wire::tcp_flag::kAck | wire::tcp_flag::kPsh;
  tcp.window = 256;
  packet.l4 = tcp;
  for (size_t i = 0; i < payload; ++i) {
    packet.payload.push_back(static_cast<uint8_t>(i * 7 + 3));
  }
  return packet;
}

wire::Packet Udp(const char* src, const char* dst, size_t payload) {
  wire::Packet packet = Tcp(src, dst, payload);
  packet.l4 = wire::UdpHeader{53, 40000};
  return packet;
}

std::vector<uint8_t> Built(const wire::Packet& packet) {
  wire::BuildResult built = wire::Build(packet);
  EXPECT_TRUE(built.ok()) << built.error;
  return built.bytes;
}

// Overwrites the checksum field at `offset` (from the packet's start).
std::vector<uint8_t> WithField(std::vector<uint8_t> bytes, size_t offset,
                               uint16_t value) {
  bytes[offset] = static_cast<uint8_t>(value >> 8);
  bytes[offset + 1] = static_cast<uint8_t>(value);
  return bytes;
}

TEST(CompleteTransportChecksumTest, Ipv4TcpFromPartial) {
  std::vector<uint8_t> good = Built(Tcp("192.168.0.2", "192.0.2.1", 2000));
  // What the kernel leaves for CHECKSUM_PARTIAL: the folded, uncomplemented
  // pseudo-header sum. 192.168 + 0.2 + 192.0 + 2.1 + 6 + 2020 bytes.
  uint32_t pseudo = 0xc0a8 + 0x0002 + 0xc000 + 0x0201 + 6 + 2020;
  while (pseudo >> 16) pseudo = (pseudo & 0xffff) + (pseudo >> 16);
  std::vector<uint8_t> partial = WithField(good, 36, static_cast<uint16_t>(pseudo));
  ASSERT_NE(good, partial);
  EXPECT_TRUE(CompleteTransportChecksum(partial));
  EXPECT_EQ(good, partial);
  EXPECT_EQ("", wire::Parse(partial).error);
}

TEST(CompleteTransportChecksumTest, Ipv6TcpOddLength) {
  std::vector<uint8_t> good = Built(Tcp("fd3d:fa7b:d17d::", "2001:db8::1", 1001));
  std::vector<uint8_t> partial = WithField(good, 56, 0x1234);
  EXPECT_TRUE(CompleteTransportChecksum(partial));
  EXPECT_EQ(good, partial);
}

TEST(CompleteTransportChecksumTest, Udp) {
  for (const auto& [src, dst] : {std::pair{"192.168.0.2", "192.0.2.1"},
                                 std::pair{"fd3d:fa7b:d17d::", "2001:db8::1"}}) {
    std::vector<uint8_t> good = Built(Udp(src, dst, 33));
    size_t field = (good[0] >> 4 == 4 ? 20 : 40) + 6;
    std::vector<uint8_t> partial = WithField(good, field, 0);
    EXPECT_TRUE(CompleteTransportChecksum(partial)) << src;
    EXPECT_EQ(good, partial) << src;
  }
}

TEST(CompleteTransportChecksumTest, SkipsIpv6ExtensionHeaders) {
  std::vector<uint8_t> good = Built(Tcp("fd3d:fa7b:d17d::", "2001:db8::1", 10));
  // A hop-by-hop header (next: TCP, length 0, PadN of 4) after the fixed
  // header: the pseudo-header and the TCP checksum do not change.
  std::vector<uint8_t> hop_by_hop = {6, 0, 1, 4, 0, 0, 0, 0};
  std::vector<uint8_t> expected = good;
  expected.insert(expected.begin() + 40, hop_by_hop.begin(), hop_by_hop.end());
  expected[6] = 0;
  expected[5] = static_cast<uint8_t>(expected[5] + 8);
  std::vector<uint8_t> partial = WithField(expected, 40 + 8 + 16, 0xffff);
  EXPECT_TRUE(CompleteTransportChecksum(partial));
  EXPECT_EQ(expected, partial);
}

TEST(CompleteTransportChecksumTest, IgnoresBytesPastTheIpLength) {
  std::vector<uint8_t> good = Built(Tcp("192.168.0.2", "192.0.2.1", 5));
  std::vector<uint8_t> padded = WithField(good, 36, 0);
  padded.insert(padded.end(), {0xde, 0xad});
  EXPECT_TRUE(CompleteTransportChecksum(padded));
  good.insert(good.end(), {0xde, 0xad});
  EXPECT_EQ(good, padded);
}

TEST(CompleteTransportChecksumTest, LeavesOthersAlone) {
  wire::Packet icmp = Tcp("192.168.0.2", "192.0.2.1", 8);
  icmp.l4 = wire::IcmpHeader{8, 0, 0x00010001, {}};
  std::vector<uint8_t> bytes = Built(icmp);
  std::vector<uint8_t> before = bytes;
  EXPECT_FALSE(CompleteTransportChecksum(bytes));
  EXPECT_EQ(before, bytes);

  // A first fragment (more-fragments set).
  bytes = WithField(Built(Tcp("192.168.0.2", "192.0.2.1", 8)), 6, 0x2000);
  before = bytes;
  EXPECT_FALSE(CompleteTransportChecksum(bytes));
  EXPECT_EQ(before, bytes);

  // An IP length longer than the bytes, and a TCP header cut short.
  bytes = Built(Tcp("192.168.0.2", "192.0.2.1", 8));
  bytes.pop_back();
  EXPECT_FALSE(CompleteTransportChecksum(bytes));
  bytes = WithField(Built(Tcp("192.168.0.2", "192.0.2.1", 0)), 2, 30);
  EXPECT_FALSE(CompleteTransportChecksum(bytes));
  std::vector<uint8_t> empty;
  EXPECT_FALSE(CompleteTransportChecksum(empty));
  std::vector<uint8_t> not_ip = {0x00, 0x01};
  EXPECT_FALSE(CompleteTransportChecksum(not_ip));
}

}  // namespace
}  // namespace synack::kernel
