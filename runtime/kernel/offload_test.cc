// tun0's offloads end to end: a write larger than the MSS leaves as one TSO
// super-segment with its checksum completed, `ethtool -K tun0 tso off gso
// off` brings back MSS-sized segments, and injected packets (behind their
// virtio-net header) arrive intact, with their checksums still verified.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "runtime/kernel/kernel_backend.h"
#include "runtime/kernel/test_helpers.h"
#include "runtime/wire/packet.h"

namespace synack::kernel {
namespace {

using interpreter::IpVersion;
using interpreter::NetConfig;

constexpr uint16_t kPeerPort = 40000;
constexpr uint32_t kPeerIsn = 5000;

struct Mode {
  const char* name;
  NetConfig (*config)();
};

void PrintTo(const Mode& mode, std::ostream* out) { *out << mode.name; }

std::string ModeName(const ::testing::TestParamInfo<Mode>& param) {
  return param.param.name;
}

wire::Packet FromPeer(const NetConfig& net, uint32_t seq, uint32_t ack,
                      uint16_t flags) {
  wire::Packet packet;
  packet.src = net.remote_ip;
  packet.dst = net.local_ip;
  wire::TcpHeader tcp;
  tcp.src_port = kPeerPort;
  tcp.dst_port = 8080;
  tcp.seq = seq;
  tcp.ack = ack;
  tcp.flags = flags;
  tcp.window = 65535;
  packet.l4 = tcp;
  return packet;
}

// The next outbound packet, parsed (checksums verified by wire::Parse).
std::optional<wire::Packet> NextPacket(KernelBackend& backend,
                                       std::string* problems) {
  auto outbound = backend.NextOutbound(backend.clock().Now() +
                                       std::chrono::seconds(1));
  if (!outbound) {
    *problems += "no outbound packet within 1 s\n";
    return std::nullopt;
  }
  wire::ParseResult parsed = wire::Parse(outbound->bytes);
  if (!parsed.packet) {
    *problems += "outbound packet of " + std::to_string(outbound->bytes.size()) +
                 " bytes: " + parsed.error + "\n";
  }
  return parsed.packet;
}

std::string Inject(KernelBackend& backend, const wire::Packet& packet) {
  wire::BuildResult built = wire::Build(packet);
  if (!built.ok()) return "Build: " + built.error + "\n";
  std::string error = backend.Inject(built.bytes);
  return error.empty() ? "" : "Inject: " + error + "\n";
}

// A connection accepted from the peer, which announced MSS 1000 and a
// 65535-byte window. Returns the accepted socket (-1 on failure) and sets
// `local_isn`.
int Establish(KernelBackend& backend, const NetConfig& net,
              uint32_t* local_isn, std::string* problems) {
  bool mapped = net.ip_version == IpVersion::kIpv4MappedIpv6;
  int listener = socket(test::SocketFamily(net), SOCK_STREAM | SOCK_CLOEXEC, 0);
  auto local = test::ToSockaddr(net.local_ip, 8080, mapped);
  if (bind(listener, local.get(), local.len) != 0 || listen(listener, 1) != 0) {
    *problems += "bind or listen failed\n";
    return -1;
  }
  wire::Packet syn = FromPeer(net, kPeerIsn, 0, wire::tcp_flag::kSyn);
  std::get<wire::TcpHeader>(syn.l4).options = {{wire::tcp_opt::kMss, {0x03, 0xe8}}};
  *problems += Inject(backend, syn);
  auto synack = NextPacket(backend, problems);
  if (!synack || !synack->tcp() ||
      synack->tcp()->flags != (wire::tcp_flag::kSyn | wire::tcp_flag::kAck)) {
    *problems += "no SYN-ACK\n";
    return -1;
  }
  *local_isn = synack->tcp()->seq;
  *problems += Inject(backend, FromPeer(net, kPeerIsn + 1, *local_isn + 1,
                                        wire::tcp_flag::kAck));
  pollfd ready{listener, POLLIN, 0};
  poll(&ready, 1, 1000);
  int fd = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  close(listener);
  if (fd < 0) *problems += "accept failed\n";
  return fd;
}

// The payload sizes of the data segments that carry `total` bytes.
std::vector<size_t> DataSegments(KernelBackend& backend, size_t total,
                                 std::string* problems) {
  std::vector<size_t> sizes;
  size_t seen = 0;
  while (seen < total) {
    auto packet = NextPacket(backend, problems);
    if (!packet) break;
    if (packet->payload.empty()) continue;
    sizes.push_back(packet->payload.size());
    seen += packet->payload.size();
  }
  return sizes;
}

std::string Join(const std::vector<size_t>& sizes) {
  std::string text;
  for (size_t size : sizes) text += (text.empty() ? "" : " ") + std::to_string(size);
  return text;
}

class OffloadTest : public ::testing::TestWithParam<Mode> {};

TEST_P(OffloadTest, WriteLeavesAsOneSuperSegmentWithValidChecksum) {
  SYNACK_REQUIRE_ROOT();
  NetConfig net = GetParam().config();
  std::string failure = test::RunInChild([&]() -> std::string {
    std::string error;
    auto backend = KernelBackend::Create(net, &error);
    if (!backend) return "Create: " + error;
    std::string problems;
    uint32_t isn = 0;
    int fd = Establish(*backend, net, &isn, &problems);
    if (fd < 0) return problems;
    std::vector<char> data(4000, 'x');
    if (write(fd, data.data(), data.size()) != 4000) return "write failed";
    // MSS 1000, initial window 10 segments: all 4000 bytes may go at once,
    // and with TSO they go as one packet, which wire::Parse accepts only
    // with its TCP checksum complete.
    std::vector<size_t> sizes = DataSegments(*backend, 4000, &problems);
    if (sizes != std::vector<size_t>{4000}) {
      problems += "data segments of " + Join(sizes) + " bytes\n";
    }
    close(fd);
    return problems;
  });
  EXPECT_EQ("", failure);
}

TEST_P(OffloadTest, EthtoolTurnsSegmentationOffloadOff) {
  SYNACK_REQUIRE_ROOT();
  if (access("/usr/sbin/ethtool", X_OK) != 0 && access("/sbin/ethtool", X_OK) != 0) {
    GTEST_SKIP() << "no ethtool";
  }
  NetConfig net = GetParam().config();
  std::string failure = test::RunInChild([&]() -> std::string {
    std::string error;
    auto backend = KernelBackend::Create(net, &error);
    if (!backend) return "Create: " + error;
    // As the corpus's mtu_probe and nagle/https_client scripts do.
    auto result = backend->RunCommand("ethtool -K tun0 tso off gso off", {});
    if (result.exit_status != 0) {
      return "ethtool: exit " + std::to_string(result.exit_status) + ": " +
             result.output;
    }
    std::string problems;
    uint32_t isn = 0;
    int fd = Establish(*backend, net, &isn, &problems);
    if (fd < 0) return problems;
    std::vector<char> data(4000, 'x');
    if (write(fd, data.data(), data.size()) != 4000) return "write failed";
    std::vector<size_t> sizes = DataSegments(*backend, 4000, &problems);
    if (sizes != std::vector<size_t>{1000, 1000, 1000, 1000}) {
      problems += "data segments of " + Join(sizes) + " bytes\n";
    }
    close(fd);
    return problems;
  });
  EXPECT_EQ("", failure);
}

TEST_P(OffloadTest, InjectedDataArrivesIntact) {
  SYNACK_REQUIRE_ROOT();
  NetConfig net = GetParam().config();
  std::string failure = test::RunInChild([&]() -> std::string {
    std::string error;
    auto backend = KernelBackend::Create(net, &error);
    if (!backend) return "Create: " + error;
    std::string problems;
    uint32_t isn = 0;
    int fd = Establish(*backend, net, &isn, &problems);
    if (fd < 0) return problems;
    wire::Packet data = FromPeer(net, kPeerIsn + 1, isn + 1,
                                 wire::tcp_flag::kAck | wire::tcp_flag::kPsh);
    for (int i = 0; i < 1000; ++i) data.payload.push_back(static_cast<uint8_t>(i));
    problems += Inject(*backend, data);
    auto ack = NextPacket(*backend, &problems);
    if (ack && ack->tcp() && ack->tcp()->ack != kPeerIsn + 1001) {
      problems += "acked " + std::to_string(ack->tcp()->ack - kPeerIsn) + "\n";
    }
    std::vector<uint8_t> received(2000);
    ssize_t got = read(fd, received.data(), received.size());
    received.resize(got > 0 ? static_cast<size_t>(got) : 0);
    if (received != data.payload) {
      problems += "read " + std::to_string(got) + " bytes, not the payload\n";
    }
    close(fd);
    return problems;
  });
  EXPECT_EQ("", failure);
}

// The zeroed header does not mark checksums as verified: the stack still
// drops a segment whose checksum is wrong (and counts it), as scripts that
// inject one expect.
TEST_P(OffloadTest, InjectedBadChecksumIsStillDropped) {
  SYNACK_REQUIRE_ROOT();
  NetConfig net = GetParam().config();
  std::string failure = test::RunInChild([&]() -> std::string {
    std::string error;
    auto backend = KernelBackend::Create(net, &error);
    if (!backend) return "Create: " + error;
    bool mapped = net.ip_version == IpVersion::kIpv4MappedIpv6;
    int listener = socket(test::SocketFamily(net), SOCK_STREAM | SOCK_CLOEXEC, 0);
    auto local = test::ToSockaddr(net.local_ip, 8080, mapped);
    bind(listener, local.get(), local.len);
    listen(listener, 1);
    wire::BuildResult syn =
        wire::Build(FromPeer(net, kPeerIsn, 0, wire::tcp_flag::kSyn));
    size_t ip_header = net.ip_version == IpVersion::kIpv6 ? 40 : 20;
    syn.bytes[ip_header + 16] ^= 0x01;
    std::string injected = backend->Inject(syn.bytes);
    if (!injected.empty()) return "Inject: " + injected;
    auto packet = backend->NextOutbound(backend->clock().Now() +
                                        std::chrono::milliseconds(200));
    std::string problems;
    if (packet) problems += "the kernel answered a SYN with a bad checksum\n";
    if (backend->Counters()["TcpInCsumErrors"] != 1) {
      problems += "TcpInCsumErrors is " +
                  std::to_string(backend->Counters()["TcpInCsumErrors"]) + "\n";
    }
    close(listener);
    return problems;
  });
  EXPECT_EQ("", failure);
}

INSTANTIATE_TEST_SUITE_P(
    Modes, OffloadTest,
    ::testing::Values(Mode{"ipv4", &test::Ipv4Config},
                      Mode{"ipv6", &test::Ipv6Config},
                      Mode{"ipv4_mapped_ipv6", &test::MappedConfig}),
    ModeName);

}  // namespace
}  // namespace synack::kernel
