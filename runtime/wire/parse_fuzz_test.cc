// Fuzz-style robustness checks for Parse() (and Format() of what it
// accepts): random bytes, every truncation and byte mutations of valid
// packets. Run under -DSYNACK_SANITIZE=ON to catch out-of-bounds reads.
#include <gtest/gtest.h>

#include <random>

#include "runtime/wire/packet.h"
#include "runtime/wire/wire_test_util.h"

namespace synack::wire {
namespace {

using namespace synack::wire::test_util;

std::vector<std::vector<uint8_t>> ValidPackets() {
  std::vector<Packet> packets = {GoldenSyn4(), GoldenSyn6()};
  Packet udp;
  udp.src = Ip("192.0.2.1");
  udp.dst = Ip("192.168.0.1");
  udp.l4 = UdpHeader{1, 2};
  udp.payload = Bytes("data");
  packets.push_back(udp);
  Packet icmp;
  icmp.src = Ip("fd3d::1");
  icmp.dst = Ip("fd3d::2");
  icmp.l4 = IcmpHeader{2, 0, 1280, Build(GoldenSyn6()).bytes};
  packets.push_back(icmp);
  icmp.src = Ip("192.0.2.1");
  icmp.dst = Ip("192.168.0.1");
  icmp.l4 = IcmpHeader{3, 4, 1400, Build(GoldenSyn4()).bytes};
  packets.push_back(icmp);
  std::vector<std::vector<uint8_t>> out;
  for (const Packet& packet : packets) out.push_back(Build(packet).bytes);
  return out;
}

// Parse must either give a packet or an error, never both or neither; an
// accepted packet must format.
void ExpectWellBehaved(const std::vector<uint8_t>& bytes) {
  const ParseResult result = Parse(bytes);
  ASSERT_NE(result.packet.has_value(), !result.error.empty()) << result.error;
  if (result.packet) {
    EXPECT_FALSE(Format(*result.packet).empty());
  }
}

TEST(ParseFuzz, EveryTruncationIsAnError) {
  for (const std::vector<uint8_t>& bytes : ValidPackets()) {
    ASSERT_TRUE(Parse(bytes).packet.has_value());
    for (size_t size = 0; size < bytes.size(); ++size) {
      const std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + size);
      EXPECT_FALSE(Parse(prefix).error.empty()) << "prefix " << size;
    }
  }
}

TEST(ParseFuzz, ByteMutationsOfValidPackets) {
  std::mt19937 random(1);
  for (const std::vector<uint8_t>& original : ValidPackets()) {
    for (int round = 0; round < 20000; ++round) {
      std::vector<uint8_t> bytes = original;
      const int changes = 1 + static_cast<int>(random() % 4);
      for (int i = 0; i < changes; ++i) {
        bytes[random() % bytes.size()] = static_cast<uint8_t>(random());
      }
      if (random() % 4 == 0) bytes.resize(random() % (bytes.size() + 1));
      ExpectWellBehaved(bytes);
    }
  }
}

TEST(ParseFuzz, RandomBytesWithPlausibleVersion) {
  std::mt19937 random(2);
  for (int round = 0; round < 50000; ++round) {
    std::vector<uint8_t> bytes(random() % 120);
    for (uint8_t& byte : bytes) byte = static_cast<uint8_t>(random());
    if (!bytes.empty()) {
      bytes[0] = static_cast<uint8_t>((random() % 2 ? 0x40 : 0x60) | (bytes[0] & 0x0f));
    }
    // Let the length fields often agree with the buffer so parsing gets past
    // the IP header into transport and option parsing.
    if (bytes.size() >= 40 && random() % 2) {
      if (bytes[0] >> 4 == 4) {
        bytes[0] = 0x45;
        bytes[2] = 0;
        bytes[3] = static_cast<uint8_t>(bytes.size());
      } else {
        bytes[4] = 0;
        bytes[5] = static_cast<uint8_t>(bytes.size() - 40);
      }
    }
    ExpectWellBehaved(bytes);
  }
}

// Checksums stop most random packets early; build valid TCP headers around
// random option areas so the option parser and formatter see them all.
TEST(ParseFuzz, RandomTcpOptionAreas) {
  std::mt19937 random(3);
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    Packet packet = GoldenSyn4();
    std::vector<uint8_t> area((random() % 11) * 4);
    for (uint8_t& byte : area) byte = static_cast<uint8_t>(random() % 40);
    packet.tcp()->options.clear();
    std::vector<uint8_t> bytes = Build(packet).bytes;
    bytes.insert(bytes.begin() + 40, area.begin(), area.end());
    bytes[3] = static_cast<uint8_t>(bytes.size());
    bytes[32] = static_cast<uint8_t>((5 + area.size() / 4) << 4);
    // Refresh both checksums with the test's own sums.
    bytes[10] = bytes[11] = bytes[36] = bytes[37] = 0;
    const uint16_t ip = static_cast<uint16_t>(~FoldedSum({bytes.begin(), bytes.begin() + 20}));
    const uint16_t tcp = static_cast<uint16_t>(~FoldedSum(WithPseudoHeader(bytes, 20)));
    bytes[10] = static_cast<uint8_t>(ip >> 8);
    bytes[11] = static_cast<uint8_t>(ip);
    bytes[36] = static_cast<uint8_t>(tcp >> 8);
    bytes[37] = static_cast<uint8_t>(tcp);
    const ParseResult result = Parse(bytes);
    if (result.packet) {
      ++accepted;
      // Accepted options rebuild to the same bytes.
      EXPECT_EQ(Build(*result.packet).bytes, bytes);
    } else {
      EXPECT_TRUE(result.error.find("TCP option") != std::string::npos)
          << result.error;
    }
  }
  // Both paths must have been exercised for the test to mean anything.
  EXPECT_GT(accepted, 2000);
  EXPECT_LT(accepted, 18000);
}

}  // namespace
}  // namespace synack::wire
