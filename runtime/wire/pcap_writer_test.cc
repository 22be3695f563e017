// PcapWriter: write packets, read them back with libpcap.
#include "runtime/wire/pcap_writer.h"

#include <pcap/pcap.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "runtime/wire/packet.h"
#include "runtime/wire/wire_test_util.h"

namespace synack::wire {
namespace {

using ::testing::ElementsAreArray;
using namespace std::chrono_literals;
using namespace synack::wire::test_util;

std::string TempPath(const char* name) {
  return ::testing::TempDir() + name + std::to_string(getpid()) + ".pcap";
}

struct ReadPacket {
  std::vector<uint8_t> bytes;
  int64_t seconds = 0, nanos = 0;
  uint32_t length = 0;
};

std::vector<ReadPacket> ReadBack(const std::string& path, int* link_type) {
  char error[PCAP_ERRBUF_SIZE] = {};
  pcap_t* pcap = pcap_open_offline_with_tstamp_precision(
      path.c_str(), PCAP_TSTAMP_PRECISION_NANO, error);
  EXPECT_NE(pcap, nullptr) << error;
  std::vector<ReadPacket> packets;
  if (pcap == nullptr) return packets;
  *link_type = pcap_datalink(pcap);
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  while (pcap_next_ex(pcap, &header, &data) == 1) {
    packets.push_back({std::vector<uint8_t>(data, data + header->caplen),
                       header->ts.tv_sec, header->ts.tv_usec, header->len});
  }
  pcap_close(pcap);
  return packets;
}

TEST(PcapWriter, WritesPacketsAndNanosecondTimestamps) {
  const std::string path = TempPath("synack_wire_pcap");
  const std::vector<uint8_t> syn = Build(GoldenSyn4()).bytes;
  const std::vector<uint8_t> syn6 = Build(GoldenSyn6()).bytes;
  {
    std::string error;
    auto writer = PcapWriter::Open(path, &error);
    ASSERT_NE(writer, nullptr) << error;
    writer->Write(1'700'000'000'123'456'789ns, syn);
    writer->Write(1'700'000'001'000'000'001ns, syn6);
    writer->Flush();
  }
  int link_type = 0;
  const std::vector<ReadPacket> packets = ReadBack(path, &link_type);
  std::remove(path.c_str());
  EXPECT_EQ(link_type, DLT_RAW);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_THAT(packets[0].bytes, ElementsAreArray(syn));
  EXPECT_EQ(packets[0].length, syn.size());
  EXPECT_EQ(packets[0].seconds, 1'700'000'000);
  EXPECT_EQ(packets[0].nanos, 123'456'789);
  EXPECT_THAT(packets[1].bytes, ElementsAreArray(syn6));
  EXPECT_EQ(packets[1].seconds, 1'700'000'001);
  EXPECT_EQ(packets[1].nanos, 1);
}

TEST(PcapWriter, FileStartsWithNanosecondMagicAndRawLinkType) {
  const std::string path = TempPath("synack_wire_magic");
  {
    std::string error;
    auto writer = PcapWriter::Open(path, &error);
    ASSERT_NE(writer, nullptr) << error;
  }
  std::ifstream file(path, std::ios::binary);
  std::vector<uint8_t> header(24);
  file.read(reinterpret_cast<char*>(header.data()), 24);
  std::remove(path.c_str());
  ASSERT_EQ(file.gcount(), 24);
  // Little-endian host: magic a1b23c4d (nanoseconds) and LINKTYPE_RAW, 101.
  EXPECT_THAT(std::vector<uint8_t>(header.begin(), header.begin() + 4),
              ElementsAreArray({0x4d, 0x3c, 0xb2, 0xa1}));
  EXPECT_EQ(header[20], 101);
}

TEST(PcapWriter, OpenFailureReportsPath) {
  std::string error;
  EXPECT_EQ(PcapWriter::Open("/nonexistent-dir/x.pcap", &error), nullptr);
  EXPECT_EQ(error.rfind("/nonexistent-dir/x.pcap: ", 0), 0u) << error;
}

}  // namespace
}  // namespace synack::wire
