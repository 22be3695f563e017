// Test helpers for Flows: packet lines parsed as a script would write them,
// live packets built field by field, and the usual addresses.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grammar/parser.h"
#include "interpreter/flows.h"

namespace synack::interpreter::testing {

namespace flag = wire::tcp_flag;

inline wire::IpAddress Ip(std::string_view text) {
  auto address = wire::IpAddress::Parse(text);
  EXPECT_TRUE(address.has_value()) << text;
  return address.value_or(wire::IpAddress{});
}

// packetdrill's defaults for the IP version.
inline NetConfig Config(IpVersion version) {
  NetConfig net;
  net.ip_version = version;
  if (version == IpVersion::kIpv6) {
    net.local_ip = Ip("fd3d:a0b:17d6::1");
    net.remote_ip = Ip("fd3d:fa7b:d17d::1");
  } else {
    net.local_ip = Ip("192.168.0.1");
    net.remote_ip = Ip("192.0.2.1");
  }
  if (version == IpVersion::kIpv4MappedIpv6) {
    net.local_ip = net.local_ip.ToV4Mapped();
    net.remote_ip = net.remote_ip.ToV4Mapped();
  }
  return net;
}

// One packet line, e.g. "< S 0:0(0) win 32792 <mss 1000>".
inline grammar::PacketEvent Line(std::string_view text) {
  grammar::ParseResult parsed = grammar::Parse("0 " + std::string(text) + "\n");
  if (!parsed.ok() || parsed.script.events.size() != 1 ||
      !std::holds_alternative<grammar::PacketEvent>(
          parsed.script.events[0].action)) {
    ADD_FAILURE() << "cannot parse packet line: " << text;
    return {};
  }
  return std::get<grammar::PacketEvent>(
      std::move(parsed.script.events[0].action));
}

inline wire::TcpOption Opt(uint8_t kind, std::vector<uint8_t> data = {}) {
  return wire::TcpOption{kind, std::move(data)};
}
inline wire::TcpOption Nop() { return Opt(wire::tcp_opt::kNop); }
inline wire::TcpOption Mss(uint16_t mss) {
  return Opt(wire::tcp_opt::kMss,
             {static_cast<uint8_t>(mss >> 8), static_cast<uint8_t>(mss)});
}
inline wire::TcpOption Wscale(uint8_t shift) {
  return Opt(wire::tcp_opt::kWscale, {shift});
}
inline wire::TcpOption SackOk() { return Opt(wire::tcp_opt::kSackOk); }

inline void Put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<uint8_t>(v >> shift));
  }
}
inline wire::TcpOption Ts(uint32_t val, uint32_t ecr) {
  std::vector<uint8_t> data;
  Put32(data, val);
  Put32(data, ecr);
  return Opt(wire::tcp_opt::kTimestamp, data);
}
inline wire::TcpOption Sack(
    std::initializer_list<std::pair<uint32_t, uint32_t>> blocks) {
  std::vector<uint8_t> data;
  for (auto [left, right] : blocks) {
    Put32(data, left);
    Put32(data, right);
  }
  return Opt(wire::tcp_opt::kSack, data);
}

// A TCP segment as the stack would send it.
struct Seg {
  uint16_t sport = 8080, dport = 48000;
  uint16_t flags = 0;
  uint32_t seq = 0, ack = 0;
  uint16_t win = 65535;
  std::vector<wire::TcpOption> options;
  size_t length = 0;
  uint16_t urgent = 0;
};

inline wire::Packet Live(const NetConfig& net, const Seg& seg) {
  wire::Packet packet;
  const bool ipv6 = net.ip_version == IpVersion::kIpv6;
  auto on_wire = [&](const wire::IpAddress& a) {
    if (ipv6 || a.family == 2 /* AF_INET */) return a;
    wire::IpAddress v4;
    v4.family = 2;
    for (int i = 0; i < 4; ++i) v4.bytes[i] = a.bytes[12 + i];
    return v4;
  };
  packet.src = on_wire(net.local_ip);
  packet.dst = on_wire(net.remote_ip);
  wire::TcpHeader tcp;
  tcp.src_port = seg.sport;
  tcp.dst_port = seg.dport;
  tcp.flags = seg.flags;
  tcp.seq = seg.seq;
  tcp.ack = seg.ack;
  tcp.window = seg.win;
  tcp.urgent = seg.urgent;
  tcp.options = seg.options;
  packet.l4 = tcp;
  packet.payload.assign(seg.length, 0);
  return packet;
}

// A Flows under test with the defaults of one IP version, and shorthands
// that fail the test on an unexpected outcome.
class FlowsTest : public ::testing::Test {
 protected:
  explicit FlowsTest(IpVersion version = IpVersion::kIpv4)
      : net_(Config(version)), flows_(net_) {}

  wire::Packet Send(std::string_view line) {
    std::string error;
    auto packet = flows_.BuildInbound(Line(line), &error);
    EXPECT_TRUE(packet.has_value()) << line << ": " << error;
    return packet.value_or(wire::Packet{});
  }

  // The TCP header of Send(line), by value.
  wire::TcpHeader SendTcp(std::string_view line) {
    wire::Packet packet = Send(line);
    const auto* tcp = packet.tcp();
    EXPECT_NE(tcp, nullptr) << line;
    return tcp != nullptr ? *tcp : wire::TcpHeader{};
  }

  std::string SendError(std::string_view line) {
    std::string error;
    auto packet = flows_.BuildInbound(Line(line), &error);
    EXPECT_FALSE(packet.has_value()) << line;
    return error;
  }

  // "" when the live packet matches the line, else the difference.
  std::string Expect(std::string_view line, const Seg& seg) {
    return Expect(line, Live(net_, seg));
  }
  std::string Expect(std::string_view line, const wire::Packet& live) {
    MatchResult result = flows_.MatchOutbound(Line(line), live);
    EXPECT_EQ(result.ok, result.difference.empty()) << result.difference;
    return result.difference;
  }

  wire::Packet LiveSeg(const Seg& seg) const { return Live(net_, seg); }

  NetConfig net_;
  Flows flows_;
};

// The fields of a built TCP packet, for short assertions.
inline const wire::TcpHeader& TcpOf(const wire::Packet& packet) {
  static const wire::TcpHeader kNone;
  const auto* tcp = packet.tcp();
  EXPECT_NE(tcp, nullptr);
  return tcp != nullptr ? *tcp : kNone;
}

}  // namespace synack::interpreter::testing
