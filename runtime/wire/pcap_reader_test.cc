// ReadCaptureBytes(): captures built byte by byte (pcap's classic format,
// little-endian, microsecond times), read back into packets or errors.
#include "runtime/wire/pcap_reader.h"

#include <gtest/gtest.h>

#include "runtime/wire/wire_test_util.h"

namespace synack::wire {
namespace {

using namespace std::chrono_literals;
using namespace synack::wire::test_util;

void Put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void Put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v));
  out.push_back(static_cast<uint8_t>(v >> 8));
}

// The 24-byte file header of pcap 2.4 with `link_type`.
std::vector<uint8_t> FileHeader(uint32_t link_type) {
  std::vector<uint8_t> out;
  Put32(out, 0xa1b2c3d4);
  Put16(out, 2);
  Put16(out, 4);
  Put32(out, 0);
  Put32(out, 0);
  Put32(out, 65535);
  Put32(out, link_type);
  return out;
}

// One record: its header and the first `caplen` of `frame`'s bytes.
void AddRecord(std::vector<uint8_t>& out, uint32_t seconds, uint32_t micros,
               const std::vector<uint8_t>& frame, size_t caplen) {
  Put32(out, seconds);
  Put32(out, micros);
  Put32(out, static_cast<uint32_t>(caplen));
  Put32(out, static_cast<uint32_t>(frame.size()));
  out.insert(out.end(), frame.begin(), frame.begin() + caplen);
}

constexpr uint32_t kLinkEthernet = 1, kLinkRaw = 101;

std::vector<uint8_t> Ethernet(uint16_t type, const std::vector<uint8_t>& body) {
  std::vector<uint8_t> frame(12, 0xaa);
  frame.push_back(static_cast<uint8_t>(type >> 8));
  frame.push_back(static_cast<uint8_t>(type));
  frame.insert(frame.end(), body.begin(), body.end());
  return frame;
}

TEST(PcapReader, ReadsIpOverEthernetAndSkipsArp) {
  const std::vector<uint8_t> syn = Build(GoldenSyn4()).bytes;
  std::vector<uint8_t> file = FileHeader(kLinkEthernet);
  AddRecord(file, 10, 5, Ethernet(0x0806, std::vector<uint8_t>(28, 0)), 42);
  AddRecord(file, 10, 250, Ethernet(0x0800, syn), syn.size() + 14);
  const Capture capture = ReadCaptureBytes(file, "eth.pcap");
  ASSERT_EQ(capture.error, "");
  EXPECT_EQ(capture.non_ip_frames, 1u);
  ASSERT_EQ(capture.packets.size(), 1u);
  EXPECT_EQ(capture.packets[0].number, 2u);
  EXPECT_EQ(capture.packets[0].time, 10s + 250us);
  EXPECT_EQ(capture.packets[0].packet, GoldenSyn4());
}

TEST(PcapReader, ReadsRawIpv6) {
  const std::vector<uint8_t> syn6 = Build(GoldenSyn6()).bytes;
  std::vector<uint8_t> file = FileHeader(kLinkRaw);
  AddRecord(file, 1, 0, syn6, syn6.size());
  const Capture capture = ReadCaptureBytes(file, "raw.pcap");
  ASSERT_EQ(capture.error, "");
  ASSERT_EQ(capture.packets.size(), 1u);
  EXPECT_EQ(capture.packets[0].packet, GoldenSyn6());
}

TEST(PcapReader, TruncatedFileIsAnErrorNamingTheFrame) {
  const std::vector<uint8_t> syn = Build(GoldenSyn4()).bytes;
  std::vector<uint8_t> file = FileHeader(kLinkRaw);
  AddRecord(file, 1, 0, syn, syn.size());
  AddRecord(file, 1, 9, syn, syn.size());
  file.resize(file.size() - 10);  // the second record's last 10 bytes
  const Capture capture = ReadCaptureBytes(file, "cut.pcap");
  EXPECT_EQ(capture.error.rfind("cut.pcap: frame 2: truncated dump file", 0),
            0u)
      << capture.error;
}

TEST(PcapReader, SnapshotLengthCutIsAnError) {
  const std::vector<uint8_t> syn = Build(GoldenSyn4()).bytes;
  std::vector<uint8_t> file = FileHeader(kLinkRaw);
  AddRecord(file, 1, 0, syn, 40);
  const Capture capture = ReadCaptureBytes(file, "snap.pcap");
  EXPECT_EQ(capture.error,
            "snap.pcap: frame 1: captured 40 of " + std::to_string(syn.size()) +
                " bytes: the capture was cut short by its snapshot length "
                "(capture again with tcpdump -s 0)");
}

TEST(PcapReader, NotACaptureIsAnError) {
  const std::vector<uint8_t> text = Bytes("0 socket(..., SOCK_STREAM, 0) = 3\n");
  const Capture capture = ReadCaptureBytes(text, "script.pkt");
  EXPECT_EQ(capture.error.rfind(
                "script.pkt: expected a pcap or pcapng capture: ", 0),
            0u)
      << capture.error;
}

TEST(PcapReader, BadIpPacketIsAnError) {
  std::vector<uint8_t> syn = Build(GoldenSyn4()).bytes;
  syn[10] ^= 0xff;  // the IPv4 header checksum
  std::vector<uint8_t> file = FileHeader(kLinkRaw);
  AddRecord(file, 1, 0, syn, syn.size());
  const Capture capture = ReadCaptureBytes(file, "bad.pcap");
  EXPECT_EQ(capture.error.rfind(
                "bad.pcap: frame 1: not a valid IP packet: bad IPv4 header "
                "checksum",
                0),
            0u)
      << capture.error;
}

TEST(PcapReader, UnsupportedLinkTypeIsAnError) {
  const std::vector<uint8_t> syn = Build(GoldenSyn4()).bytes;
  std::vector<uint8_t> file = FileHeader(105);  // IEEE 802.11
  AddRecord(file, 1, 0, syn, syn.size());
  const Capture capture = ReadCaptureBytes(file, "wifi.pcap");
  EXPECT_EQ(capture.error.rfind("wifi.pcap: frame 1: link type 105 (", 0), 0u)
      << capture.error;
}

}  // namespace
}  // namespace synack::wire
