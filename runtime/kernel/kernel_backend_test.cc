// KernelBackend end to end, for IPv4, IPv6 and IPv4-mapped IPv6: the
// sandbox's plumbing, a connect() and a listen() answered by injected
// segments, outbound timestamps, counters and commands in the namespace.
#include "runtime/kernel/kernel_backend.h"

#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>

#include <chrono>
#include <thread>

#include "runtime/kernel/test_helpers.h"

namespace synack::kernel {
namespace {

using interpreter::Instant;
using interpreter::IpVersion;
using interpreter::NetConfig;
using test::Describe;
using test::ParseSegment;
using test::Segment;
namespace tcp = test::tcp;

constexpr auto kSecond = std::chrono::seconds(1);

struct Mode {
  const char* name;
  NetConfig (*config)();
};

void PrintTo(const Mode& mode, std::ostream* out) { *out << mode.name; }

class KernelBackendTest : public ::testing::TestWithParam<Mode> {
 protected:
  NetConfig config() const { return GetParam().config(); }
  bool mapped() const {
    return config().ip_version == IpVersion::kIpv4MappedIpv6;
  }
};

std::string Expect(bool ok, const std::string& what) { return ok ? "" : what + "\n"; }

// The next outbound packet as a TCP segment, or an error.
std::optional<Segment> NextSegment(KernelBackend& backend, std::string* error,
                                   Instant* time = nullptr) {
  auto packet = backend.NextOutbound(backend.clock().Now() + kSecond);
  if (!packet) {
    *error += "no outbound packet within 1 s\n";
    return std::nullopt;
  }
  if (time) *time = packet->time;
  std::string why;
  auto segment = ParseSegment(packet->bytes, &why);
  if (!segment) *error += "outbound packet: " + why + "\n";
  return segment;
}

TEST_P(KernelBackendTest, SandboxHasLoopbackAndAddressedTun) {
  SYNACK_REQUIRE_ROOT();
  NetConfig net = config();
  std::string failure = test::RunInChild([&]() -> std::string {
    std::string error;
    auto sandbox = Sandbox::Create(net, &error);
    if (!sandbox) return "Create: " + error;
    std::string problems;

    int probe = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq request{};
    std::strcpy(request.ifr_name, "lo");
    ioctl(probe, SIOCGIFFLAGS, &request);
    problems += Expect(request.ifr_flags & IFF_UP, "lo is not up");
    std::strcpy(request.ifr_name, "tun0");
    ioctl(probe, SIOCGIFFLAGS, &request);
    problems += Expect(request.ifr_flags & IFF_UP, "tun0 is not up");
    ioctl(probe, SIOCGIFMTU, &request);
    problems += Expect(request.ifr_mtu == net.mtu,
                       "tun0 mtu " + std::to_string(request.ifr_mtu));
    close(probe);

    // The local address on tun0 with its prefix.
    int family = net.ip_version == IpVersion::kIpv6 ? AF_INET6 : AF_INET;
    int want_prefix = family == AF_INET ? 16 : net.prefix_len;
    bool found = false;
    ifaddrs* list = nullptr;
    getifaddrs(&list);
    for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
      if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != family ||
          std::string(a->ifa_name) != "tun0") {
        continue;
      }
      const uint8_t* bytes;
      const uint8_t* mask;
      size_t size = family == AF_INET ? 4 : 16;
      if (family == AF_INET) {
        bytes = reinterpret_cast<const uint8_t*>(
            &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr);
        mask = reinterpret_cast<const uint8_t*>(
            &reinterpret_cast<sockaddr_in*>(a->ifa_netmask)->sin_addr);
      } else {
        bytes = reinterpret_cast<const uint8_t*>(
            &reinterpret_cast<sockaddr_in6*>(a->ifa_addr)->sin6_addr);
        mask = reinterpret_cast<const uint8_t*>(
            &reinterpret_cast<sockaddr_in6*>(a->ifa_netmask)->sin6_addr);
      }
      if (std::memcmp(bytes, net.local_ip.bytes.data(), size) != 0) continue;
      int prefix = 0;
      for (size_t i = 0; i < size; ++i) prefix += __builtin_popcount(mask[i]);
      found = true;
      problems += Expect(prefix == want_prefix,
                         "prefix /" + std::to_string(prefix));
    }
    freeifaddrs(list);
    problems += Expect(found, "local address not on tun0");

    // The route to the remote goes out tun0 from the local address.
    int udp = socket(test::SocketFamily(net), SOCK_DGRAM | SOCK_CLOEXEC, 0);
    auto remote = test::ToSockaddr(net.remote_ip, 9, mapped());
    problems += Expect(connect(udp, remote.get(), remote.len) == 0,
                       std::string("connect to remote: ") + strerror(errno));
    sockaddr_storage name{};
    socklen_t len = sizeof(name);
    getsockname(udp, reinterpret_cast<sockaddr*>(&name), &len);
    auto local = test::ToSockaddr(net.local_ip, 0, mapped());
    // Compare the address parts only.
    if (name.ss_family == AF_INET) {
      problems += Expect(
          std::memcmp(&reinterpret_cast<sockaddr_in*>(&name)->sin_addr,
                      &reinterpret_cast<const sockaddr_in*>(local.get())->sin_addr,
                      4) == 0,
          "source address for the remote is not local_ip");
    } else {
      problems += Expect(
          std::memcmp(&reinterpret_cast<sockaddr_in6*>(&name)->sin6_addr,
                      &reinterpret_cast<const sockaddr_in6*>(local.get())->sin6_addr,
                      16) == 0,
          "source address for the remote is not local_ip");
    }
    close(udp);
    return problems;
  });
  EXPECT_EQ("", failure);
}

