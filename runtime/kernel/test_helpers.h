// For the kernel backend's tests only: running sandboxed code in a forked
// child, the root requirement, the packetdrill test addresses, and TCP
// segments built and parsed by hand (checksums included).
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "interpreter/config.h"

namespace synack::kernel::test {

// The namespace tests need root. CI sets SYNACK_REQUIRE_ROOT_TESTS=1 so that
// a missing privilege fails instead of silently skipping.
#define SYNACK_REQUIRE_ROOT()                                              \
  do {                                                                     \
    if (geteuid() != 0) {                                                  \
      const char* require = std::getenv("SYNACK_REQUIRE_ROOT_TESTS");      \
      if (require != nullptr && std::string(require) == "1") {             \
        FAIL() << "needs root (SYNACK_REQUIRE_ROOT_TESTS=1)";              \
      }                                                                    \
      GTEST_SKIP() << "needs root";                                        \
    }                                                                      \
  } while (0)

// Runs `body` in a forked child (so unshare() moves the child, not the test
// process) and returns what it returned: empty for success, else what went
// wrong. A child that dies, or runs past `timeout_seconds`, is an error too.
inline std::string RunInChild(const std::function<std::string()>& body,
                              unsigned timeout_seconds = 30) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    close(fds[0]);
    alarm(timeout_seconds);
    std::string error = body();
    size_t at = 0;
    while (at < error.size()) {
      ssize_t wrote = write(fds[1], error.data() + at, error.size() - at);
      if (wrote <= 0) break;
      at += static_cast<size_t>(wrote);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buffer[4096];
  for (;;) {
    ssize_t got = read(fds[0], buffer, sizeof(buffer));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    text.append(buffer, static_cast<size_t>(got));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) {
    return text + "child killed by signal " + std::to_string(WTERMSIG(status));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return text + "child exited " + std::to_string(WEXITSTATUS(status));
  }
  return text;
}

inline wire::IpAddress Addr(const char* text) {
  wire::IpAddress address;
  if (inet_pton(AF_INET, text, address.bytes.data()) == 1) {
    address.family = AF_INET;
  } else if (inet_pton(AF_INET6, text, address.bytes.data()) == 1) {
    address.family = AF_INET6;
  }
  return address;
}

inline std::string ToText(const wire::IpAddress& address) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (address.family != 0) {
    inet_ntop(address.family, address.bytes.data(), text, sizeof(text));
  }
  return text;
}

// packetdrill's run_all.py addresses for its three variants.
inline interpreter::NetConfig Ipv4Config() {
  interpreter::NetConfig config;
  config.ip_version = interpreter::IpVersion::kIpv4;
  config.local_ip = Addr("192.168.0.2");
  config.remote_ip = Addr("192.0.2.1");
  config.gateway_ip = Addr("192.168.0.1");
  config.netmask_ip = Addr("255.255.0.0");
  config.mtu = 1500;
  return config;
}

inline interpreter::NetConfig Ipv6Config() {
  interpreter::NetConfig config;
  config.ip_version = interpreter::IpVersion::kIpv6;
  config.local_ip = Addr("fd3d:fa7b:d17d::0");
  config.remote_ip = Addr("2001:DB8::1");
  config.gateway_ip = Addr("fd3d:fa7b:d17d:8888::0");
  config.prefix_len = 16;
  config.mtu = 1520;
  return config;
}

inline interpreter::NetConfig MappedConfig() {
  interpreter::NetConfig config = Ipv4Config();
  config.ip_version = interpreter::IpVersion::kIpv4MappedIpv6;
  return config;
}

// packetdrill's defaults when no address flag is given: in IPv4 the gateway
// is the local address itself, in IPv6 the remote is inside local's prefix.
inline interpreter::NetConfig Ipv4DefaultConfig() {
  interpreter::NetConfig config = Ipv4Config();
  config.local_ip = Addr("192.168.0.1");
  return config;
}

