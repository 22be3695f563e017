// libFuzzer target for the own stack: a listener on 8080 and a client
// connecting to the remote side, then the input as a program of steps on
// the virtual clock: segments from the remote side (flags, options and
// payload from the input, sequence numbers near what the stack last sent
// so they land in its windows), system calls on the sockets, and time
// passing. The stack must not crash, must send only packets that parse,
// must keep its socket count bounded, and once every socket is closed and
// an hour has passed it must hold no socket and no timer.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <span>
#include <vector>

#include "runtime/stack/stack.h"
#include "runtime/wire/packet.h"

namespace synack::stack {
namespace {

constexpr uint16_t kListenPort = 8080;
constexpr uint16_t kRemotePorts[] = {40000, 40001, 40002, 40003};

[[noreturn]] void Broken(const std::string& property) {
  std::cerr << "property broken: " << property << "\n";
  std::abort();
}

// Reads the input a byte or a word at a time; zeros once it is used up.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t Word() { return static_cast<uint16_t>(Byte() << 8 | Byte()); }
  uint32_t Long() { return static_cast<uint32_t>(Word()) << 16 | Word(); }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

sockaddr_in Sin(const char* ip, uint16_t port) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  inet_pton(AF_INET, ip, &sin.sin_addr);
  return sin;
}

struct Peer {
  uint32_t stack_seq = 0;  // the stack's latest seq + length, to ack
  uint32_t stack_ack = 0;  // what the stack expects from us next
  bool seen = false;
};

class Driver {
 public:
  Driver() : stack_(StackConfig{}) {
    local_ = *wire::IpAddress::Parse("192.168.0.1");
    remote_ = *wire::IpAddress::Parse("192.0.2.1");
    listener_ = static_cast<int>(stack_.Socket(now_, AF_INET, SOCK_STREAM, 0).ret);
    const sockaddr_in any = Sin("0.0.0.0", kListenPort);
    stack_.Bind(now_, listener_, reinterpret_cast<const sockaddr*>(&any),
                sizeof any);
    stack_.Listen(now_, listener_, 4);
    fds_.push_back(listener_);
    const int client =
        static_cast<int>(stack_.Socket(now_, AF_INET, SOCK_STREAM, 0).ret);
    stack_.Fcntl(now_, client, F_SETFL, O_NONBLOCK);
    const sockaddr_in to = Sin("192.0.2.1", 8080);
    stack_.Connect(now_, client, reinterpret_cast<const sockaddr*>(&to),
                   sizeof to);
    fds_.push_back(client);
    Drain();
  }

  void Step(Input& in) {
    switch (in.Byte() % 4) {
      case 0:
      case 1:
        Segment(in);
        break;
      case 2:
        Call(in);
        break;
      default:
        Advance(Duration(static_cast<int64_t>(in.Word()) * 1000000));
        break;
    }
    Drain();
    if (stack_.Sockets().size() > 64) Broken("a bounded number of sockets");
  }

  // Everything closed, an hour on: nothing may be left.
  void Finish() {
    for (int fd : fds_) stack_.Close(now_, fd);
    fds_.clear();
    const Instant end = now_ + Duration(3600LL * 1000000000);
    for (int fired = 0; std::optional<Instant> next = stack_.NextDeadline();
         ++fired) {
      if (*next > end) break;
      if (fired > 100000) Broken("timers make progress");
      Advance(*next > now_ ? *next - now_ : Duration(0));
    }
    Advance(end - now_);
    if (!stack_.Sockets().empty()) Broken("no socket an hour after close");
    if (stack_.NextDeadline()) Broken("no timer an hour after close");
  }

 private:
  void Advance(Duration by) {
    now_ = now_ + by;
    stack_.Poll(now_);
    Drain();
  }

  void Drain() {
    while (std::optional<SentPacket> sent = stack_.TakeOutput()) {
      wire::ParseResult parsed = wire::Parse(sent->bytes);
      if (!parsed.packet) Broken("a sent packet parses: " + parsed.error);
      const wire::TcpHeader* tcp = parsed.packet->tcp();
      if (tcp == nullptr) continue;
      Peer& peer = peers_[{tcp->src_port, tcp->dst_port}];
      const uint32_t len = static_cast<uint32_t>(parsed.packet->payload.size()) +
                           ((tcp->flags & wire::tcp_flag::kSyn) ? 1 : 0) +
                           ((tcp->flags & wire::tcp_flag::kFin) ? 1 : 0);
      peer.stack_seq = tcp->seq + len;
      if (tcp->flags & wire::tcp_flag::kAck) peer.stack_ack = tcp->ack;
      peer.seen = true;
    }
  }

