// A test fixture that drives a Stack like a tiny packetdrill script: the
// remote side's segments in, the stack's segments out, both written with
// relative sequence numbers, at exact virtual times.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/stack/stack.h"
#include "runtime/stack/tcp_info.h"
#include "runtime/wire/bytes.h"
#include "runtime/wire/packet.h"

namespace synack::stack {

inline void PrintTo(const CallResult& r, std::ostream* out) {
  *out << "{ret " << r.ret << ", err " << r.err
       << (r.would_block ? ", would_block" : "") << "}";
}

namespace test {

inline Instant T(double seconds) {
  return Instant{Duration(std::llround(seconds * 1e9))};
}

inline CallResult Ok(int64_t ret) { return CallResult::Ok(ret); }
inline CallResult Err(int err) { return CallResult::Error(err); }
inline CallResult WouldBlock(int64_t ret = -1) {
  return {ret, ret < 0 ? EAGAIN : 0, true};
}

inline sockaddr_in Sin(const char* ip, uint16_t port) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  inet_pton(AF_INET, ip, &sin.sin_addr);
  return sin;
}

// The remote end of a connection: its port and ours.
struct Flow {
  uint16_t remote_port = 40000;
  uint16_t local_port = 8080;
};

class StackTest : public ::testing::Test {
 protected:
  // Remote sequence numbers in scripts are relative to this.
  static constexpr uint32_t kRemoteIsn = 1000000;
  static constexpr const char* kLocal = "192.168.0.1";
  static constexpr const char* kRemote = "192.0.2.1";

  StackTest() { Reset(StackConfig{}); }

  void Reset(const StackConfig& config) {
    stack_ = std::make_unique<Stack>(config);
    flows_.clear();
  }

  Stack& stack() { return *stack_; }
  Sysctls& sysctls() { return stack_->sysctls(); }
  int64_t Counter(const std::string& name) { return stack_->Counters().at(name); }

  // --- Segments in and out ---------------------------------------------

  // Injects a segment from the remote end at time t, e.g.
  //   "S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>"
  //   "P. 1:11(10) ack 1 win 514 <nop,nop,TS val 101 ecr 0>"
  // Flags: F S R P . (ACK) E W. Our sequence numbers (ack, TS ecr) are
  // relative to what the stack first sent on the flow, when it has.
  void Send(double t, std::string_view segment, Flow flow = {}) {
    wire::Packet packet = ParseSegment(segment, flow);
    wire::BuildResult built = wire::Build(packet);
    ASSERT_TRUE(built.ok()) << built.error;
    ASSERT_EQ(stack_->Input(built.bytes, T(t)), "") << segment;
  }

  // Expects the next packet the stack sends to leave at exactly t and to
  // read as `segment` (same syntax, our sequence numbers relative).
  void ExpectSent(double t, std::string_view segment) {
    stack_->Poll(T(t));
    std::optional<SentPacket> sent = stack_->TakeOutput();
    ASSERT_TRUE(sent.has_value()) << "nothing sent by " << t << ", expected "
                                  << segment;
    wire::ParseResult parsed = wire::Parse(sent->bytes);
    ASSERT_TRUE(parsed.packet.has_value()) << parsed.error;
    const std::string actual = FormatSegment(*parsed.packet);
    EXPECT_EQ(actual, segment) << "at " << t;
    EXPECT_EQ(interpreter::ToMicros(sent->time - T(0)), std::llround(t * 1e6))
        << "sent at the wrong time: " << actual;
  }

  // Expects nothing sent up to and including t.
  void ExpectNothing(double t) {
    stack_->Poll(T(t));
    std::optional<SentPacket> sent = stack_->TakeOutput();
    if (sent) {
      wire::ParseResult parsed = wire::Parse(sent->bytes);
      ADD_FAILURE() << "unexpected packet at "
                    << static_cast<double>(interpreter::ToMicros(sent->time - T(0))) / 1e6
                    << ": " << (parsed.packet ? FormatSegment(*parsed.packet) : "?");
    }
  }

  // The last packet sent, as raw IP fields, for tests of the IP header.
  std::optional<wire::Packet> TakePacket(double t) {
    stack_->Poll(T(t));
    std::optional<SentPacket> sent = stack_->TakeOutput();
    if (!sent) return std::nullopt;
    return wire::Parse(sent->bytes).packet;
  }

  // --- Sockets in common states -------------------------------------------

  int ListeningSocket(double t = 0, int backlog = 1, uint16_t port = 8080) {
    const int fd = static_cast<int>(stack_->Socket(T(t), AF_INET, SOCK_STREAM, 0).ret);
    const int one = 1;
    EXPECT_EQ(stack_->Setsockopt(T(t), fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), Ok(0));
    const sockaddr_in addr = Sin("0.0.0.0", port);
    EXPECT_EQ(stack_->Bind(T(t), fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), Ok(0));
    EXPECT_EQ(stack_->Listen(T(t), fd, backlog), Ok(0));
    return fd;
  }