TEST_P(KernelBackendTest, ConnectSendsSynAndInjectedSynAckCompletesIt) {
  SYNACK_REQUIRE_ROOT();
  NetConfig net = config();
  std::string failure = test::RunInChild([&]() -> std::string {
    std::string error;
    auto backend = KernelBackend::Create(net, &error);
    if (!backend) return "Create: " + error;
    auto& sys = backend->syscalls();
    std::string problems;

    int fd = static_cast<int>(
        sys.Socket(test::SocketFamily(net), SOCK_STREAM | SOCK_NONBLOCK, 0).ret);
    auto remote = test::ToSockaddr(net.remote_ip, 8080, mapped());
    Instant before = backend->clock().Now();
    auto connected = sys.Connect(fd, remote.get(), remote.len);
    Instant after = backend->clock().Now();
    problems += Expect(connected.ret == -1 && connected.err == EINPROGRESS,
                       "connect: " + std::to_string(connected.err));
    // Read late on purpose: the packet's time must still be when it left.
    std::this_thread::sleep_for(std::chrono::milliseconds(30));

    Instant sent;
    auto syn = NextSegment(*backend, &problems, &sent);
    if (!syn) return problems;
    problems += Expect(syn->flags == tcp::kSyn, "not a SYN: " + Describe(*syn));
    problems += Expect(syn->src == net.local_ip && syn->dst == net.remote_ip &&
                           syn->dport == 8080,
                       "SYN addressed wrongly: " + Describe(*syn));
    auto slack = std::chrono::microseconds(500);
    problems += Expect(sent >= before - slack && sent <= after + slack,
                       "SYN time " + std::to_string(interpreter::ToMicros(sent - before)) +
                           " us after connect() began, which took " +
                           std::to_string(interpreter::ToMicros(after - before)) + " us");

    Segment synack;
    synack.src = net.remote_ip;
    synack.dst = net.local_ip;
    synack.sport = 8080;
    synack.dport = syn->sport;
    synack.seq = 1000;
    synack.ack = syn->seq + 1;
    synack.flags = tcp::kSyn | tcp::kAck;
    synack.window = 65535;
    synack.options = {2, 4, 0x05, 0xb4};  // MSS 1460
    std::string injected = backend->Inject(test::BuildSegment(synack));
    problems += Expect(injected.empty(), "Inject: " + injected);

    auto ack = NextSegment(*backend, &problems);
    if (!ack) return problems;
    problems += Expect(ack->flags == tcp::kAck && ack->seq == syn->seq + 1 &&
                           ack->ack == 1001,
                       "expected the handshake's ACK, got " + Describe(*ack));
    int so_error = -1;
    socklen_t len = sizeof(so_error);
    sys.Getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
    problems += Expect(so_error == 0, "SO_ERROR " + std::to_string(so_error));
    problems += Expect(backend->Counters()["TcpActiveOpens"] == 1,
                       "TcpActiveOpens is not 1");
    sys.Close(fd);
    return problems;
  });
  EXPECT_EQ("", failure);
}

