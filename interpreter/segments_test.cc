#include "interpreter/segments.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>

namespace synack::interpreter {
namespace {

wire::IpAddress V4(const char* text) {
  wire::IpAddress address;
  address.family = AF_INET;
  inet_pton(AF_INET, text, address.bytes.data());
  return address;
}

// `> P. seq:seq+len(len) ack 1 win 1050` from 192.168.0.2:8080.
wire::Packet Segment(uint32_t seq, size_t len, uint16_t flags) {
  wire::Packet packet;
  packet.src = V4("192.168.0.2");
  packet.dst = V4("192.0.2.1");
  wire::TcpHeader tcp;
  tcp.src_port = 8080;
  tcp.dst_port = 40000;
  tcp.seq = seq;
  tcp.ack = 1;
  tcp.flags = flags;
  tcp.window = 1050;
  packet.l4 = tcp;
  packet.payload.assign(len, static_cast<uint8_t>(seq));
  return packet;
}

constexpr uint16_t kAck = wire::tcp_flag::kAck;
constexpr uint16_t kPshAck = wire::tcp_flag::kPsh | wire::tcp_flag::kAck;

TEST(SegmentsTest, BackToBackPartsOfOneWriteJoin) {
  EXPECT_EQ("", SegmentJoinError(Segment(1, 2000, kPshAck),
                                 Segment(2001, 2000, kAck), false));
  EXPECT_EQ("", SegmentJoinError(Segment(2001, 2000, kAck),
                                 Segment(4001, 500, kPshAck), true));
}

TEST(SegmentsTest, AGapOrAnOverlapDoesNotJoin) {
  EXPECT_EQ("sequence number 2002 does not follow 2001",
            SegmentJoinError(Segment(1, 2000, kAck), Segment(2002, 2000, kAck),
                             false));
}

TEST(SegmentsTest, AShorterMiddlePartDoesNotJoin) {
  EXPECT_EQ("a middle segment of 1000 bytes after one of 2000",
            SegmentJoinError(Segment(1, 2000, kAck), Segment(2001, 1000, kAck),
                             false));
  EXPECT_EQ("", SegmentJoinError(Segment(1, 2000, kAck),
                                 Segment(2001, 1000, kAck), true));
}

TEST(SegmentsTest, HeadersOtherThanFinPshCwrMustAgree) {
  wire::Packet other_window = Segment(2001, 2000, kAck);
  other_window.tcp()->window = 2000;
  EXPECT_EQ("window changes from 1050 to 2000",
            SegmentJoinError(Segment(1, 2000, kAck), other_window, false));
  EXPECT_EQ("flags changes from 16 to 20",
            SegmentJoinError(Segment(1, 2000, kAck),
                             Segment(2001, 2000, kAck | wire::tcp_flag::kRst),
                             false));
  wire::Packet other_port = Segment(2001, 2000, kAck);
  other_port.tcp()->dst_port = 40001;
  EXPECT_EQ("a segment of another connection came in between",
            SegmentJoinError(Segment(1, 2000, kAck), other_port, false));
}

TEST(SegmentsTest, TheJoinedPacketHasTheLastHeadersAndTheFirstSeq) {
  wire::Packet first = Segment(1, 2000, kAck | wire::tcp_flag::kCwr);
  wire::Packet last = Segment(2001, 1000, kPshAck);
  wire::Packet joined = JoinSegments({first, last});
  ASSERT_NE(nullptr, joined.tcp());
  EXPECT_EQ(1u, joined.tcp()->seq);
  EXPECT_EQ(kPshAck | wire::tcp_flag::kCwr, joined.tcp()->flags);
  ASSERT_EQ(3000u, joined.payload.size());
  EXPECT_EQ(first.payload[0], joined.payload[0]);
  EXPECT_EQ(last.payload[0], joined.payload[2999]);
}

}  // namespace
}  // namespace synack::interpreter