  // A passively opened connection with all options, accepted; returns the
  // accepted descriptor. Time 0 to 0.1 s (RTT 100 ms).
  int EstablishedSocket() {
    listen_fd_ = ListeningSocket();
    Send(0, "S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>");
    ExpectSent(0, "S. 0:0(0) ack 1 win 65160 <mss 1460,sackOK,TS val 0 ecr 100,nop,wscale 10>");
    Send(0.1, ". 1:1(0) ack 1 win 514 <nop,nop,TS val 110 ecr 0>");
    const CallResult accepted = stack_->Accept(T(0.1), listen_fd_, nullptr, nullptr);
    EXPECT_GE(accepted.ret, 3);
    return static_cast<int>(accepted.ret);
  }

  // An actively opened, non-blocking connection to 192.0.2.1:8080 with
  // all options; time 0 to 0.1 s.
  int ConnectedSocket() {
    const int fd = static_cast<int>(
        stack_->Socket(T(0), AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0).ret);
    const sockaddr_in addr = Sin(kRemote, 8080);
    EXPECT_EQ(stack_->Connect(T(0), fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr),
              Err(EINPROGRESS));
    ExpectSent(0, "S 0:0(0) win 64240 <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 10>");
    Send(0.1, "S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 200 ecr 0,nop,wscale 7>",
         active_);
    ExpectSent(0.1, ". 1:1(0) ack 1 win 63 <nop,nop,TS val 100 ecr 200>");
    return fd;
  }

  CallResult Write(double t, int fd, size_t n) {
    std::vector<uint8_t> data(n, 'w');
    return stack_->Write(T(t), fd, data);
  }
  CallResult Read(double t, int fd, size_t n) {
    std::vector<uint8_t> buffer(n);
    return stack_->Read(T(t), fd, buffer);
  }
  int TcpState(double t, int fd) {
    TcpInfo info{};
    socklen_t len = sizeof info;
    stack_->Getsockopt(T(t), fd, IPPROTO_TCP, TCP_INFO, &info, &len);
    return info.tcpi_state;
  }
  TcpInfo Info(double t, int fd) {
    TcpInfo info{};
    socklen_t len = sizeof info;
    stack_->Getsockopt(T(t), fd, IPPROTO_TCP, TCP_INFO, &info, &len);
    return info;
  }

  // The flow of the last active open (its local port learned from the SYN).
  Flow active_{8080, 0};
  int listen_fd_ = -1;

 private:
  struct FlowState {
    std::optional<uint32_t> isn;      // the stack's ISN
    std::optional<uint32_t> ts_base;  // the stack's first TS value
  };

  static uint16_t Flags(std::string_view word) {
    uint16_t flags = 0;
    for (char c : word) {
      switch (c) {
        case 'F': flags |= wire::tcp_flag::kFin; break;
        case 'S': flags |= wire::tcp_flag::kSyn; break;
        case 'R': flags |= wire::tcp_flag::kRst; break;
        case 'P': flags |= wire::tcp_flag::kPsh; break;
        case '.': flags |= wire::tcp_flag::kAck; break;
        case 'E': flags |= wire::tcp_flag::kEce; break;
        case 'W': flags |= wire::tcp_flag::kCwr; break;
        default: ADD_FAILURE() << "bad flag " << c;
      }
    }
    return flags;
  }

  static std::string FlagsText(uint16_t flags) {
    std::string out;
    if (flags & wire::tcp_flag::kFin) out += 'F';
    if (flags & wire::tcp_flag::kSyn) out += 'S';
    if (flags & wire::tcp_flag::kRst) out += 'R';
    if (flags & wire::tcp_flag::kPsh) out += 'P';
    if (flags & wire::tcp_flag::kAck) out += '.';
    if (flags & wire::tcp_flag::kEce) out += 'E';
    if (flags & wire::tcp_flag::kCwr) out += 'W';
    return out;
  }

  std::pair<uint16_t, uint16_t> Key(const Flow& flow) const {
    return {flow.local_port, flow.remote_port};
  }

