// StackBackend: the virtual clock, blocking calls completed by the stack,
// commands, counters. Driven the way the interpreter drives it: this
// thread moves the clock; blocking calls run on threads of their own.
#include "runtime/stack/stack_backend.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>

#include <chrono>
#include <thread>

#include "interpreter/config.h"
#include "runtime/wire/bytes.h"
#include "runtime/wire/packet.h"

namespace synack::stack {
namespace {

using interpreter::Outbound;
using interpreter::SyscallResult;

Instant At(double seconds) {
  return Instant{} + std::chrono::nanoseconds(static_cast<int64_t>(seconds * 1e9 + 0.5));
}

double Seconds(Instant t) {
  return static_cast<double>(t.since_epoch.count()) / 1e9;
}

interpreter::NetConfig Net() {
  interpreter::NetConfig net;
  net.local_ip = *wire::IpAddress::Parse("192.168.0.1");
  net.remote_ip = *wire::IpAddress::Parse("192.0.2.1");
  return net;
}

sockaddr_in Sin(const char* ip, uint16_t port) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  inet_pton(AF_INET, ip, &sin.sin_addr);
  return sin;
}

// A TCP segment from 192.0.2.1:40000 to 192.168.0.1:8080 (or the ports
// given), with an MSS option on SYNs.
std::vector<uint8_t> Segment(uint16_t flags, uint32_t seq, uint32_t ack,
                             uint16_t sport = 40000, uint16_t dport = 8080) {
  wire::Packet packet;
  packet.src = *wire::IpAddress::Parse("192.0.2.1");
  packet.dst = *wire::IpAddress::Parse("192.168.0.1");
  wire::TcpHeader th;
  th.src_port = sport;
  th.dst_port = dport;
  th.seq = seq;
  th.ack = ack;
  th.flags = flags;
  th.window = 65535;
  if (flags & wire::tcp_flag::kSyn) {
    th.options.push_back({wire::tcp_opt::kMss, {0x05, 0xb4}});
  }
  packet.l4 = th;
  wire::BuildResult built = wire::Build(packet);
  EXPECT_TRUE(built.ok()) << built.error;
  return built.bytes;
}

wire::TcpHeader Tcp(const Outbound& out) {
  wire::ParseResult parsed = wire::Parse(out.bytes);
  EXPECT_TRUE(parsed.packet.has_value()) << parsed.error;
  if (!parsed.packet || parsed.packet->tcp() == nullptr) return {};
  return *parsed.packet->tcp();
}

class StackBackendTest : public ::testing::Test {
 protected:
  StackBackendTest() : backend_(Net(), 1) {}

  interpreter::Syscalls& calls() { return backend_.syscalls(); }
  interpreter::Clock& clock() { return backend_.clock(); }

  int Listener() {
    const int fd = static_cast<int>(calls().Socket(AF_INET, SOCK_STREAM, 0).ret);
    const sockaddr_in addr = Sin("0.0.0.0", 8080);
    EXPECT_EQ(calls().Bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr).ret, 0);
    EXPECT_EQ(calls().Listen(fd, 1).ret, 0);
    return fd;
  }

  StackBackend backend_;
};

// The clock jumps: two minutes pass at once, with no timer to fire.
TEST_F(StackBackendTest, ClockJumpsWithoutSleeping) {
  const auto start = std::chrono::steady_clock::now();
  clock().WaitUntil(At(120));
  EXPECT_EQ(clock().Now(), At(120));
  clock().WaitUntil(At(60));  // never back
  EXPECT_EQ(clock().Now(), At(120));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
}

// The wall clock (pcap times) is the stack's own, drawn from the seed, so
// a run's capture is the same every time: it neither follows the host's
// clock nor drifts from the virtual one.
TEST_F(StackBackendTest, WallClockComesFromTheSeed) {
  const interpreter::Duration offset = clock().RealtimeOffset();
  clock().WaitUntil(At(120));
  EXPECT_EQ(clock().RealtimeOffset(), offset);
  StackBackend same(Net(), 1);
  EXPECT_EQ(same.clock().RealtimeOffset(), offset);
  StackBackend other(Net(), 2);
  EXPECT_NE(other.clock().RealtimeOffset(), offset);
  // Somewhere in 2020-2030, like a real machine's.
  EXPECT_GE(offset, std::chrono::seconds(1577836800));
  EXPECT_LT(offset, std::chrono::seconds(1893456000));
}

