// SynQueue: age order, lookup and removal by tuple, the count of young
// requests.
#include "runtime/stack/syn_queue.h"

#include <gtest/gtest.h>

#include <vector>

namespace synack::stack {
namespace {

RequestSock Req(uint16_t port) {
  RequestSock r;
  r.tuple.local = {*wire::IpAddress::Parse("192.168.0.1"), 8080};
  r.tuple.remote = {*wire::IpAddress::Parse("192.0.2.1"), port};
  return r;
}

std::vector<uint16_t> Ports(const SynQueue& q) {
  std::vector<uint16_t> ports;
  for (const RequestSock& r : q) ports.push_back(r.tuple.remote.port);
  return ports;
}

TEST(SynQueueTest, KeepsAgeOrderAndNumbersRequests) {
  SynQueue q;
  const uint64_t a = q.Add(Req(3)).seq;
  const uint64_t b = q.Add(Req(1)).seq;
  q.Add(Req(2));
  EXPECT_LT(a, b);
  EXPECT_EQ(Ports(q), (std::vector<uint16_t>{3, 1, 2}));
  q.Erase(Req(1).tuple);
  q.Add(Req(1));
  EXPECT_EQ(Ports(q), (std::vector<uint16_t>{3, 2, 1}));
  EXPECT_GT(q.Find(Req(1).tuple)->seq, q.Find(Req(2).tuple)->seq);
}

TEST(SynQueueTest, FindsAndErasesByTuple) {
  SynQueue q;
  for (uint16_t p = 1; p <= 1000; ++p) q.Add(Req(p));
  ASSERT_NE(q.Find(Req(500).tuple), nullptr);
  EXPECT_EQ(q.Find(Req(500).tuple)->tuple.remote.port, 500);
  EXPECT_EQ(q.Find(Req(1001).tuple), nullptr);
  q.Erase(Req(500).tuple);
  q.Erase(Req(500).tuple);  // gone already: nothing happens
  EXPECT_EQ(q.Find(Req(500).tuple), nullptr);
  EXPECT_EQ(q.size(), 999u);
  q.Clear();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.Find(Req(1).tuple), nullptr);
}

TEST(SynQueueTest, AddingATupleAgainReplacesIt) {
  SynQueue q;
  q.Add(Req(1));
  RequestSock again = Req(1);
  again.rcv_isn = 77;
  q.Add(again);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.Find(Req(1).tuple)->rcv_isn, 77u);
}

TEST(SynQueueTest, CountsYoungRequests) {
  SynQueue q;
  q.Add(Req(1));
  q.Add(Req(2));
  q.Add(Req(3));
  EXPECT_EQ(q.young(), 3u);
  q.CountTimeout(q.Find(Req(1).tuple));
  q.CountTimeout(q.Find(Req(1).tuple));  // an old request stays old
  EXPECT_EQ(q.young(), 2u);
  EXPECT_EQ(q.Find(Req(1).tuple)->num_timeout, 2);
  q.Erase(Req(1).tuple);  // an old one leaves
  EXPECT_EQ(q.young(), 2u);
  q.Erase(Req(2).tuple);  // a young one leaves
  EXPECT_EQ(q.young(), 1u);
  q.Clear();
  EXPECT_EQ(q.young(), 0u);
}

}  // namespace
}  // namespace synack::stack