  wire::Packet ParseSegment(std::string_view text, const Flow& flow) {
    std::istringstream in{std::string(text)};
    std::string word;
    wire::Packet packet;
    packet.src = *wire::IpAddress::Parse(kRemote);
    packet.dst = *wire::IpAddress::Parse(kLocal);
    packet.dont_fragment = true;
    wire::TcpHeader th;
    th.src_port = flow.remote_port;
    th.dst_port = flow.local_port;
    th.window = 65535;
    FlowState& state = flows_[Key(flow)];
    in >> word;
    th.flags = Flags(word);
    in >> word;  // start:end(len)
    uint32_t start = 0, end = 0, len = 0;
    EXPECT_EQ(std::sscanf(word.c_str(), "%u:%u(%u)", &start, &end, &len), 3) << word;
    th.seq = kRemoteIsn + start;
    for (uint32_t i = 0; i < len; ++i) {
      packet.payload.push_back(static_cast<uint8_t>('a' + (start + i) % 26));
    }
    while (in >> word) {
      if (word == "ack") {
        uint32_t ack;
        in >> ack;
        th.ack = ack + state.isn.value_or(0);
      } else if (word == "win") {
        in >> th.window;
      } else if (word[0] == '<') {
        std::string rest;
        std::getline(in, rest);
        th.options = ParseOptions(word + rest, state);
      }
    }
    packet.l4 = th;
    return packet;
  }

  std::vector<wire::TcpOption> ParseOptions(std::string text, const FlowState& state) {
    std::vector<wire::TcpOption> options;
    text = text.substr(1, text.find('>') - 1);
    std::istringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
      std::istringstream words(item);
      std::string kind;
      words >> kind;
      if (kind == "nop") {
        options.push_back({wire::tcp_opt::kNop, {}});
      } else if (kind == "mss") {
        uint32_t v;
        words >> v;
        options.push_back({wire::tcp_opt::kMss, {uint8_t(v >> 8), uint8_t(v)}});
      } else if (kind == "sackOK") {
        options.push_back({wire::tcp_opt::kSackOk, {}});
      } else if (kind == "wscale") {
        uint32_t v;
        words >> v;
        options.push_back({wire::tcp_opt::kWscale, {uint8_t(v)}});
      } else if (kind == "TS") {
        std::string val, ecr;
        uint32_t tsval = 0, tsecr = 0;
        words >> val >> tsval >> ecr >> tsecr;
        // A zero echo is literal; others are relative to the stack's first
        // TS value on this flow.
        if (tsecr != 0 || state.ts_base) tsecr += state.ts_base.value_or(0);
        wire::TcpOption ts{wire::tcp_opt::kTimestamp, std::vector<uint8_t>(8)};
        wire::Store32(&ts.data[0], tsval);
        wire::Store32(&ts.data[4], tsecr);
        options.push_back(ts);
      } else {
        ADD_FAILURE() << "unknown option " << kind;
      }
    }
    return options;
  }

  std::string FormatSegment(const wire::Packet& packet) {
    const wire::TcpHeader* th = packet.tcp();
    if (th == nullptr) return "not TCP";
    if (th->dst_port == 8080 && th->src_port != 8080) {
      active_ = Flow{th->dst_port, th->src_port};
    }
    FlowState& state = flows_[{th->src_port, th->dst_port}];
    if ((th->flags & wire::tcp_flag::kSyn) && !state.isn) state.isn = th->seq;
    const uint32_t base = state.isn.value_or(0);
    const uint32_t len = static_cast<uint32_t>(packet.payload.size());
    std::ostringstream out;
    out << FlagsText(th->flags) << ' ' << th->seq - base << ':'
        << th->seq - base + len << '(' << len << ')';
    if (th->flags & wire::tcp_flag::kAck) out << " ack " << th->ack - kRemoteIsn;
    out << " win " << th->window;
    if (!th->options.empty()) {
      out << " <";
      bool first = true;
      for (const wire::TcpOption& o : th->options) {
        if (!first) out << ',';
        first = false;
        switch (o.kind) {
          case wire::tcp_opt::kNop: out << "nop"; break;
          case wire::tcp_opt::kMss: out << "mss " << wire::Load16(o.data.data()); break;
          case wire::tcp_opt::kSackOk: out << "sackOK"; break;
          case wire::tcp_opt::kWscale: out << "wscale " << int{o.data[0]}; break;
          case wire::tcp_opt::kTimestamp: {
            const uint32_t val = wire::Load32(&o.data[0]);
            if (!state.ts_base) state.ts_base = val;
            out << "TS val " << val - *state.ts_base << " ecr " << wire::Load32(&o.data[4]);
            break;
          }
          case wire::tcp_opt::kSack:
            out << "sack";
            for (size_t i = 0; i < o.data.size(); i += 8) {
              out << ' ' << wire::Load32(&o.data[i]) - kRemoteIsn << ':'
                  << wire::Load32(&o.data[i + 4]) - kRemoteIsn;
            }
            break;
          default: out << "kind " << int{o.kind}; break;
        }
      }
      out << '>';
    }
    return out.str();
  }

  std::unique_ptr<Stack> stack_;
  std::map<std::pair<uint16_t, uint16_t>, FlowState> flows_;
};

}  // namespace test
}  // namespace synack::stack