// A jump fires the timers on the way, each at its own time: the SYN's
// retransmissions are stamped 1 s, 2 s, 3 s, whenever they are taken.
TEST_F(StackBackendTest, TimersFireAtTheirOwnTimesOnTheWay) {
  clock().WaitUntil(At(0));
  const int fd =
      static_cast<int>(calls().Socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0).ret);
  const sockaddr_in addr = Sin("192.0.2.1", 8080);
  EXPECT_EQ(calls().Connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr).err,
            EINPROGRESS);
  clock().WaitUntil(At(3.5));
  std::vector<double> times;
  while (std::optional<Outbound> out = backend_.NextOutbound(At(3.5))) {
    EXPECT_EQ(Tcp(*out).flags, wire::tcp_flag::kSyn);
    times.push_back(Seconds(out->time));
  }
  EXPECT_EQ(times, (std::vector<double>{0, 1, 2, 3}));
  // Waiting for a packet runs the clock to the next timer, not further.
  std::optional<Outbound> fifth = backend_.NextOutbound(At(100));
  ASSERT_TRUE(fifth.has_value());
  EXPECT_EQ(Seconds(fifth->time), 4);
  EXPECT_EQ(clock().Now(), At(4));
  // And to the deadline when nothing comes.
  EXPECT_FALSE(backend_.NextOutbound(At(4.5)).has_value());
  EXPECT_EQ(clock().Now(), At(4.5));
}

// `+0...0.2 accept(3, ...)`: the call blocks on its own thread; the
// handshake the script injects completes it; it returns at the ACK's time,
// and the clock waits for it to read that time before moving on.
TEST_F(StackBackendTest, BlockingAcceptCompletedByInjectedHandshake) {
  clock().WaitUntil(At(0));
  const int listener = Listener();
  SyscallResult accepted;
  Instant returned_at;
  std::thread call([&] {
    accepted = calls().Accept(listener, nullptr, nullptr);
    returned_at = clock().Now();
  });
  clock().WaitUntil(At(0.1));
  ASSERT_EQ(backend_.Inject(Segment(wire::tcp_flag::kSyn, 1000, 0)), "");
  std::optional<Outbound> synack = backend_.NextOutbound(At(0.1));
  ASSERT_TRUE(synack.has_value());
  const wire::TcpHeader th = Tcp(*synack);
  EXPECT_EQ(th.flags, wire::tcp_flag::kSyn | wire::tcp_flag::kAck);
  EXPECT_EQ(th.ack, 1001u);
  EXPECT_EQ(synack->time, At(0.1));
  clock().WaitUntil(At(0.2));
  ASSERT_EQ(backend_.Inject(Segment(wire::tcp_flag::kAck, 1001, th.seq + 1)), "");
  clock().WaitUntil(At(5));
  call.join();
  EXPECT_EQ(accepted.ret, 4);
  EXPECT_EQ(accepted.err, 0);
  EXPECT_EQ(returned_at, At(0.2));
  EXPECT_EQ(clock().Now(), At(5));
}

// `+0...0.1 connect(...)` then `+0 > S ...`: the clock does not move before
// the call's thread has made its call, so the SYN leaves at 0, however
// late the thread starts.
TEST_F(StackBackendTest, ClockWaitsForABlockingCallsThreadToStart) {
  clock().WaitUntil(At(0));
  const int fd = static_cast<int>(calls().Socket(AF_INET, SOCK_STREAM, 0).ret);
  SyscallResult connected;
  Instant returned_at;
  std::thread call([&] {
    // A thread that is slow to get going.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const sockaddr_in addr = Sin("192.0.2.1", 8080);
    connected = calls().Connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    returned_at = clock().Now();
  });
  std::optional<Outbound> syn = backend_.NextOutbound(At(0.008));
  ASSERT_TRUE(syn.has_value());
  EXPECT_EQ(syn->time, At(0));
  const wire::TcpHeader th = Tcp(*syn);
  clock().WaitUntil(At(0.1));
  ASSERT_EQ(backend_.Inject(Segment(wire::tcp_flag::kSyn | wire::tcp_flag::kAck, 5000,
                                    th.seq + 1, 8080, th.src_port)),
            "");
  std::optional<Outbound> ack = backend_.NextOutbound(At(0.1));
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(Tcp(*ack).flags, wire::tcp_flag::kAck);
  clock().WaitUntil(At(1));
  call.join();
  EXPECT_EQ(connected.ret, 0);
  EXPECT_EQ(returned_at, At(0.1));
}