TEST_P(KernelBackendTest, PastDeadlineStillReturnsWhatIsQueued) {
  SYNACK_REQUIRE_ROOT();
  NetConfig net = config();
  std::string failure = test::RunInChild([&]() -> std::string {
    std::string error;
    auto backend = KernelBackend::Create(net, &error);
    if (!backend) return "Create: " + error;
    auto& sys = backend->syscalls();
    int fd = static_cast<int>(
        sys.Socket(test::SocketFamily(net), SOCK_STREAM | SOCK_NONBLOCK, 0).ret);
    auto remote = test::ToSockaddr(net.remote_ip, 8080, mapped());
    sys.Connect(fd, remote.get(), remote.len);
    if (!backend->NextOutbound(Instant{})) return "the SYN was not returned";
    if (backend->NextOutbound(Instant{})) return "a second packet came";
    return "";
  });
  EXPECT_EQ("", failure);
}

TEST_P(KernelBackendTest, ListenerAnswersInjectedSyn) {
  SYNACK_REQUIRE_ROOT();
  NetConfig net = config();
  std::string failure = test::RunInChild([&]() -> std::string {
    std::string error;
    auto backend = KernelBackend::Create(net, &error);
    if (!backend) return "Create: " + error;
    auto& sys = backend->syscalls();
    std::string problems;

    int fd = static_cast<int>(
        sys.Socket(test::SocketFamily(net), SOCK_STREAM | SOCK_NONBLOCK, 0).ret);
    auto local = test::ToSockaddr(net.local_ip, 8080, mapped());
    problems += Expect(sys.Bind(fd, local.get(), local.len).ret == 0, "bind");
    problems += Expect(sys.Listen(fd, 10).ret == 0, "listen");

    Segment syn;
    syn.src = net.remote_ip;
    syn.dst = net.local_ip;
    syn.sport = 40000;
    syn.dport = 8080;
    syn.seq = 5000;
    syn.flags = tcp::kSyn;
    syn.window = 65535;
    syn.options = {2, 4, 0x05, 0xb4};
    std::string injected = backend->Inject(test::BuildSegment(syn));
    problems += Expect(injected.empty(), "Inject: " + injected);

    auto synack = NextSegment(*backend, &problems);
    if (!synack) return problems;
    problems += Expect(synack->flags == (tcp::kSyn | tcp::kAck) &&
                           synack->ack == 5001 && synack->sport == 8080 &&
                           synack->dport == 40000 &&
                           synack->src == net.local_ip &&
                           synack->dst == net.remote_ip,
                       "expected SYN-ACK, got " + Describe(*synack));

    Segment ack = syn;
    ack.seq = 5001;
    ack.ack = synack->seq + 1;
    ack.flags = tcp::kAck;
    ack.options.clear();
    backend->Inject(test::BuildSegment(ack));
    pollfd ready{fd, POLLIN, 0};
    sys.Poll(&ready, 1, 1000);
    sockaddr_storage peer{};
    socklen_t len = sizeof(peer);
    auto accepted = sys.Accept(fd, reinterpret_cast<sockaddr*>(&peer), &len);
    problems += Expect(accepted.ret >= 0,
                       "accept: " + std::string(strerror(accepted.err)));
    uint16_t port = peer.ss_family == AF_INET
                        ? ntohs(reinterpret_cast<sockaddr_in*>(&peer)->sin_port)
                        : ntohs(reinterpret_cast<sockaddr_in6*>(&peer)->sin6_port);
    problems += Expect(port == 40000, "peer port " + std::to_string(port));
    problems += Expect(backend->Counters()["TcpPassiveOpens"] == 1,
                       "TcpPassiveOpens is not 1");
    return problems;
  });
  EXPECT_EQ("", failure);
}

TEST_P(KernelBackendTest, CommandsRunInTheNamespace) {
  SYNACK_REQUIRE_ROOT();
  NetConfig net = config();
  std::string failure = test::RunInChild([&]() -> std::string {
    std::string error;
    auto backend = KernelBackend::Create(net, &error);
    if (!backend) return "Create: " + error;
    // The host has no tun0; the namespace has lo and tun0 only.
    auto result = backend->RunCommand(
        "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort", {});
    if (result.exit_status != 0 || result.output != "lo\ntun0\n") {
      return "exit " + std::to_string(result.exit_status) + ", output:\n" +
             result.output;
    }
    return "";
  });
  EXPECT_EQ("", failure);
}