  // A segment from the remote side to the listener or to the client's
  // port, its numbers near the stack's own.
  void Segment(Input& in) {
    const uint8_t which = in.Byte();
    uint16_t local_port = kListenPort;
    uint16_t remote_port = kRemotePorts[which % 4];
    if (which & 0x80) {  // to the client's connection, if it has sent
      for (const auto& [ports, peer] : peers_) {
        if (ports.second == 8080 && ports.first != kListenPort) {
          local_port = ports.first;
          remote_port = 8080;
        }
      }
    }
    const Peer& peer = peers_[{local_port, remote_port}];
    wire::Packet packet;
    packet.src = remote_;
    packet.dst = local_;
    wire::TcpHeader tcp;
    tcp.src_port = remote_port;
    tcp.dst_port = local_port;
    tcp.flags = static_cast<uint16_t>(in.Byte() | (in.Byte() & 1) << 8);
    const int16_t seq_delta = static_cast<int16_t>(in.Word());
    const int16_t ack_delta = static_cast<int16_t>(in.Word());
    const bool raw = in.Byte() < 16;  // now and then, numbers from nowhere
    tcp.seq = raw ? in.Long() : peer.stack_ack + static_cast<uint32_t>(seq_delta % 64);
    tcp.ack = raw ? in.Long() : peer.stack_seq + static_cast<uint32_t>(ack_delta % 64);
    tcp.window = in.Word();
    tcp.urgent = (tcp.flags & wire::tcp_flag::kUrg) ? in.Word() : 0;
    // Options: up to 40 bytes of kinds and values from the input.
    const uint8_t option_count = in.Byte() % 6;
    size_t option_bytes = 0;
    for (uint8_t i = 0; i < option_count; ++i) {
      wire::TcpOption option;
      option.kind = in.Byte();
      if (option.kind == wire::tcp_opt::kNop || option.kind == 0) {
        option_bytes += 1;
      } else {
        option.data.resize(in.Byte() % 11);
        for (uint8_t& b : option.data) b = in.Byte();
        option_bytes += 2 + option.data.size();
      }
      if (option_bytes > 40) break;
      tcp.options.push_back(std::move(option));
    }
    packet.l4 = tcp;
    packet.payload.assign(in.Word() % 3000, 'x');
    wire::BuildResult built = wire::Build(packet);
    if (!built.ok()) return;
    stack_.Input(built.bytes, now_);
  }

  void Call(Input& in) {
    const uint8_t what = in.Byte();
    const int fd = fds_.empty() ? 3 : fds_[in.Byte() % fds_.size()];
    std::vector<uint8_t> buffer(in.Word() % 70000);
    switch (what % 8) {
      case 0: {
        CallResult r = stack_.Accept(now_, listener_, nullptr, nullptr);
        if (r.ret >= 0) fds_.push_back(static_cast<int>(r.ret));
        break;
      }
      case 1:
        stack_.Read(now_, fd, buffer, MSG_DONTWAIT);
        break;
      case 2:
        stack_.Write(now_, fd, buffer, MSG_DONTWAIT);
        break;
      case 3:
        stack_.Shutdown(now_, fd, in.Byte() % 3);
        break;
      case 4:
        if (fd != listener_) {
          stack_.Close(now_, fd);
          std::erase(fds_, fd);
        }
        break;
      case 5: {
        const int on = in.Byte() & 1;
        static constexpr int kOptions[] = {TCP_NODELAY, TCP_QUICKACK,
                                           TCP_CORK, TCP_MAXSEG};
        const int value = (what & 0x40) ? in.Word() : on;
        stack_.Setsockopt(now_, fd, IPPROTO_TCP, kOptions[in.Byte() % 4],
                          &value, sizeof value);
        break;
      }
      case 6: {
        linger l{in.Byte() & 1, in.Byte() % 3};
        stack_.Setsockopt(now_, fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        break;
      }
      default:
        stack_.PollEvents(now_, fd, POLLIN | POLLOUT);
        break;
    }
  }

  Stack stack_;
  Instant now_{};
  wire::IpAddress local_, remote_;
  int listener_ = -1;
  std::vector<int> fds_;
  std::map<std::pair<uint16_t, uint16_t>, Peer> peers_;  // (ours, theirs)
};

}  // namespace
}  // namespace synack::stack

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  synack::stack::Input in(data, size);
  synack::stack::Driver driver;
  for (int steps = 0; !in.done() && steps < 200; ++steps) driver.Step(in);
  driver.Finish();
  return 0;
}
