// NETLINK_ROUTE request building and acknowledgement checking.
#include "runtime/kernel/rtnetlink.h"

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace synack::kernel {
namespace {

constexpr size_t Align(size_t n) { return (n + 3) & ~size_t{3}; }

std::string Errno(const char* what, int err) {
  return std::string(what) + ": " + std::strerror(err);
}

}  // namespace

NetlinkMessage::NetlinkMessage(uint16_t type, uint16_t flags)
    : bytes_(sizeof(nlmsghdr)) {
  nlmsghdr header{};
  header.nlmsg_type = type;
  header.nlmsg_flags = flags;
  std::memcpy(bytes_.data(), &header, sizeof(header));
}

void NetlinkMessage::PutHeader(const void* data, size_t len) {
  size_t at = bytes_.size();
  bytes_.resize(at + Align(len));
  std::memcpy(bytes_.data() + at, data, len);
}

void NetlinkMessage::AddAttribute(uint16_t type, const void* data,
                                  size_t len) {
  rtattr attr{};
  attr.rta_type = type;
  attr.rta_len = static_cast<uint16_t>(RTA_LENGTH(len));
  size_t at = bytes_.size();
  bytes_.resize(at + RTA_SPACE(len));
  std::memcpy(bytes_.data() + at, &attr, sizeof(attr));
  std::memcpy(bytes_.data() + at + RTA_LENGTH(0), data, len);
}

std::vector<uint8_t> NetlinkMessage::Finish(uint32_t seq) const {
  std::vector<uint8_t> out = bytes_;
  nlmsghdr header;
  std::memcpy(&header, out.data(), sizeof(header));
  header.nlmsg_len = static_cast<uint32_t>(out.size());
  header.nlmsg_seq = seq;
  std::memcpy(out.data(), &header, sizeof(header));
  return out;
}

std::optional<std::string> ParseNetlinkAck(const uint8_t* reply, size_t len,
                                           uint32_t seq) {
  size_t at = 0;
  while (at + sizeof(nlmsghdr) <= len) {
    nlmsghdr header;
    std::memcpy(&header, reply + at, sizeof(header));
    if (header.nlmsg_len < sizeof(nlmsghdr) || at + header.nlmsg_len > len) {
      return "malformed netlink reply";
    }
    const uint8_t* body = reply + at + NLMSG_HDRLEN;
    size_t body_len = header.nlmsg_len - NLMSG_HDRLEN;
    if (header.nlmsg_seq == seq && header.nlmsg_type == NLMSG_ERROR) {
      nlmsgerr err;
      if (body_len < sizeof(err)) return "short netlink acknowledgement";
      std::memcpy(&err, body, sizeof(err));
      if (err.error == 0) return "";
      std::string message = std::strerror(-err.error);
      // With NETLINK_CAP_ACK the request comes back as its header only, so
      // the extended-ack attributes start right after struct nlmsgerr.
      if (header.nlmsg_flags & NLM_F_ACK_TLVS) {
        size_t off = sizeof(err);
        while (off + sizeof(nlattr) <= body_len) {
          nlattr attr;
          std::memcpy(&attr, body + off, sizeof(attr));
          if (attr.nla_len < sizeof(nlattr) || off + attr.nla_len > body_len) {
            break;
          }
          if (attr.nla_type == NLMSGERR_ATTR_MSG) {
            const char* text =
                reinterpret_cast<const char*>(body + off + NLA_HDRLEN);
            size_t text_len =
                strnlen(text, attr.nla_len - NLA_HDRLEN);
            message += " (" + std::string(text, text_len) + ")";
          }
          off += NLA_ALIGN(attr.nla_len);
        }
      }
      return message;
    }
    at += NLMSG_ALIGN(header.nlmsg_len);
  }
  return std::nullopt;
}

std::unique_ptr<RtNetlink> RtNetlink::Open(std::string* error,
                                           uint32_t groups) {
  UniqueFd fd(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!fd.valid()) {
    *error = Errno("socket(AF_NETLINK)", errno);
    return nullptr;
  }
  // Best effort: without them errors are still reported, only less precisely.
  int one = 1;
  setsockopt(fd.get(), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
  setsockopt(fd.get(), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  local.nl_groups = groups;
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
    *error = Errno("bind(AF_NETLINK)", errno);
    return nullptr;
  }
  return std::unique_ptr<RtNetlink>(new RtNetlink(std::move(fd)));
}

std::string RtNetlink::Request(const NetlinkMessage& message) {
  uint32_t seq = ++seq_;
  std::vector<uint8_t> bytes = message.Finish(seq);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  ssize_t sent;
  do {
    sent = sendto(fd_.get(), bytes.data(), bytes.size(), 0,
                  reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel));
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return Errno("netlink sendto", errno);

  alignas(nlmsghdr) uint8_t reply[8192];
  for (;;) {
    ssize_t got = recv(fd_.get(), reply, sizeof(reply), 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return Errno("netlink recv", errno);
    }
    if (auto ack = ParseNetlinkAck(reply, static_cast<size_t>(got), seq)) {
      return *ack;
    }
  }
}

std::string RtNetlink::WaitForIpv6Address(int ifindex,
                                          const NetlinkAddress& address,
                                          int timeout_ms) {
  timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  alignas(nlmsghdr) uint8_t buffer[8192];
  for (;;) {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long waited = (now.tv_sec - start.tv_sec) * 1000 +
                  (now.tv_nsec - start.tv_nsec) / 1000000;
    // What has come is read even when the time is up: a set-up thread at
    // SCHED_IDLE on a busy machine may not run for longer than the timeout
    // while the event waits in the socket.
    const int left = static_cast<int>(std::max<long>(0, timeout_ms - waited));
    pollfd ready{fd_.get(), POLLIN, 0};
    const int polled = poll(&ready, 1, left);
    if (polled == 0 && left == 0) return "the IPv6 address did not become usable";
    if (polled <= 0) continue;
    ssize_t got = recv(fd_.get(), buffer, sizeof(buffer), MSG_DONTWAIT);
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return Errno("netlink recv", errno);
    }
    for (size_t at = 0; at + sizeof(nlmsghdr) <= static_cast<size_t>(got);) {
      nlmsghdr header;
      std::memcpy(&header, buffer + at, sizeof(header));
      if (header.nlmsg_len < sizeof(nlmsghdr) ||
          at + header.nlmsg_len > static_cast<size_t>(got)) {
        break;
      }
      size_t end = at + header.nlmsg_len;
      size_t body = at + NLMSG_HDRLEN;
      at += NLMSG_ALIGN(header.nlmsg_len);
      if (header.nlmsg_type != RTM_NEWADDR || body + sizeof(ifaddrmsg) > end) {
        continue;
      }
      ifaddrmsg info;
      std::memcpy(&info, buffer + body, sizeof(info));
      if (info.ifa_family != AF_INET6 ||
          info.ifa_index != static_cast<uint32_t>(ifindex)) {
        continue;
      }
      uint32_t flags = info.ifa_flags;
      bool matches = false;
      for (size_t off = body + NLMSG_ALIGN(sizeof(ifaddrmsg));
           off + sizeof(rtattr) <= end;) {
        rtattr attr;
        std::memcpy(&attr, buffer + off, sizeof(attr));
        if (attr.rta_len < sizeof(rtattr) || off + attr.rta_len > end) break;
        const uint8_t* data = buffer + off + RTA_LENGTH(0);
        size_t len = attr.rta_len - RTA_LENGTH(0);
        if (attr.rta_type == IFA_ADDRESS && len == 16 &&
            std::memcmp(data, address.bytes.data(), 16) == 0) {
          matches = true;
        }
        if (attr.rta_type == IFA_FLAGS && len == 4) std::memcpy(&flags, data, 4);
        off += RTA_ALIGN(attr.rta_len);
      }
      if (matches && !(flags & IFA_F_TENTATIVE)) return "";
    }
  }
}

std::string RtNetlink::SetLink(int ifindex, bool up, int mtu) {
  NetlinkMessage message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
  ifinfomsg info{};
  info.ifi_family = AF_UNSPEC;
  info.ifi_index = ifindex;
  info.ifi_flags = up ? IFF_UP : 0;
  info.ifi_change = IFF_UP;
  message.PutHeader(&info, sizeof(info));
  if (mtu > 0) message.AddU32(IFLA_MTU, static_cast<uint32_t>(mtu));
  return Request(message);
}

std::string RtNetlink::AddAddress(int ifindex, const NetlinkAddress& address,
                                  int prefix_len, uint32_t flags) {
  NetlinkMessage message(RTM_NEWADDR,
                         NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  ifaddrmsg info{};
  info.ifa_family = static_cast<uint8_t>(address.family);
  info.ifa_prefixlen = static_cast<uint8_t>(prefix_len);
  info.ifa_flags = static_cast<uint8_t>(flags);
  info.ifa_scope = RT_SCOPE_UNIVERSE;
  info.ifa_index = static_cast<uint32_t>(ifindex);
  message.PutHeader(&info, sizeof(info));
  message.AddAttribute(IFA_LOCAL, address.bytes.data(), address.size());
  message.AddAttribute(IFA_ADDRESS, address.bytes.data(), address.size());
  // ifa_flags holds 8 bits; IFA_FLAGS carries all 32.
  if (flags != 0) message.AddU32(IFA_FLAGS, flags);
  return Request(message);
}

std::string RtNetlink::AddRoute(const RouteRequest& route) {
  NetlinkMessage message(RTM_NEWROUTE,
                         NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  rtmsg info{};
  info.rtm_family = static_cast<uint8_t>(route.destination.family);
  info.rtm_dst_len = static_cast<uint8_t>(route.prefix_len);
  info.rtm_table = RT_TABLE_MAIN;
  info.rtm_protocol = RTPROT_BOOT;
  info.rtm_scope = route.gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
  info.rtm_type = RTN_UNICAST;
  info.rtm_flags = route.onlink ? RTNH_F_ONLINK : 0;
  message.PutHeader(&info, sizeof(info));
  message.AddAttribute(RTA_DST, route.destination.bytes.data(),
                       route.destination.size());
  if (route.gateway) {
    message.AddAttribute(RTA_GATEWAY, route.gateway->bytes.data(),
                         route.gateway->size());
  }
  message.AddU32(RTA_OIF, static_cast<uint32_t>(route.oif));
  return Request(message);
}

}  // namespace synack::kernel
