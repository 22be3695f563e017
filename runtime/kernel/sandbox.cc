// Sandbox: namespace, tun0, addresses and routes.
#include "runtime/kernel/sandbox.h"

#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "runtime/kernel/rtnetlink.h"
#include "runtime/kernel/sysctl.h"
#include "runtime/kernel/gso_header.h"
#include "runtime/kernel/vnet_header.h"

namespace synack::kernel {
namespace {

using interpreter::IpVersion;
using interpreter::NetConfig;

std::string Errno(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

int WireFamily(const NetConfig& config) {
  return config.ip_version == IpVersion::kIpv6 ? AF_INET6 : AF_INET;
}

bool IsV4Mapped(const wire::IpAddress& address) {
  static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return address.family == AF_INET6 &&
         std::memcmp(address.bytes.data(), kPrefix, sizeof(kPrefix)) == 0;
}

// `address` as it appears in packets on tun0: for the IPv4 modes an
// ::ffff:a.b.c.d address stands for a.b.c.d.
std::optional<NetlinkAddress> OnWire(const wire::IpAddress& address,
                                     int family) {
  NetlinkAddress out;
  out.family = family;
  if (address.family == family) {
    out.bytes = address.bytes;
    return out;
  }
  if (family == AF_INET && IsV4Mapped(address)) {
    std::memcpy(out.bytes.data(), address.bytes.data() + 12, 4);
    return out;
  }
  return std::nullopt;
}

// The prefix length of a contiguous IPv4 netmask, or -1.
int PrefixOf(const NetlinkAddress& netmask) {
  uint32_t mask = (uint32_t{netmask.bytes[0]} << 24) |
                  (uint32_t{netmask.bytes[1]} << 16) |
                  (uint32_t{netmask.bytes[2]} << 8) | netmask.bytes[3];
  int ones = 0;
  while (ones < 32 && (mask & (0x80000000u >> ones))) ++ones;
  uint32_t expected = ones == 0 ? 0 : ~uint32_t{0} << (32 - ones);
  return mask == expected ? ones : -1;
}

std::string OpenTun(UniqueFd* tun) {
  tun->reset(open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK));
  if (!tun->valid()) return Errno("open /dev/net/tun");
  ifreq request{};
  // With a virtio-net header on each packet, tun0 can take GSO packets and
  // leave checksums to its reader; packetdrill's tun device offers that, and
  // scripts expect what the stack then sends: TSO super-segments (e.g.
  // `> P. 1:2001(2000)` with mss 1000), one packet per write.
  request.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;
  std::strncpy(request.ifr_name, Sandbox::kDevice, IFNAMSIZ - 1);
  if (ioctl(tun->get(), TUNSETIFF, &request) != 0) {
    return Errno(std::string("TUNSETIFF ") + Sandbox::kDevice);
  }
  int header_size = sizeof(VnetHeader);
  if (ioctl(tun->get(), TUNSETVNETHDRSZ, &header_size) != 0) {
    return Errno("TUNSETVNETHDRSZ");
  }
  // Checksum offload is the precondition of TSO; TSO_ECN keeps CWR-marked
  // segments whole too. Scripts may turn them off with `ethtool -K tun0 tso
  // off gso off` (they are in the device's hw_features).
  if (ioctl(tun->get(), TUNSETOFFLOAD,
            TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN) != 0) {
    return Errno("TUNSETOFFLOAD");
  }
  // A persistent device is not unregistered when its last descriptor
  // closes, which would wait for RCU (15-60 ms measured); the namespace's
  // teardown, which the kernel runs asynchronously, removes it instead.
  if (ioctl(tun->get(), TUNSETPERSIST, 1) != 0) return Errno("TUNSETPERSIST");
  return "";
}

// The kernel would otherwise send IPv6 router solicitations on tun0 when it
// comes up. DAD is off too (tun0 is IFF_NOARP, which already skips it and
// the solicited-node MLD joins; this states it). Written to the
// namespace's own /proc/sys/net.
std::string QuietIpv6(const std::string& device) {
  const char* settings[][2] = {
      {"accept_ra", "0"},
      {"router_solicitations", "0"},
      {"dad_transmits", "0"},
      {"accept_dad", "0"},
  };
  for (const auto& [name, value] : settings) {
    std::string error =
        WriteSysctl("net/ipv6/conf/" + device + "/" + name, value);
    if (!error.empty()) return error;
  }
  return "";
}

std::string AddRemoteRoute(RtNetlink& netlink, const NetConfig& config,
                           int family, int ifindex) {
  std::optional<NetlinkAddress> remote = OnWire(config.remote_ip, family);
  if (!remote) return "remote_ip is not an address of the IP version in use";
  RouteRequest route;
  route.destination = *remote;
  route.prefix_len = family == AF_INET ? 32 : 128;
  route.oif = ifindex;
  std::optional<NetlinkAddress> gateway = OnWire(config.gateway_ip, family);
  if (config.gateway_ip.family != 0 && !gateway) {
    return "gateway_ip is not an address of the IP version in use";
  }
  if (!gateway) return netlink.AddRoute(route);
  // As packetdrill: remote via the gateway on tun0. A gateway outside the
  // local prefix is taken as on-link; one the kernel refuses as a next hop
  // (e.g. the local address itself, packetdrill's IPv4 default) leaves a
  // device route, which sends the same packets: tun0 has no link layer.
  route.gateway = gateway;
  std::string error = netlink.AddRoute(route);
  if (error.empty()) return "";
  route.onlink = true;
  if (netlink.AddRoute(route).empty()) return "";
  route.onlink = false;
  route.gateway.reset();
  if (netlink.AddRoute(route).empty()) return "";
  return error;
}

}  // namespace

std::unique_ptr<Sandbox> Sandbox::Create(const NetConfig& config,
                                         std::string* error) {
  int family = WireFamily(config);
  std::optional<NetlinkAddress> local = OnWire(config.local_ip, family);
  if (!local) {
    *error = "local_ip is not an address of the IP version in use";
    return nullptr;
  }
  int prefix_len = config.prefix_len;
  if (family == AF_INET && config.netmask_ip.family != 0) {
    std::optional<NetlinkAddress> netmask = OnWire(config.netmask_ip, AF_INET);
    prefix_len = netmask ? PrefixOf(*netmask) : -1;
    if (prefix_len < 0) {
      *error = "netmask_ip is not a contiguous IPv4 netmask";
      return nullptr;
    }
  }
  if (prefix_len < 0 || prefix_len > (family == AF_INET ? 32 : 128)) {
    *error = "bad prefix length " + std::to_string(prefix_len);
    return nullptr;
  }

  if (unshare(CLONE_NEWNET) != 0) {
    *error = Errno("unshare(CLONE_NEWNET)") +
             " (the kernel backend needs root or CAP_NET_ADMIN)";
    return nullptr;
  }

  std::unique_ptr<Sandbox> sandbox(new Sandbox);
  sandbox->mss_ = config.mss;
  auto fail = [&](const std::string& message) {
    *error = message;
    return nullptr;
  };
  std::unique_ptr<RtNetlink> netlink = RtNetlink::Open(error);
  if (!netlink) return nullptr;
  int lo = static_cast<int>(if_nametoindex("lo"));
  std::string status = netlink->SetLink(lo, /*up=*/true, /*mtu=*/0);
  if (!status.empty()) return fail("bringing lo up: " + status);

  status = OpenTun(&sandbox->tun_);
  if (!status.empty()) return fail(status);
  // Detaching from the device takes RTNL and waits for RCU; with the
  // namespaces of other scripts being torn down (each holding RTNL a while),
  // that made exit() wait milliseconds. Deferred, it costs this process
  // nothing.
  sandbox->release_ = DeferredRelease::Hold(sandbox->tun_.get());
  sandbox->ifindex_ = static_cast<int>(if_nametoindex(kDevice));
  if (sandbox->ifindex_ == 0) return fail(Errno("if_nametoindex tun0"));
  // Capture from before the device is up, so nothing it sends is missed.
  sandbox->capture_ =
      Capture::Open(sandbox->ifindex_, lo, sandbox->tun_.get(), error);
  if (!sandbox->capture_) return nullptr;
  status = QuietIpv6(kDevice);
  if (!status.empty()) return fail(status);

  status = netlink->SetLink(sandbox->ifindex_, /*up=*/true, config.mtu);
  if (!status.empty()) {
    return fail("setting tun0 up with mtu " + std::to_string(config.mtu) +
                ": " + status);
  }
  std::unique_ptr<RtNetlink> events;
  if (family == AF_INET6) {
    events = RtNetlink::Open(error, RTMGRP_IPV6_IFADDR);
    if (!events) return nullptr;
  }
  status = netlink->AddAddress(sandbox->ifindex_, *local, prefix_len,
                               family == AF_INET6 ? IFA_F_NODAD : 0);
  if (!status.empty()) return fail("adding local_ip to tun0: " + status);
  if (events) {
    status = events->WaitForIpv6Address(sandbox->ifindex_, *local, 1000);
    if (!status.empty()) return fail(status);
  }
  status = AddRemoteRoute(*netlink, config, family, sandbox->ifindex_);
  if (!status.empty()) return fail("routing remote_ip: " + status);
  return sandbox;
}

std::string Sandbox::Inject(std::span<const uint8_t> packet) {
  // The checksums are complete (the stack verifies them, so a script's bad
  // checksum stays bad); GSO only with --mss.
  VnetHeader header = InjectHeader(packet, mss_);
  iovec parts[2] = {{&header, sizeof(header)},
                    {const_cast<uint8_t*>(packet.data()), packet.size()}};
  ssize_t wrote;
  do {
    wrote = writev(tun_.get(), parts, 2);
  } while (wrote < 0 && errno == EINTR);
  if (wrote < 0) return Errno("write to tun0");
  if (static_cast<size_t>(wrote) != sizeof(header) + packet.size()) {
    return "short write to tun0";
  }
  // Inbound packets may make the kernel answer; keep its queue on tun0 short.
  capture_->DrainTun();
  return "";
}

}  // namespace synack::kernel
