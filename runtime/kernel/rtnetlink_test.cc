// Netlink message encoding (golden bytes) and acknowledgement decoding.
#include "runtime/kernel/rtnetlink.h"

#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "runtime/kernel/test_helpers.h"

namespace synack::kernel {
namespace {

TEST(NetlinkMessageTest, NewLinkWithMtu) {
  NetlinkMessage message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
  ifinfomsg info{};
  info.ifi_index = 5;
  info.ifi_flags = IFF_UP;
  info.ifi_change = IFF_UP;
  message.PutHeader(&info, sizeof(info));
  message.AddU32(IFLA_MTU, 1500);
  // Little-endian host.
  std::vector<uint8_t> expected = {
      0x28, 0, 0, 0,  0x10, 0,  0x05, 0,  7, 0, 0, 0,  0, 0, 0, 0,  // nlmsghdr
      0, 0,  0, 0,  5, 0, 0, 0,  1, 0, 0, 0,  1, 0, 0, 0,           // ifinfomsg
      8, 0,  4, 0,  0xdc, 0x05, 0, 0,                               // IFLA_MTU
  };
  EXPECT_EQ(expected, message.Finish(7));
}

TEST(NetlinkMessageTest, AttributesArePaddedToFourBytes) {
  NetlinkMessage message(RTM_NEWADDR, NLM_F_REQUEST);
  message.AddAttribute(3, "ab", 2);
  message.AddU32(4, 0x01020304);
  std::vector<uint8_t> bytes = message.Finish(1);
  std::vector<uint8_t> attributes(bytes.begin() + 16, bytes.end());
  EXPECT_EQ((std::vector<uint8_t>{6, 0, 3, 0, 'a', 'b', 0, 0,
                                  8, 0, 4, 0, 4, 3, 2, 1}),
            attributes);
  EXPECT_EQ(32, bytes[0]);
}

// An NLMSG_ERROR reply to request `seq`, with an optional extended-ack text.
std::vector<uint8_t> Ack(uint32_t seq, int error, const char* text) {
  std::vector<uint8_t> tlv;
  if (text) {
    nlattr attr{};
    attr.nla_type = NLMSGERR_ATTR_MSG;
    attr.nla_len = static_cast<uint16_t>(NLA_HDRLEN + std::strlen(text) + 1);
    tlv.resize(NLA_ALIGN(attr.nla_len));
    std::memcpy(tlv.data(), &attr, sizeof(attr));
    std::memcpy(tlv.data() + NLA_HDRLEN, text, std::strlen(text) + 1);
  }
  nlmsghdr header{};
  header.nlmsg_type = NLMSG_ERROR;
  header.nlmsg_seq = seq;
  header.nlmsg_flags = text ? NLM_F_ACK_TLVS | NLM_F_CAPPED : NLM_F_CAPPED;
  header.nlmsg_len =
      static_cast<uint32_t>(NLMSG_HDRLEN + sizeof(nlmsgerr) + tlv.size());
  nlmsgerr err{};
  err.error = error;
  std::vector<uint8_t> out(header.nlmsg_len);
  std::memcpy(out.data(), &header, sizeof(header));
  std::memcpy(out.data() + NLMSG_HDRLEN, &err, sizeof(err));
  if (!tlv.empty()) {
    std::memcpy(out.data() + NLMSG_HDRLEN + sizeof(err), tlv.data(), tlv.size());
  }
  return out;
}

TEST(ParseNetlinkAckTest, Success) {
  auto reply = Ack(9, 0, nullptr);
  EXPECT_EQ(std::optional<std::string>(""),
            ParseNetlinkAck(reply.data(), reply.size(), 9));
}

TEST(ParseNetlinkAckTest, ErrorWithExtendedAckText) {
  auto reply = Ack(9, -EINVAL, "Nexthop has invalid gateway");
  EXPECT_EQ(std::optional<std::string>(
                "Invalid argument (Nexthop has invalid gateway)"),
            ParseNetlinkAck(reply.data(), reply.size(), 9));
}

TEST(ParseNetlinkAckTest, ErrorWithoutText) {
  auto reply = Ack(2, -EEXIST, nullptr);
  EXPECT_EQ(std::optional<std::string>("File exists"),
            ParseNetlinkAck(reply.data(), reply.size(), 2));
}

TEST(ParseNetlinkAckTest, AnotherRequestsAckIsNotOurs) {
  auto reply = Ack(8, 0, nullptr);
  EXPECT_EQ(std::nullopt, ParseNetlinkAck(reply.data(), reply.size(), 9));
}

TEST(ParseNetlinkAckTest, TruncatedReplyIsMalformed) {
  auto reply = Ack(9, 0, nullptr);
  EXPECT_EQ(std::optional<std::string>("malformed netlink reply"),
            ParseNetlinkAck(reply.data(), reply.size() - 4, 9));
}

// An address's announcement that came while the waiting thread did not run
// (a set-up at SCHED_IDLE on a busy machine) is read, not missed, when the
// time is up: here all of it is up before the wait begins.
TEST(RtNetlinkTest, AnAnnouncementAlreadyQueuedIsReadWhenTheTimeIsUp) {
  SYNACK_REQUIRE_ROOT();
  std::string status = "not run";
  std::thread([&status] {
    // A namespace of this thread's own, with its loopback device.
    if (unshare(CLONE_NEWNET) != 0) {
      status = "unshare failed";
      return;
    }
    std::string error;
    auto events = RtNetlink::Open(&error, RTMGRP_IPV6_IFADDR);
    auto requests = RtNetlink::Open(&error);
    if (!events || !requests) {
      status = error;
      return;
    }
    const int lo = static_cast<int>(if_nametoindex("lo"));
    NetlinkAddress address{AF_INET6, {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};
    status = requests->SetLink(lo, true, 0);
    if (status.empty()) status = requests->AddAddress(lo, address, 128, IFA_F_NODAD);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (status.empty()) status = events->WaitForIpv6Address(lo, address, 0);
  }).join();
  EXPECT_EQ("", status);
}

}  // namespace
}  // namespace synack::kernel
