// MSG_ZEROCOPY's fragment counting and the error queue's joining of
// completions, as the zerocopy/ corpus scripts measured them.
#include "runtime/stack/zerocopy.h"

#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "runtime/stack/error_queue.h"

namespace synack::stack {
namespace {

TEST(ZerocopyFitTest, EachIovecIsAFragment) {
  // maxfrags.pkt: 18 one-byte iovecs fill an skb with 17, the 18th starts
  // the next.
  const std::vector<size_t> iov(18, 1);
  uint32_t frags = 0;
  EXPECT_EQ(17u, ZerocopyFit(iov, 0, 1000, 0, &frags));
  EXPECT_EQ(17u, frags);
  EXPECT_EQ(0u, ZerocopyFit(iov, 17, 1000, 17, &frags));
  EXPECT_EQ(1u, ZerocopyFit(iov, 17, 1000, 0, &frags));
  EXPECT_EQ(1u, frags);
}

TEST(ZerocopyFitTest, LongIovecsTakeAFragmentPerPage) {
  const std::vector<size_t> iov = {kPageSize * 20};
  uint32_t frags = 0;
  EXPECT_EQ(kPageSize * 17, ZerocopyFit(iov, 0, kPageSize * 20, 0, &frags));
  EXPECT_EQ(17u, frags);
  // 4000 bytes from a page boundary: one fragment, whatever the goal.
  const std::vector<size_t> small = {4000};
  EXPECT_EQ(4000u, ZerocopyFit(small, 0, 16000, 3, &frags));
  EXPECT_EQ(4u, frags);
  // Part of a page already in an earlier skb still costs a fragment here.
  EXPECT_EQ(2u * kPageSize - 100, ZerocopyFit(iov, 100, 2 * kPageSize - 100, 0, &frags));
  EXPECT_EQ(2u, frags);
}

TEST(ErrorQueueTest, ConsecutiveCompletionsJoinTheTail) {
  ErrorQueue q;
  q.PushZerocopy(0, 1, true);
  q.PushZerocopy(1, 1, true);
  q.PushZerocopy(2, 2, true);
  ASSERT_EQ(1u, q.size());
  // A gap starts a new entry.
  q.PushZerocopy(5, 1, true);
  ASSERT_EQ(2u, q.size());
  std::optional<ErrQueueEntry> first = q.Pop();
  ASSERT_TRUE(first);
  EXPECT_EQ(SO_EE_ORIGIN_ZEROCOPY, first->ee.ee_origin);
  EXPECT_EQ(SO_EE_CODE_ZEROCOPY_COPIED, first->ee.ee_code);
  EXPECT_EQ(0u, first->ee.ee_info);
  EXPECT_EQ(3u, first->ee.ee_data);
  std::optional<ErrQueueEntry> second = q.Pop();
  ASSERT_TRUE(second);
  EXPECT_EQ(5u, second->ee.ee_info);
  EXPECT_EQ(5u, second->ee.ee_data);
  EXPECT_FALSE(q.Pop());
}

TEST(ErrorQueueTest, ATimeStampIsNotJoined) {
  ErrorQueue q;
  ErrQueueEntry stamp;
  stamp.ee.ee_origin = SO_EE_ORIGIN_TIMESTAMPING;
  q.Push(stamp);
  q.PushZerocopy(0, 1, false);
  ASSERT_EQ(2u, q.size());
  q.Pop();
  EXPECT_EQ(0, q.Pop()->ee.ee_code);  // zero-copy that was not copied
}

TEST(ErrorQueueTest, CmsgsInTheKernelsOrder) {
  ErrQueueEntry entry;
  entry.ee.ee_errno = ENOMSG;
  entry.ee.ee_origin = SO_EE_ORIGIN_TIMESTAMPING;
  entry.tstamp = Instant(std::chrono::milliseconds(20));
  alignas(cmsghdr) uint8_t control[256];
  size_t len = sizeof control;
  int flags = 0;
  EncodeErrQueueCmsgs(entry, AF_INET, true, std::chrono::seconds(100), control, &len,
                      &flags);
  msghdr msg{};
  msg.msg_control = control;
  msg.msg_controllen = len;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  ASSERT_NE(nullptr, c);
  EXPECT_EQ(SOL_SOCKET, c->cmsg_level);
  EXPECT_EQ(SO_TIMESTAMPING_OLD, c->cmsg_type);
  timespec ts;
  std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
  EXPECT_EQ(100, ts.tv_sec);
  EXPECT_EQ(20000000, ts.tv_nsec);
  c = CMSG_NXTHDR(&msg, c);
  ASSERT_NE(nullptr, c);
  EXPECT_EQ(SOL_IP, c->cmsg_level);
  EXPECT_EQ(IP_RECVERR, c->cmsg_type);
  EXPECT_EQ(nullptr, CMSG_NXTHDR(&msg, c));
  EXPECT_EQ(0, flags);
  // No room: cut off with MSG_CTRUNC.
  len = 8;
  EncodeErrQueueCmsgs(entry, AF_INET6, false, {}, control, &len, &flags);
  EXPECT_EQ(0u, len);
  EXPECT_EQ(MSG_CTRUNC, flags);
}

}  // namespace
}  // namespace synack::stack