// A blocking connect that nobody answers: tcp_syn_retries=6 with 4 linear
// timeouts gives SYNs at 0, 1, 2, 3, 4, 5, 7, 11, 19, 35 and 67 s and
// ETIMEDOUT about 134 s in (Linux 6.18), all in a few milliseconds.
TEST_F(StackBackendTest, UnansweredConnectTimesOutAfter134VirtualSeconds) {
  const auto start = std::chrono::steady_clock::now();
  clock().WaitUntil(At(0));
  interpreter::CommandResult set = backend_.RunCommand(
      "sysctl -q net.ipv4.tcp_syn_retries=6 net.ipv4.tcp_syn_linear_timeouts=4", {});
  EXPECT_EQ(set.exit_status, 0) << set.output;
  const int fd = static_cast<int>(calls().Socket(AF_INET, SOCK_STREAM, 0).ret);
  SyscallResult connected;
  Instant returned_at;
  std::thread call([&] {
    const sockaddr_in addr = Sin("192.0.2.1", 8080);
    connected = calls().Connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    returned_at = clock().Now();
  });
  std::vector<int64_t> syn_ms;
  while (std::optional<Outbound> out = backend_.NextOutbound(At(200))) {
    syn_ms.push_back(interpreter::ToMicros(out->time.since_epoch) / 1000);
  }
  call.join();
  EXPECT_EQ(syn_ms, (std::vector<int64_t>{0, 1000, 2000, 3000, 4000, 5000, 7000,
                                          11000, 19000, 35000, 67000}));
  EXPECT_EQ(connected.ret, -1);
  EXPECT_EQ(connected.err, ETIMEDOUT);
  EXPECT_GE(returned_at, At(131));
  EXPECT_LE(returned_at, At(134.1));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
}

// poll() with a timeout on a blocking call's thread returns 0 when the
// timeout has passed on the virtual clock.
TEST_F(StackBackendTest, PollTimesOutOnTheVirtualClock) {
  clock().WaitUntil(At(0));
  const int listener = Listener();
  SyscallResult polled;
  Instant returned_at;
  pollfd fds{listener, POLLIN, 0};
  std::thread call([&] {
    polled = calls().Poll(&fds, 1, 500);
    returned_at = clock().Now();
  });
  clock().WaitUntil(At(2));
  call.join();
  EXPECT_EQ(polled.ret, 0);
  EXPECT_EQ(fds.revents, 0);
  EXPECT_EQ(returned_at, At(0.5));
}