inline interpreter::NetConfig Ipv6DefaultConfig() {
  interpreter::NetConfig config = Ipv6Config();
  config.local_ip = Addr("fd3d:0a0b:17d6::1");
  config.remote_ip = Addr("fd3d:fa7b:d17d::1");
  config.gateway_ip = Addr("fd3d:0a0b:17d6:8888::1");
  return config;
}

// A socket address for `address`:port in the family scripts use: AF_INET6
// with ::ffff:a.b.c.d for an IPv4 address in v4-mapped mode.
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t len = 0;
  const sockaddr* get() const {
    return reinterpret_cast<const sockaddr*>(&storage);
  }
};

inline SocketAddress ToSockaddr(const wire::IpAddress& address, uint16_t port,
                                bool v4_mapped) {
  SocketAddress out;
  if (address.family == AF_INET && !v4_mapped) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out.storage);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    std::memcpy(&sin->sin_addr, address.bytes.data(), 4);
    out.len = sizeof(*sin);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    if (address.family == AF_INET) {
      sin6->sin6_addr.s6_addr[10] = 0xff;
      sin6->sin6_addr.s6_addr[11] = 0xff;
      std::memcpy(&sin6->sin6_addr.s6_addr[12], address.bytes.data(), 4);
    } else {
      std::memcpy(&sin6->sin6_addr, address.bytes.data(), 16);
    }
    out.len = sizeof(*sin6);
  }
  return out;
}

inline int SocketFamily(const interpreter::NetConfig& config) {
  return config.ip_version == interpreter::IpVersion::kIpv4 ? AF_INET
                                                            : AF_INET6;
}

namespace tcp {
inline constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10;
}

struct Segment {
  wire::IpAddress src, dst;
  uint16_t sport = 0, dport = 0;
  uint32_t seq = 0, ack = 0;
  uint8_t flags = 0;
  uint16_t window = 0;
  std::vector<uint8_t> options;  // a multiple of 4 bytes
};

inline uint32_t SumWords(const uint8_t* data, size_t len, uint32_t sum = 0) {
  for (size_t i = 0; i + 1 < len; i += 2) sum += (data[i] << 8) | data[i + 1];
  if (len % 2) sum += data[len - 1] << 8;
  return sum;
}

inline uint16_t Fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// The TCP checksum's pseudo-header sum (RFC 793 / RFC 8200 section 8.1).
inline uint32_t PseudoSum(const wire::IpAddress& src,
                          const wire::IpAddress& dst, size_t tcp_len) {
  size_t size = src.family == AF_INET ? 4 : 16;
  uint32_t sum = SumWords(src.bytes.data(), size);
  sum = SumWords(dst.bytes.data(), size, sum);
  return sum + 6 /* TCP */ + static_cast<uint32_t>(tcp_len);
}

inline std::vector<uint8_t> BuildSegment(const Segment& s) {
  std::vector<uint8_t> tcp(20 + s.options.size());
  auto put16 = [&](size_t at, uint16_t v) {
    tcp[at] = static_cast<uint8_t>(v >> 8);
    tcp[at + 1] = static_cast<uint8_t>(v);
  };
  auto put32 = [&](size_t at, uint32_t v) {
    put16(at, static_cast<uint16_t>(v >> 16));
    put16(at + 2, static_cast<uint16_t>(v));
  };
  put16(0, s.sport);
  put16(2, s.dport);
  put32(4, s.seq);
  put32(8, s.ack);
  tcp[12] = static_cast<uint8_t>((tcp.size() / 4) << 4);
  tcp[13] = s.flags;
  put16(14, s.window);
  std::copy(s.options.begin(), s.options.end(), tcp.begin() + 20);
  put16(16, Fold(SumWords(tcp.data(), tcp.size(),
                          PseudoSum(s.src, s.dst, tcp.size()))));

  std::vector<uint8_t> ip;
  if (s.src.family == AF_INET) {
    ip.assign(20, 0);
    ip[0] = 0x45;
    size_t total = 20 + tcp.size();
    ip[2] = static_cast<uint8_t>(total >> 8);
    ip[3] = static_cast<uint8_t>(total);
    ip[6] = 0x40;  // DF
    ip[8] = 64;
    ip[9] = 6;
    std::memcpy(&ip[12], s.src.bytes.data(), 4);
    std::memcpy(&ip[16], s.dst.bytes.data(), 4);
    uint16_t sum = Fold(SumWords(ip.data(), 20));
    ip[10] = static_cast<uint8_t>(sum >> 8);
    ip[11] = static_cast<uint8_t>(sum);
  } else {
    ip.assign(40, 0);
    ip[0] = 0x60;
    ip[4] = static_cast<uint8_t>(tcp.size() >> 8);
    ip[5] = static_cast<uint8_t>(tcp.size());
    ip[6] = 6;
    ip[7] = 64;
    std::memcpy(&ip[8], s.src.bytes.data(), 16);
    std::memcpy(&ip[24], s.dst.bytes.data(), 16);
  }
  ip.insert(ip.end(), tcp.begin(), tcp.end());
  return ip;
}

