// A small NETLINK_ROUTE client: builds RTM_NEWLINK/NEWADDR/NEWROUTE requests
// and checks the kernel's acknowledgement. Used to set up tun0 and lo without
// spawning `ip`.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/kernel/unique_fd.h"

namespace synack::kernel {

// One netlink message under construction: header, a fixed family header
// (ifinfomsg, ifaddrmsg, rtmsg), then attributes, each 4-byte aligned.
class NetlinkMessage {
 public:
  NetlinkMessage(uint16_t type, uint16_t flags);

  // Appends the family header; call once, before any attribute.
  void PutHeader(const void* data, size_t len);
  void AddAttribute(uint16_t type, const void* data, size_t len);
  void AddU32(uint16_t type, uint32_t value) {
    AddAttribute(type, &value, sizeof(value));
  }

  // The finished bytes, with nlmsg_len and `seq` filled in.
  std::vector<uint8_t> Finish(uint32_t seq) const;

 private:
  std::vector<uint8_t> bytes_;
};

// An address as rtnetlink takes it: AF_INET (4 bytes) or AF_INET6 (16).
struct NetlinkAddress {
  int family = 0;
  std::array<uint8_t, 16> bytes{};
  size_t size() const { return family == AF_INET6 ? 16 : 4; }
};

struct RouteRequest {
  NetlinkAddress destination;
  int prefix_len = 0;
  std::optional<NetlinkAddress> gateway;  // none: a device route
  int oif = 0;
  bool onlink = false;  // take the gateway as reachable on `oif` as is
};

class RtNetlink {
 public:
  // Opens a NETLINK_ROUTE socket in the calling thread's network namespace,
  // subscribed to the RTMGRP_* `groups` (0: requests only; notifications
  // would mix with the acknowledgements).
  static std::unique_ptr<RtNetlink> Open(std::string* error,
                                         uint32_t groups = 0);

  // Each returns an error message, empty on success; the kernel's extended
  // acknowledgement text is included when it gives one.
  std::string SetLink(int ifindex, bool up, int mtu /* 0: unchanged */);
  std::string AddAddress(int ifindex, const NetlinkAddress& address,
                         int prefix_len, uint32_t flags /* IFA_F_* */);
  std::string AddRoute(const RouteRequest& route);

  // On a socket subscribed to RTMGRP_IPV6_IFADDR: waits until the kernel
  // announces `address` on `ifindex` as usable. An IPv6 address, even one
  // without DAD, is completed by a workqueue after RTM_NEWADDR returns, and
  // only then gets its local route: until that, packets to it are dropped
  // (Ip6InAddrErrors). The route goes in under the same RTNL hold as the
  // announcement, so any later rtnetlink request happens after it.
  std::string WaitForIpv6Address(int ifindex, const NetlinkAddress& address,
                                 int timeout_ms);

  // Sends one request and waits for its acknowledgement.
  std::string Request(const NetlinkMessage& message);

 private:
  explicit RtNetlink(UniqueFd fd) : fd_(std::move(fd)) {}

  UniqueFd fd_;
  uint32_t seq_ = 0;
};

// Decodes the acknowledgement for request `seq` in `reply` (one datagram).
// Returns nullopt when `reply` holds no acknowledgement for `seq`, "" for
// success, or the error message.
std::optional<std::string> ParseNetlinkAck(const uint8_t* reply, size_t len,
                                           uint32_t seq);

}  // namespace synack::kernel