// A call on the interpreter's own thread that blocks with nothing pending
// to move the stack waits, in real time, for the watchdog's shutdown().
TEST_F(StackBackendTest, BlockedCallOnTheDriverWaitsForTheWatchdog) {
  // The watchdog exists before the run starts, as the interpreter's does.
  std::atomic<int> shutdown_fd{-1};
  std::thread watchdog([&] {
    while (shutdown_fd.load() < 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    calls().Shutdown(shutdown_fd.load(), SHUT_RDWR);
  });
  clock().WaitUntil(At(0));
  const int listener = Listener();
  shutdown_fd = listener;
  const SyscallResult accepted = calls().Accept(listener, nullptr, nullptr);
  watchdog.join();
  EXPECT_EQ(accepted.ret, -1);
  EXPECT_EQ(accepted.err, EINVAL);
  EXPECT_EQ(clock().Now(), At(0));
}

TEST_F(StackBackendTest, CommandsSetSysctlsAndSkipTheRest) {
  interpreter::CommandResult result = backend_.RunCommand(
      "cd -- '/tmp' || exit 127\n"
      "sysctl -q net.ipv4.tcp_syn_retries=2 net.core.somaxconn=8\n"
      "echo 0 > /proc/sys/net/ipv4/tcp_timestamps",
      {{"PACKETDRILL_PID", "1"}});
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_EQ(result.output, "");
  backend_.WithStack([](Stack& stack) {
    EXPECT_EQ(stack.sysctls().tcp_syn_retries, 2);
    EXPECT_EQ(stack.sysctls().somaxconn, 8);
    EXPECT_EQ(stack.sysctls().tcp_timestamps, 0);
  });
  result = backend_.RunCommand("python3 ../common/check.py", {});
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_EQ(result.output,
            "not modelled by the stack backend, so skipped: `python3 "
            "../common/check.py`\n");
}

TEST_F(StackBackendTest, CountersUnderNstatNames) {
  clock().WaitUntil(At(0));
  Listener();
  ASSERT_EQ(backend_.Inject(Segment(wire::tcp_flag::kSyn, 1000, 0)), "");
  const std::map<std::string, int64_t> counters = backend_.Counters();
  EXPECT_EQ(counters.at("TcpInSegs"), 1);
  EXPECT_EQ(counters.at("TcpOutSegs"), 1);
}

// A NULL buffer with a length is EFAULT once there is data to copy; the
// data stays queued.
TEST_F(StackBackendTest, NullBuffersAreEfault) {
  clock().WaitUntil(At(0));
  const int listener = Listener();
  ASSERT_EQ(backend_.Inject(Segment(wire::tcp_flag::kSyn, 1000, 0)), "");
  const wire::TcpHeader synack = Tcp(*backend_.NextOutbound(At(0)));
  ASSERT_EQ(backend_.Inject(Segment(wire::tcp_flag::kAck, 1001, synack.seq + 1)), "");
  const int fd = static_cast<int>(calls().Accept(listener, nullptr, nullptr).ret);
  EXPECT_EQ(calls().Write(fd, nullptr, 100).err, EFAULT);
  EXPECT_EQ(calls().Sendto(fd, nullptr, 100, 0, nullptr, 0).err, EFAULT);
  wire::Packet data;
  wire::ParseResult parsed = wire::Parse(Segment(wire::tcp_flag::kAck | wire::tcp_flag::kPsh,
                                                 1001, synack.seq + 1));
  data = *parsed.packet;
  data.payload.assign(10, 'x');
  ASSERT_EQ(backend_.Inject(wire::Build(data).bytes), "");
  EXPECT_EQ(calls().Read(fd, nullptr, 10).err, EFAULT);
  char buf[10];
  EXPECT_EQ(calls().Read(fd, buf, sizeof buf).ret, 10);
}

// epoll: an edge-triggered item reports a socket once per wake-up (a
// connection queued for accept(), data arriving), a level-triggered one
// whenever it is ready; epoll_wait() with a timeout waits on the virtual
// clock.
TEST_F(StackBackendTest, EpollEdgeAndLevel) {
  clock().WaitUntil(At(0));
  const int listener = Listener();
  const int ep = static_cast<int>(calls().EpollCreate(1).ret);
  EXPECT_GE(ep, 3);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLET;
  ev.data.u64 = 42;
  EXPECT_EQ(calls().EpollCtl(ep, EPOLL_CTL_ADD, listener, &ev).ret, 0);
  EXPECT_EQ(calls().EpollCtl(ep, EPOLL_CTL_ADD, listener, &ev).err, EEXIST);
  epoll_event out[4];
  EXPECT_EQ(calls().EpollWait(ep, out, 4, 0).ret, 0);
  ASSERT_EQ(backend_.Inject(Segment(wire::tcp_flag::kSyn, 1000, 0)), "");
  const wire::TcpHeader synack = Tcp(*backend_.NextOutbound(At(0)));
  clock().WaitUntil(At(0.1));
  ASSERT_EQ(backend_.Inject(Segment(wire::tcp_flag::kAck, 1001, synack.seq + 1)), "");
  ASSERT_EQ(calls().EpollWait(ep, out, 4, 0).ret, 1);
  EXPECT_EQ(out[0].events, static_cast<uint32_t>(EPOLLIN));
  EXPECT_EQ(out[0].data.u64, 42u);
  EXPECT_EQ(calls().EpollWait(ep, out, 4, 0).ret, 0);  // no new wake-up
  const int fd = static_cast<int>(calls().Accept(listener, nullptr, nullptr).ret);
  ev.events = EPOLLIN;
  ev.data.u64 = 7;
  EXPECT_EQ(calls().EpollCtl(ep, EPOLL_CTL_ADD, fd, &ev).ret, 0);
  // Nothing to read: a wait with a timeout returns 0 when it has passed.
  EXPECT_EQ(calls().EpollWait(ep, out, 4, 100).ret, 0);
  EXPECT_EQ(clock().Now(), At(0.2));
  wire::Packet data = *wire::Parse(Segment(wire::tcp_flag::kAck | wire::tcp_flag::kPsh, 1001,
                                          synack.seq + 1)).packet;
  data.payload.assign(10, 'x');
  ASSERT_EQ(backend_.Inject(wire::Build(data).bytes), "");
  for (int i = 0; i < 2; ++i) {  // level-triggered: again and again
    ASSERT_EQ(calls().EpollWait(ep, out, 4, 0).ret, 1);
    EXPECT_EQ(out[0].data.u64, 7u);
  }
  EXPECT_EQ(calls().EpollCtl(ep, EPOLL_CTL_DEL, fd, nullptr).ret, 0);
  EXPECT_EQ(calls().EpollWait(ep, out, 4, 0).ret, 0);
  EXPECT_EQ(calls().Close(ep).ret, 0);
  EXPECT_EQ(calls().EpollWait(ep, out, 4, 0).err, EBADF);
}

}  // namespace
}  // namespace synack::stack