TEST_P(KernelBackendTest, InjectingGarbageIsAnError) {
  SYNACK_REQUIRE_ROOT();
  NetConfig net = config();
  std::string failure = test::RunInChild([&]() -> std::string {
    std::string error;
    auto backend = KernelBackend::Create(net, &error);
    if (!backend) return "Create: " + error;
    // Version nibble 0: tun refuses it.
    std::vector<uint8_t> junk(20, 0);
    std::string result = backend->Inject(junk);
    return result == "write to tun0: Invalid argument" ? "" : "got: " + result;
  });
  EXPECT_EQ("", failure);
}

std::string ModeName(const ::testing::TestParamInfo<Mode>& param) {
  return param.param.name;
}

INSTANTIATE_TEST_SUITE_P(
    Modes, KernelBackendTest,
    ::testing::Values(Mode{"ipv4", &test::Ipv4Config},
                      Mode{"ipv6", &test::Ipv6Config},
                      Mode{"ipv4_mapped_ipv6", &test::MappedConfig},
                      Mode{"ipv4_defaults", &test::Ipv4DefaultConfig},
                      Mode{"ipv6_defaults", &test::Ipv6DefaultConfig}),
    ModeName);

// Without the IPv6 sysctls Sandbox sets, the kernel sends a router
// solicitation on tun0 as soon as it is up, in every mode. One mode shows it.
TEST(KernelBackendQuietTest, KernelSendsNothingUnasked) {
  SYNACK_REQUIRE_ROOT();
  NetConfig net = test::Ipv6Config();
  std::string failure = test::RunInChild([&]() -> std::string {
    std::string error;
    auto backend = KernelBackend::Create(net, &error);
    if (!backend) return "Create: " + error;
    // IPv6 would send a router solicitation within rtr_solicit_delay (1 s).
    auto packet = backend->NextOutbound(backend->clock().Now() +
                                        std::chrono::milliseconds(1500));
    if (!packet) return "";
    return "unexpected packet of " + std::to_string(packet->bytes.size()) +
           " bytes, first byte " + std::to_string(packet->bytes[0]) +
           (packet->bytes.size() > 40 ? ", IPv6 next header " +
                                            std::to_string(packet->bytes[6])
                                      : "");
  });
  EXPECT_EQ("", failure);
}

// More than tun0's queue holds (500), none read until all are sent: the
// capture still has every one, stamped when it was sent.
TEST(KernelBackendBurstTest, UnreadBurstIsCapturedWhole) {
  SYNACK_REQUIRE_ROOT();
  std::string failure = test::RunInChild([]() -> std::string {
    NetConfig net = test::Ipv4Config();
    std::string error;
    auto backend = KernelBackend::Create(net, &error);
    if (!backend) return "Create: " + error;
    int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    auto remote = test::ToSockaddr(net.remote_ip, 9, false);
    constexpr int kCount = 3000;
    Instant before = backend->clock().Now();
    for (int i = 0; i < kCount; ++i) {
      sendto(udp, &i, sizeof(i), 0, remote.get(), remote.len);
    }
    Instant after = backend->clock().Now();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    int count = 0;
    std::string problems;
    while (auto packet = backend->NextOutbound(Instant{})) {
      if (packet->time < before || packet->time > after) {
        problems = "packet " + std::to_string(count) + " stamped outside the sending";
      }
      ++count;
    }
    if (count != kCount) problems += "captured " + std::to_string(count);
    if (unsigned drops = backend->sandbox().capture().Drops()) {
      problems += " drops " + std::to_string(drops);
    }
    return problems;
  });
  EXPECT_EQ("", failure);
}

TEST(KernelBackendCreateTest, RejectsAddressOfTheWrongVersion) {
  NetConfig net = test::Ipv6Config();
  net.local_ip = test::Addr("192.168.0.2");
  std::string error;
  // Fails before unshare(), so it is safe in the test process itself.
  EXPECT_EQ(nullptr, KernelBackend::Create(net, &error));
  EXPECT_EQ("local_ip is not an address of the IP version in use", error);
}

TEST(KernelBackendCreateTest, RejectsNonContiguousNetmask) {
  NetConfig net = test::Ipv4Config();
  net.netmask_ip = test::Addr("255.0.255.0");
  std::string error;
  EXPECT_EQ(nullptr, KernelBackend::Create(net, &error));
  EXPECT_EQ("netmask_ip is not a contiguous IPv4 netmask", error);
}

}  // namespace
}  // namespace synack::kernel