// Parses an IPv4 or IPv6 (no extension headers) TCP segment and checks its
// checksums; sets `error` and returns nullopt otherwise.
inline std::optional<Segment> ParseSegment(std::span<const uint8_t> bytes,
                                           std::string* error) {
  auto get16 = [&](size_t at) {
    return static_cast<uint16_t>((bytes[at] << 8) | bytes[at + 1]);
  };
  auto get32 = [&](size_t at) {
    return (uint32_t{get16(at)} << 16) | get16(at + 2);
  };
  Segment s;
  size_t header;
  if (bytes.size() >= 20 && bytes[0] >> 4 == 4) {
    header = (bytes[0] & 0xf) * 4u;
    if (bytes[9] != 6) {
      *error = "not TCP: protocol " + std::to_string(bytes[9]);
      return std::nullopt;
    }
    if (Fold(SumWords(bytes.data(), header)) != 0) {
      *error = "bad IPv4 header checksum";
      return std::nullopt;
    }
    s.src.family = s.dst.family = AF_INET;
    std::memcpy(s.src.bytes.data(), &bytes[12], 4);
    std::memcpy(s.dst.bytes.data(), &bytes[16], 4);
  } else if (bytes.size() >= 40 && bytes[0] >> 4 == 6) {
    header = 40;
    if (bytes[6] != 6) {
      *error = "not TCP: next header " + std::to_string(bytes[6]);
      return std::nullopt;
    }
    s.src.family = s.dst.family = AF_INET6;
    std::memcpy(s.src.bytes.data(), &bytes[8], 16);
    std::memcpy(s.dst.bytes.data(), &bytes[24], 16);
  } else {
    *error = "not an IP packet";
    return std::nullopt;
  }
  if (bytes.size() < header + 20) {
    *error = "short TCP header";
    return std::nullopt;
  }
  size_t tcp_len = bytes.size() - header;
  if (Fold(SumWords(bytes.data() + header, tcp_len,
                    PseudoSum(s.src, s.dst, tcp_len))) != 0) {
    *error = "bad TCP checksum";
    return std::nullopt;
  }
  s.sport = get16(header);
  s.dport = get16(header + 2);
  s.seq = get32(header + 4);
  s.ack = get32(header + 8);
  size_t offset = (bytes[header + 12] >> 4) * 4u;
  s.flags = bytes[header + 13];
  s.window = get16(header + 14);
  s.options.assign(bytes.begin() + header + 20, bytes.begin() + header + offset);
  return s;
}

inline std::string Describe(const Segment& s) {
  std::string flags;
  if (s.flags & tcp::kSyn) flags += "S";
  if (s.flags & tcp::kFin) flags += "F";
  if (s.flags & tcp::kRst) flags += "R";
  if (s.flags & tcp::kAck) flags += ".";
  return ToText(s.src) + ":" + std::to_string(s.sport) + " > " +
         ToText(s.dst) + ":" + std::to_string(s.dport) + " " + flags +
         " seq " + std::to_string(s.seq) + " ack " + std::to_string(s.ack);
}

}  // namespace synack::kernel::test
