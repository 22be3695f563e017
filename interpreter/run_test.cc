#include "interpreter/run.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <linux/errqueue.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <cstring>

#include "grammar/checker.h"
#include "grammar/parser.h"
#include "interpreter/testing/fake_backend.h"

namespace synack::interpreter {
namespace {

using ::testing::_;
using ::testing::DoAll;
using ::testing::Invoke;
using ::testing::Return;
using testing::At;
using testing::FakeBackend;
using testing::FakeClock;
using testing::Gate;

grammar::Script Script(const std::string& text) {
  grammar::ParseResult parsed = grammar::Parse(text);
  EXPECT_TRUE(parsed.ok()) << grammar::RenderAll(parsed.diagnostics, "t.pkt",
                                                 text);
  std::vector<grammar::Diagnostic> checked =
      grammar::Check(parsed.script, {});
  EXPECT_FALSE(grammar::HasErrors(checked))
      << grammar::RenderAll(checked, "t.pkt", text);
  return std::move(parsed.script);
}

SyscallResult Ok(int64_t ret = 0) { return {ret, 0}; }
SyscallResult Err(int err) { return {-1, err}; }

std::string Errors(const RunReport& report) {
  return RenderReport(report, "t.pkt");
}

class RunTest : public ::testing::Test {
 protected:
  RunReport RunScript(const std::string& text) {
    script_ = Script(text);
    return interpreter::Run(script_, backend_, config_, "/tmp/scripts");
  }

  // A listener on 8080 and, at 0.1, a SYN to it; `rest` follows.
  RunReport SynThen(const std::string& rest) {
    return RunScript(
        "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
        "+0 bind(3, ..., ...) = 0\n"
        "+0 listen(3, 1) = 0\n"
        "+0.1 < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>\n" +
        rest);
  }

  // getsockname() answers with the default local address and `port`.
  void BindsTo(uint16_t port) {
    ON_CALL(backend_.calls, Getsockname)
        .WillByDefault(Invoke([port](int, sockaddr* addr, socklen_t* len) {
          sockaddr_in sin{};
          sin.sin_family = AF_INET;
          sin.sin_port = htons(port);
          inet_pton(AF_INET, "192.168.0.1", &sin.sin_addr);
          std::memcpy(addr, &sin, sizeof sin);
          *len = sizeof sin;
          return Ok();
        }));
  }

  FakeBackend backend_;
  RunConfig config_ = DefaultConfig(IpVersion::kIpv4);
  grammar::Script script_;
};

TEST_F(RunTest, ScriptFdsMapToLiveFds) {
  EXPECT_CALL(backend_.calls, Socket(AF_INET, SOCK_STREAM, IPPROTO_TCP))
      .WillOnce(Return(Ok(7)));
  EXPECT_CALL(backend_.calls, Setsockopt(7, SOL_SOCKET, SO_REUSEADDR, _, 4))
      .WillOnce(Invoke([](int, int, int, const void* value, socklen_t) {
        int on = 0;
        std::memcpy(&on, value, sizeof on);
        EXPECT_EQ(on, 1);
        return Ok();
      }));
  EXPECT_CALL(backend_.calls, Close(7)).WillOnce(Return(Ok()));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0\n"
      "+0 close(3) = 0\n");
  EXPECT_TRUE(report.passed) << Errors(report);
}

TEST_F(RunTest, ErrnoMismatch) {
  EXPECT_CALL(backend_.calls, Connect(3, _, sizeof(sockaddr_in)))
      .WillOnce(Invoke([](int, const sockaddr* addr, socklen_t) {
        const auto* sin = reinterpret_cast<const sockaddr_in*>(addr);
        EXPECT_EQ(ntohs(sin->sin_port), 8080);
        EXPECT_EQ(ntohl(sin->sin_addr.s_addr), 0xc0000201u);  // 192.0.2.1
        return Ok(0);
      }));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)\n");
  EXPECT_FALSE(report.passed);
  EXPECT_EQ(Errors(report),
            "t.pkt:2: error: connect: expected -1 EINPROGRESS, got 0\n");
}

TEST_F(RunTest, WrongErrnoNamesBoth) {
  EXPECT_CALL(backend_.calls, Connect).WillOnce(Return(Err(ECONNREFUSED)));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:2: error: connect: expected -1 EINPROGRESS, got -1 "
            "ECONNREFUSED (Connection refused)\n");
}

TEST_F(RunTest, ReturnValueMismatch) {
  EXPECT_CALL(backend_.calls, Write(3, _, 2000)).WillOnce(Return(Ok(1000)));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 write(3, ..., 2000) = 2000\n");
  EXPECT_EQ(Errors(report), "t.pkt:2: error: write: expected 2000, got 1000\n");
}

TEST_F(RunTest, GetsockoptOutputsAreCompared) {
  EXPECT_CALL(backend_.calls, Getsockopt(3, IPPROTO_TCP, TCP_MAXSEG, _, _))
      .WillOnce(Invoke([](int, int, int, void* value, socklen_t* len) {
        EXPECT_EQ(*len, 4u);
        int mss = 1100;
        std::memcpy(value, &mss, sizeof mss);
        return Ok();
      }))
      .WillOnce(Invoke([](int, int, int, void* value, socklen_t* len) {
        int mss = 1460;
        std::memcpy(value, &mss, sizeof mss);
        *len = 4;
        return Ok();
      }));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 getsockopt(3, SOL_TCP, TCP_MAXSEG, [1100], [4]) = 0\n"
      "+0 getsockopt(3, SOL_TCP, TCP_MAXSEG, [1100], [4]) = 0\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:3: error: getsockopt: expected value 1100, got 1460\n");
}

TEST_F(RunTest, GetsockoptLengthIsCompared) {
  EXPECT_CALL(backend_.calls, Getsockopt(3, SOL_SOCKET, SO_ERROR, _, _))
      .WillOnce(Invoke([](int, int, int, void*, socklen_t* len) {
        *len = 8;
        return Ok();
      }));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:2: error: getsockopt: expected length 4, got 8\n");
}

TEST_F(RunTest, IoctlOutputIsCompared) {
  EXPECT_CALL(backend_.calls, Ioctl(3, SIOCINQ, _))
      .WillOnce(Invoke([](int, unsigned long, void* arg) {
        *static_cast<int*>(arg) = 999;
        return Ok();
      }));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 ioctl(3, SIOCINQ, [1000]) = 0\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:2: error: ioctl: expected value 1000, got 999\n");
}

// syscall_getsockopt(): a string value's length is the stated optlen, and
// the returned length and every byte are compared.
TEST_F(RunTest, GetsockoptStringsAreComparedByLengthAndBytes) {
  EXPECT_CALL(backend_.calls,
              Getsockopt(3, IPPROTO_TCP, TCP_CONGESTION, _, _))
      .WillOnce(Invoke([](int, int, int, void* value, socklen_t* len) {
        EXPECT_EQ(*len, 5u);
        std::memcpy(value, "cubic", 5);
        return Ok();
      }))
      .WillOnce(Invoke([](int, int, int, void* value, socklen_t* len) {
        std::memcpy(value, "cub\0c", 5);
        *len = 5;
        return Ok();
      }));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 getsockopt(3, SOL_TCP, TCP_CONGESTION, \"cubic\", [5]) = 0\n"
      "+0 getsockopt(3, SOL_TCP, TCP_CONGESTION, \"cubic\", [5]) = 0\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:3: error: getsockopt: expected value \"cubic\", got "
            "\"cub\\x00c\"\n");
}

// A NUL-padded name matches only with the length left as `...`; a stated
// length must be the string's, as packetdrill refuses "cubic" in 16 bytes.
TEST_F(RunTest, GetsockoptStringLengthMustBeTheStrings) {
  EXPECT_CALL(backend_.calls,
              Getsockopt(3, IPPROTO_TCP, TCP_CONGESTION, _, _))
      .WillOnce(Invoke([](int, int, int, void* value, socklen_t* len) {
        std::memcpy(value, "cubic\0\0\0", 8);
        *len = 8;
        return Ok();
      }));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 getsockopt(3, SOL_TCP, TCP_CONGESTION, \"cubic\", ...) = 0\n"
      "+0 getsockopt(3, SOL_TCP, TCP_CONGESTION, \"cubic\", [16]) = 0\n");
  EXPECT_FALSE(report.passed);
  EXPECT_THAT(Errors(report),
              ::testing::HasSubstr("t.pkt:3: error: getsockopt: optlen 16 "
                                   "does not match the 5-byte string"));
}

// syscall_ioctl() compares the `[N]` after the call whatever the request:
// one that only reads it (FIONBIO) gets the script's value and must leave
// it, one that writes it (SIOCOUTQNSD) must write it.
TEST_F(RunTest, IoctlOutputIsComparedForEveryRequest) {
  EXPECT_CALL(backend_.calls, Ioctl(3, FIONBIO, _))
      .WillOnce(Invoke([](int, unsigned long, void* arg) {
        EXPECT_EQ(*static_cast<int*>(arg), 1);
        return Ok();
      }))
      .WillOnce(Invoke([](int, unsigned long, void* arg) {
        *static_cast<int*>(arg) = 0;
        return Ok();
      }));
  EXPECT_CALL(backend_.calls, Ioctl(3, SIOCOUTQNSD, _))
      .WillOnce(Invoke([](int, unsigned long, void* arg) {
        *static_cast<int*>(arg) = 0;
        return Ok();
      }))
      .WillOnce(Return(Ok()));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 ioctl(3, FIONBIO, [1]) = 0\n"
      "+0 ioctl(3, SIOCOUTQNSD, [0]) = 0\n"
      "+0 ioctl(3, SIOCOUTQNSD, [0]) = 0\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:4: error: ioctl: expected value 0, got -1\n");
  report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 ioctl(3, FIONBIO, [1]) = 0\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:2: error: ioctl: expected value 1, got 0\n");
}

TEST_F(RunTest, PollReventsAreCompared) {
  EXPECT_CALL(backend_.calls, Poll(_, 1, 100))
      .WillOnce(Invoke([](pollfd* fds, int, int) {
        EXPECT_EQ(fds[0].fd, 3);
        EXPECT_EQ(fds[0].events, POLLIN | POLLOUT);
        fds[0].revents = POLLIN | POLLOUT;
        return Ok(1);
      }));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 poll([{fd=3, events=POLLIN|POLLOUT, revents=POLLOUT}], 1, 100) = "
      "1\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:2: error: poll: expected revents POLLOUT for fd 3, got "
            "POLLIN|POLLOUT\n");
}

// packetdrill's pollfd without `revents` expects 0 (parser.y opt_revents)
// and pollfds_check() compares it like any stated revents.
TEST_F(RunTest, PollWithoutReventsExpectsZero) {
  EXPECT_CALL(backend_.calls, Poll(_, 1, 0))
      .WillOnce(Invoke([](pollfd* fds, int, int) {
        fds[0].revents = 0;
        return Ok(0);
      }))
      .WillOnce(Invoke([](pollfd* fds, int, int) {
        fds[0].revents = POLLIN;
        return Ok(1);
      }));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 poll([{fd=3, events=POLLIN}], 1, 0) = 0\n"
      "+0 poll([{fd=3, events=POLLIN}], 1, 0) = 1\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:3: error: poll: expected revents 0 for fd 3, got "
            "POLLIN\n");
}

// `revents=...` is synack's way to leave revents unchecked.
TEST_F(RunTest, PollReventsEllipsisIsNotChecked) {
  EXPECT_CALL(backend_.calls, Poll(_, 1, 0))
      .WillOnce(Invoke([](pollfd* fds, int, int) {
        fds[0].revents = POLLIN;
        return Ok(1);
      }));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 poll([{fd=3, events=POLLIN, revents=...}], 1, 0) = 1\n");
  EXPECT_TRUE(report.passed) << Errors(report);
}

TEST_F(RunTest, EpollWaitEventsAreCompared) {
  EXPECT_CALL(backend_.calls, EpollCreate(1)).WillOnce(Return(Ok(11)));
  EXPECT_CALL(backend_.calls, EpollCtl(11, EPOLL_CTL_ADD, 3, _))
      .WillOnce(Invoke([](int, int, int, epoll_event* event) {
        EXPECT_EQ(event->events, static_cast<uint32_t>(EPOLLIN | EPOLLET));
        EXPECT_EQ(event->data.fd, 3);  // the script's number: opaque data
        return Ok();
      }));
  EXPECT_CALL(backend_.calls, EpollWait(11, _, 1, 0))
      .WillOnce(Invoke([](int, epoll_event* events, int, int) {
        events[0].events = EPOLLOUT;
        events[0].data.u64 = 3;
        return Ok(1);
      }));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 epoll_create(1) = 5\n"
      "+0 epoll_ctl(5, EPOLL_CTL_ADD, 3, {events=EPOLLIN|EPOLLET, fd=3}) = 0\n"
      "+0 epoll_wait(5, {events=EPOLLIN, fd=3}, 1, 0) = 1\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:4: error: epoll_wait: expected events EPOLLIN, got "
            "EPOLLOUT\n");
}

// With no event ready, the stated event is compared with the zeroed buffer
// (syscall_epoll_wait() checks the first event whatever the result).
TEST_F(RunTest, EpollWaitWithNoEventComparesTheStatedOne) {
  EXPECT_CALL(backend_.calls, EpollCreate(1)).WillOnce(Return(Ok(11)));
  EXPECT_CALL(backend_.calls, EpollWait(11, _, 1, 0))
      .Times(2)
      .WillRepeatedly(Return(Ok(0)));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 epoll_create(1) = 5\n"
      "+0 epoll_wait(5, {events=0, ptr=0}, 1, 0) = 0\n"
      "+0 epoll_wait(5, {events=EPOLLIN, fd=3}, 1, 0) = 0\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:4: error: epoll_wait: expected events EPOLLIN, got 0\n");
}

TEST_F(RunTest, RecvmsgControlMessagesAreCompared) {
  EXPECT_CALL(backend_.calls, Recvmsg(3, _, 0))
      .WillOnce(Invoke([](int, msghdr* msg, int) {
        EXPECT_EQ(msg->msg_iovlen, 1u);
        EXPECT_EQ(msg->msg_iov[0].iov_len, 1000u);
        cmsghdr* c = CMSG_FIRSTHDR(msg);
        c->cmsg_level = IPPROTO_TCP;
        c->cmsg_type = TCP_CM_INQ;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        int inq = 8000;
        std::memcpy(CMSG_DATA(c), &inq, sizeof inq);
        msg->msg_controllen = CMSG_SPACE(sizeof(int));
        msg->msg_flags = 0;
        return Ok(1000);
      }));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 recvmsg(3, {msg_name(...)=..., msg_iov(1)=[{..., 1000}], "
      "msg_flags=0, msg_control=[{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ, "
      "cmsg_data=9000}]}, 0) = 1000\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:2: error: recvmsg: control message 1: (TCP_CM_INQ) "
            "expected data 9000, got 8000\n");
}

// syscall_sendmsg() refuses a nonzero msg_flags, which sendmsg() ignores.
TEST_F(RunTest, SendmsgRefusesMsgFlags) {
  EXPECT_CALL(backend_.calls, Sendmsg(_, _, _)).Times(0);
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 sendmsg(3, {msg_name(...)=..., msg_iov(1)=[{..., 10}], "
      "msg_flags=MSG_DONTWAIT}, 0) = 10\n");
  EXPECT_FALSE(report.passed);
  EXPECT_THAT(Errors(report),
              ::testing::HasSubstr(
                  "t.pkt:2: error: sendmsg: msg_flags must be 0: sendmsg() "
                  "ignores msghdr's msg_flags"));
}

// A received SCM_TIMESTAMPING cmsg whose software stamp is `when` seconds
// after the epoch (far from any run's time).
void StampAt(msghdr* msg, time_t when) {
  cmsghdr* c = CMSG_FIRSTHDR(msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_TIMESTAMPING;
  c->cmsg_len = CMSG_LEN(3 * sizeof(timespec));
  timespec stamps[3] = {{when, 0}, {0, 0}, {0, 0}};
  std::memcpy(CMSG_DATA(c), stamps, sizeof stamps);
  msg->msg_controllen = CMSG_SPACE(3 * sizeof(timespec));
  msg->msg_flags = MSG_ERRQUEUE;
}

// {scm_sec=0,scm_nsec=0} is "do not check" (scm_timestamping_expect_eq());
// any other stamp is compared with the run's clock.
TEST_F(RunTest, RecvmsgZeroTimestampIsNotChecked) {
  EXPECT_CALL(backend_.calls, Recvmsg(3, _, MSG_ERRQUEUE))
      .WillRepeatedly(Invoke([](int, msghdr* msg, int) {
        StampAt(msg, 1);
        return Ok(0);
      }));
  const std::string call =
      "+0 recvmsg(3, {msg_name(...)=..., msg_iov(1)=[{..., 0}], "
      "msg_flags=MSG_ERRQUEUE, msg_control=[{cmsg_level=SOL_SOCKET, "
      "cmsg_type=SCM_TIMESTAMPING, cmsg_data={scm_sec=0,scm_nsec=";
  RunReport report = RunScript("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n" +
                               call + "0}}]}, MSG_ERRQUEUE) = 0\n");
  EXPECT_TRUE(report.passed) << Errors(report);
  report = RunScript("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n" + call +
                     "10000000}}]}, MSG_ERRQUEUE) = 0\n");
  EXPECT_FALSE(report.passed);
}

// cmsg_expect_eq() compares cmsg_len: an integer is an int's 4 bytes, and
// 8 bytes whose low half matches are not it.
TEST_F(RunTest, RecvmsgIntegerControlMessageIsAnInt) {
  EXPECT_CALL(backend_.calls, Recvmsg(3, _, 0))
      .WillOnce(Invoke([](int, msghdr* msg, int) {
        cmsghdr* c = CMSG_FIRSTHDR(msg);
        c->cmsg_level = IPPROTO_TCP;
        c->cmsg_type = TCP_CM_INQ;
        c->cmsg_len = CMSG_LEN(sizeof(int64_t));
        int64_t inq = 9000;
        std::memcpy(CMSG_DATA(c), &inq, sizeof inq);
        msg->msg_controllen = CMSG_SPACE(sizeof(int64_t));
        msg->msg_flags = 0;
        return Ok(1000);
      }));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 recvmsg(3, {msg_name(...)=..., msg_iov(1)=[{..., 1000}], "
      "msg_flags=0, msg_control=[{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ, "
      "cmsg_data=9000}]}, 0) = 1000\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:2: error: recvmsg: control message 1: (TCP_CM_INQ) "
            "expected 4 bytes of data, got 8\n");
}

// cmsg_expect_eq() compares cmsg_len: IP_RECVERR carries the error and its
// offender's sockaddr_in (ip_recv_error()), not the error alone.
TEST_F(RunTest, RecvmsgExtendedErrorCarriesItsOffender) {
  int calls = 0;
  EXPECT_CALL(backend_.calls, Recvmsg(3, _, MSG_ERRQUEUE))
      .Times(2)
      .WillRepeatedly(Invoke([&calls](int, msghdr* msg, int) {
        // The first with its offender, the second without.
        const size_t len =
            sizeof(sock_extended_err) + (calls++ == 0 ? sizeof(sockaddr_in) : 0);
        cmsghdr* c = CMSG_FIRSTHDR(msg);
        c->cmsg_level = SOL_IP;
        c->cmsg_type = IP_RECVERR;
        c->cmsg_len = CMSG_LEN(len);
        sock_extended_err ee{};
        ee.ee_origin = SO_EE_ORIGIN_ZEROCOPY;
        std::memset(CMSG_DATA(c), 0, len);
        std::memcpy(CMSG_DATA(c), &ee, sizeof ee);
        msg->msg_controllen = CMSG_SPACE(len);
        msg->msg_flags = MSG_ERRQUEUE;
        return Ok(0);
      }));
  const std::string call =
      "+0 recvmsg(3, {msg_name(...)=..., msg_iov(1)=[{..., 0}], "
      "msg_flags=MSG_ERRQUEUE, msg_control=[{cmsg_level=SOL_IP, "
      "cmsg_type=IP_RECVERR, cmsg_data={ee_errno=0, "
      "ee_origin=SO_EE_ORIGIN_ZEROCOPY, ee_type=0, ee_code=0, ee_info=0, "
      "ee_data=0}}]}, MSG_ERRQUEUE) = 0\n";
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n" + call + call);
  EXPECT_EQ(Errors(report),
            "t.pkt:3: error: recvmsg: control message 1: (IP_RECVERR) "
            "expected 32 bytes of sock_extended_err and offender, got 16\n");
}

TEST_F(RunTest, EventTimes) {
  std::vector<Instant> times;
  ON_CALL(backend_.calls, Fcntl(3, F_GETFL, 0))
      .WillByDefault(Invoke([&](int, int, int64_t) {
        times.push_back(backend_.fake_clock.Now());
        return Ok(2);
      }));
  backend_.fake_clock.Set(At(10));  // the backend's epoch is not time 0
  RunReport report = RunScript(
      "0.5 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0.25 fcntl(3, F_GETFL) = 2\n"
      "1.0 fcntl(3, F_GETFL) = 2\n"
      "+0.1 fcntl(3, F_GETFL) = 2\n"
      "1.2 fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)\n");
  EXPECT_TRUE(report.passed) << Errors(report);
  EXPECT_THAT(times, ::testing::ElementsAre(At(10.75), At(11.0), At(11.1),
                                            At(11.2)));
}

TEST_F(RunTest, BlockingCallReturnsOnTime) {
  BindsTo(8080);
  Gate gate;
  EXPECT_CALL(backend_.calls, Accept(3, _, _))
      .WillOnce(Invoke([&](int, sockaddr*, socklen_t*) {
        gate.Wait();
        FakeClock::Returning();
        return Ok(9);
      }));
  EXPECT_CALL(backend_.calls, Write(9, _, 10)).WillOnce(Return(Ok(10)));
  backend_.fake_clock.Alarm(At(0.2), [&] {
    backend_.fake_clock.Release([&] { gate.Open(); });
  });
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 bind(3, ..., ...) = 0\n"
      "+0 listen(3, 1) = 0\n"
      "+0...0.200 accept(3, ..., ...) = 4\n"
      "+0.3 write(4, ..., 10) = 10\n");
  EXPECT_TRUE(report.passed) << Errors(report);
}

TEST_F(RunTest, ACallWaitsForABlockingCallDueByItsTime) {
  // The accept is let go at 0.2 but takes a few milliseconds of real time
  // to return; the write at 0.2 goes after it, as on packetdrill's one
  // system call thread.
  BindsTo(8080);
  Gate gate;
  std::mutex mutex;
  std::vector<std::string> order;
  auto log = [&](const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex);
    order.push_back(what);
  };
  EXPECT_CALL(backend_.calls, Accept(3, _, _))
      .WillOnce(Invoke([&](int, sockaddr*, socklen_t*) {
        gate.Wait();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        log("accept");
        return Ok(9);
      }));
  EXPECT_CALL(backend_.calls, Write(9, _, 10))
      .WillOnce(Invoke([&](int, const void*, size_t) {
        log("write");
        return Ok(10);
      }));
  backend_.fake_clock.Alarm(At(0.2), [&] { gate.Open(); });
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 bind(3, ..., ...) = 0\n"
      "+0 listen(3, 1) = 0\n"
      "+0...0.200 accept(3, ..., ...) = 4\n"
      "+0.2 write(4, ..., 10) = 10\n");
  EXPECT_TRUE(report.passed) << Errors(report);
  EXPECT_EQ((std::vector<std::string>{"accept", "write"}), order);
}

TEST_F(RunTest, BlockingCallReturnsEarly) {
  Gate gate;
  EXPECT_CALL(backend_.calls, Accept(3, _, _))
      .WillOnce(Invoke([&](int, sockaddr*, socklen_t*) {
        gate.Wait();
        FakeClock::Returning();
        return Ok(9);
      }));
  backend_.fake_clock.Alarm(At(0.1), [&] {
    backend_.fake_clock.Release([&] { gate.Open(); });
  });
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0...0.200 accept(3, ..., ...) = 4\n"
      "+0.3 `true`\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:2: error: timing error: expected accept() to return at "
            "0.200000 sec (+/- 0.025000), actual 0.100000 sec (early by "
            "0.075000 sec)\n");
}

TEST_F(RunTest, BlockingCallNeverReturns) {
  Gate gate;
  EXPECT_CALL(backend_.calls, Accept(3, _, _))
      .WillOnce(Invoke([&](int, sockaddr*, socklen_t*) {
        gate.Wait();
        return Err(EINVAL);
      }));
  // The run's end shuts the socket down to end the stuck call.
  EXPECT_CALL(backend_.calls, Shutdown(3, SHUT_RDWR))
      .WillOnce(Invoke([&](int, int) {
        gate.Open();
        return Ok();
      }));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0...0.200 accept(3, ..., ...) = 4\n"
      "+0.3 `true`\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:2: error: timing error: expected accept() to return at "
            "0.200000 sec (+/- 0.025000), but it was still blocked at "
            "0.225000 sec\n");
  EXPECT_EQ(backend_.commands.size(), 0u);
}

TEST_F(RunTest, BlockingCallResultIsChecked) {
  Gate gate;
  EXPECT_CALL(backend_.calls, Read(3, _, 1000))
      .WillOnce(Invoke([&](int, void*, size_t) {
        gate.Wait();
        FakeClock::Returning();
        return Ok(500);
      }));
  backend_.fake_clock.Alarm(At(0.1), [&] {
    backend_.fake_clock.Release([&] { gate.Open(); });
  });
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0...0.100 read(3, ..., 1000) = 1000\n");
  EXPECT_EQ(Errors(report), "t.pkt:2: error: read: expected 1000, got 500\n");
}

TEST_F(RunTest, NonBlockingCallThatBlocks) {
  Gate gate;
  EXPECT_CALL(backend_.calls, Accept(3, _, _))
      .WillOnce(Invoke([&](int, sockaddr*, socklen_t*) {
        gate.Wait();
        return Err(EINVAL);
      }));
  EXPECT_CALL(backend_.calls, Shutdown(3, SHUT_RDWR))
      .WillOnce(Invoke([&](int, int) {
        gate.Open();
        return Ok();
      }));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 accept(3, ..., ...) = 4\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:2: error: accept() blocked, but the script expects it to "
            "return at once (a blocking call has an end time: `+0...0.100 "
            "accept(...)`); synack shut its socket down to end it\n");
}

TEST_F(RunTest, TimedOutOutboundPacket) {
  BindsTo(8080);
  RunReport report = SynThen(
      "+0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:5: error: timed out waiting for packet: expected > S. "
            "0:0(0) ack 1 <mss 1460,nop,wscale 8> at 0.100000 sec (+/- "
            "0.004000); nothing by 0.108000 sec\n");
  ASSERT_EQ(backend_.injected.size(), 1u);
  EXPECT_EQ(backend_.injected_at[0], At(0.1));
  wire::ParseResult syn = wire::Parse(backend_.injected[0]);
  ASSERT_TRUE(syn.packet) << syn.error;
  EXPECT_EQ(syn.packet->src.ToString(), "192.0.2.1");
  EXPECT_EQ(syn.packet->dst.ToString(), "192.168.0.1");
  ASSERT_NE(syn.packet->tcp(), nullptr);
  EXPECT_EQ(syn.packet->tcp()->dst_port, 8080);
  EXPECT_EQ(syn.packet->tcp()->flags, wire::tcp_flag::kSyn);
  EXPECT_EQ(syn.packet->tcp()->window, 32792);
}

// Answers an injected SYN with a SYN-ACK `delay` later.
class HandshakeTest : public RunTest {
 protected:
  void AnswerSynAfter(double delay) {
    BindsTo(8080);
    backend_.on_inject = [this, delay](std::span<const uint8_t> bytes) {
      wire::ParseResult syn = wire::Parse(bytes);
      ASSERT_TRUE(syn.packet);
      wire::Packet reply;
      reply.src = syn.packet->dst;
      reply.dst = syn.packet->src;
      wire::TcpHeader tcp;
      tcp.src_port = syn.packet->tcp()->dst_port;
      tcp.dst_port = syn.packet->tcp()->src_port;
      tcp.seq = 3735928559u;
      tcp.ack = syn.packet->tcp()->seq + 1;
      tcp.flags = wire::tcp_flag::kSyn | wire::tcp_flag::kAck;
      tcp.window = 64240;
      tcp.options = {{wire::tcp_opt::kMss, {0x05, 0xb4}},
                     {wire::tcp_opt::kNop, {}},
                     {wire::tcp_opt::kWscale, {8}}};
      reply.l4 = tcp;
      Instant when = backend_.fake_clock.Now() +
                     Micros(static_cast<int64_t>(delay * 1e6));
      backend_.Send(reply, when);
    };
  }

  RunReport Handshake() {
    return SynThen("+0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>\n");
  }
};

TEST_F(HandshakeTest, PacketOnTimeMatches) {
  AnswerSynAfter(0.001);
  RunReport report = Handshake();
  EXPECT_TRUE(report.passed) << Errors(report);
}

TEST_F(HandshakeTest, LatePacketIsATimingError) {
  AnswerSynAfter(0.007);
  RunReport report = Handshake();
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].loc.line, 5);
  EXPECT_THAT(report.failures[0].message,
              ::testing::StartsWith(
                  "timing error: expected outbound packet at 0.100000 sec "
                  "(+/- 0.004000), actual 0.107000 sec (late by 0.003000 "
                  "sec)\nscript packet: > S. 0:0(0) ack 1 <mss 1460,nop,"
                  "wscale 8>\nactual packet: "));
  // What a busy machine can cause: a suite may run it again.
  EXPECT_TRUE(report.failures[0].timing);
  EXPECT_TRUE(report.FailedOnTimingOnly());
}

TEST_F(HandshakeTest, WrongPacketIsAMismatch) {
  AnswerSynAfter(0.0);
  RunReport report = SynThen(
      "+0 > S. 0:0(0) ack 1 <mss 1000,nop,wscale 8>\n");
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].loc.line, 5);
  EXPECT_THAT(report.failures[0].message,
              ::testing::StartsWith("outbound packet mismatch: "));
  EXPECT_THAT(report.failures[0].message,
              ::testing::HasSubstr(
                  "\nscript packet: > S. 0:0(0) ack 1 <mss 1000,nop,wscale "
                  "8>\nactual packet: "));
  EXPECT_FALSE(report.failures[0].timing);
  EXPECT_FALSE(report.FailedOnTimingOnly());
}

TEST_F(HandshakeTest, RelativeTimesFollowTheActualOutboundTime) {
  AnswerSynAfter(0.003);  // late, within the tolerance
  RunReport report = SynThen(
      "+0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>\n"
      "+.01 < . 1:1(0) ack 1 win 257\n");
  EXPECT_TRUE(report.passed) << Errors(report);
  ASSERT_EQ(backend_.injected_at.size(), 2u);
  // 0.1 + 0.003 (when the SYN-ACK really left) + 0.01.
  EXPECT_EQ(backend_.injected_at[1], At(0.113));
}

TEST_F(HandshakeTest, RelativeTimesAfterAPacketSentBeforeItsLineCountFromTheLine) {
  AnswerSynAfter(0.001);  // sent at 0.101, while the call below runs
  // A call that takes 2 ms: the run reaches the `> S.` line at 0.102.
  ON_CALL(backend_.calls, Setsockopt(_, SOL_SOCKET, SO_REUSEADDR, _, 4))
      .WillByDefault(Invoke([this](int, int, int, const void*, socklen_t) {
        backend_.fake_clock.WaitUntil(backend_.fake_clock.Now() +
                                      Micros(2000));
        return Ok();
      }));
  RunReport report = SynThen(
      "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0\n"
      "+0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>\n"
      "+.01 < . 1:1(0) ack 1 win 257\n");
  EXPECT_TRUE(report.passed) << Errors(report);
  ASSERT_EQ(backend_.injected_at.size(), 2u);
  // As with packetdrill: 0.01 after the run saw the SYN-ACK (0.102, when
  // the call returned), not after it left (0.101).
  EXPECT_EQ(backend_.injected_at[1], At(0.112));
}

// A client connection from port 40000, and the packets of its stack.
class ClientTest : public RunTest {
 protected:
  wire::Packet Segment(uint16_t local_port, uint16_t flags, uint32_t seq,
                       uint32_t ack) {
    wire::Packet packet;
    packet.src = config_.net.local_ip;
    packet.dst = config_.net.remote_ip;
    wire::TcpHeader tcp;
    tcp.src_port = local_port;
    tcp.dst_port = 8080;
    tcp.seq = seq;
    tcp.ack = ack;
    tcp.flags = flags;
    tcp.window = 1000;
    packet.l4 = tcp;
    return packet;
  }
  // getsockname/getpeername of live fd 3 say 40000 > 8080.
  void ConnectedFrom(uint16_t port) {
    ON_CALL(backend_.calls, Getsockname(3, _, _))
        .WillByDefault(Invoke([port](int, sockaddr* addr, socklen_t* len) {
          sockaddr_in sin{};
          sin.sin_family = AF_INET;
          sin.sin_port = htons(port);
          std::memcpy(addr, &sin, sizeof sin);
          *len = sizeof sin;
          return Ok();
        }));
    ON_CALL(backend_.calls, Getpeername(3, _, _))
        .WillByDefault(Invoke([](int, sockaddr* addr, socklen_t* len) {
          sockaddr_in sin{};
          sin.sin_family = AF_INET;
          sin.sin_port = htons(8080);
          std::memcpy(addr, &sin, sizeof sin);
          *len = sizeof sin;
          return Ok();
        }));
  }
};

TEST_F(ClientTest, PacketsOfAClosedConnectionAreSkipped) {
  using namespace wire::tcp_flag;
  ConnectedFrom(40000);
  EXPECT_CALL(backend_.calls, Socket)
      .WillOnce(Return(Ok(3)))
      .WillOnce(Return(Ok(4)));
  EXPECT_CALL(backend_.calls, Connect).WillRepeatedly(Return(Err(EINPROGRESS)));
  backend_.Send(Segment(40000, kSyn, 1000, 0), At(0));
  backend_.Send(Segment(40000, kFin | kAck, 1001, 1), At(0.01));
  // The old connection's ACK of a FIN the script never mentions.
  backend_.Send(Segment(40000, kAck, 1002, 2), At(0.02));
  backend_.Send(Segment(40001, kSyn, 5000, 0), At(0.02));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in "
      "progress)\n"
      "+0 > S 0:0(0)\n"
      "+0 < S. 0:0(0) ack 1 win 1000\n"
      "+.01 close(3) = 0\n"
      "+0 > F. 1:1(0) ack 1\n"
      "+0 < F. 1:1(0) ack 1 win 1000\n"
      "+.01 socket(..., SOCK_STREAM, IPPROTO_TCP) = 4\n"
      "+0 connect(4, ..., ...) = -1 EINPROGRESS (Operation now in "
      "progress)\n"
      "+0 > S 0:0(0)\n");
  EXPECT_TRUE(report.passed) << Errors(report);
}

// connect(fd, AF_UNSPEC) disconnects; the next connect() on the same socket
// is a new connection (packetdrill's run_syscall_connect() makes the socket
// SOCKET_NEW), whose SYN from another port and ISN the script follows.
TEST_F(ClientTest, ConnectAfterAfUnspecIsANewConnection) {
  using namespace wire::tcp_flag;
  ConnectedFrom(40000);
  EXPECT_CALL(backend_.calls, Socket).WillOnce(Return(Ok(3)));
  EXPECT_CALL(backend_.calls, Connect(3, _, _))
      .WillOnce(Return(Err(EINPROGRESS)))
      .WillOnce(Invoke([](int, const sockaddr* addr, socklen_t) {
        EXPECT_EQ(addr->sa_family, AF_UNSPEC);
        return Ok();
      }))
      .WillOnce(Return(Err(EINPROGRESS)));
  backend_.Send(Segment(40000, kSyn, 1000, 0), At(0));
  backend_.Send(Segment(40000, kRst | kAck, 1001, 1), At(0.01));
  backend_.Send(Segment(40001, kSyn, 5000, 0), At(0.01));
  backend_.Send(Segment(40001, kAck, 5001, 1), At(0.02));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in "
      "progress)\n"
      "+0 > S 0:0(0)\n"
      "+.01 < S. 0:0(0) ack 1 win 1000\n"
      "+0 connect(3, AF_UNSPEC, ...) = 0\n"
      "+0 > R. 1:1(0) ack 1\n"
      "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in "
      "progress)\n"
      "+0 > S 0:0(0)\n"
      "+.01 < S. 0:0(0) ack 1 win 1000\n"
      "+0 > . 1:1(0) ack 1\n");
  EXPECT_TRUE(report.passed) << Errors(report);
}

// tcp/fastopen/client/syn-data-rtt-from-syn-data.pkt: the first connection,
// still open, ACKs its SYN-ACK while the script waits for the next socket's
// SYN.
TEST_F(ClientTest, SynLineSkipsAnOpenEarlierConnection) {
  using namespace wire::tcp_flag;
  ConnectedFrom(40000);
  EXPECT_CALL(backend_.calls, Socket)
      .WillOnce(Return(Ok(3)))
      .WillOnce(Return(Ok(4)));
  EXPECT_CALL(backend_.calls, Connect).WillRepeatedly(Return(Err(EINPROGRESS)));
  backend_.Send(Segment(40000, kSyn, 1000, 0), At(0));
  backend_.Send(Segment(40000, kAck, 1001, 1), At(0.01));
  backend_.Send(Segment(40001, kSyn, 5000, 0), At(0.01));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in "
      "progress)\n"
      "+0 > S 0:0(0)\n"
      "+.01 < S. 0:0(0) ack 1 win 1000\n"
      "+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 4\n"
      "+0 connect(4, ..., ...) = -1 EINPROGRESS (Operation now in "
      "progress)\n"
      "+0 > S 0:0(0)\n");
  EXPECT_TRUE(report.passed) << Errors(report);
}

// tcp/ts_recent/fin_tsval.pkt: the FIN a line expects comes from the
// socket just closed; when it differs, that is a mismatch, not a packet of
// another connection to skip.
TEST_F(ClientTest, AClosedConnectionsOwnPacketIsChecked) {
  using namespace wire::tcp_flag;
  ConnectedFrom(40000);
  EXPECT_CALL(backend_.calls, Connect).WillOnce(Return(Err(EINPROGRESS)));
  backend_.Send(Segment(40000, kSyn, 1000, 0), At(0));
  backend_.Send(Segment(40000, kFin | kAck, 1001, 1), At(0.01));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in "
      "progress)\n"
      "+0 > S 0:0(0)\n"
      "+0 < S. 0:0(0) ack 1 win 1000\n"
      "+.01 close(3) = 0\n"
      "+0 > F. 1:1(0) ack 2\n");
  ASSERT_EQ(report.failures.size(), 1u) << Errors(report);
  EXPECT_EQ(report.failures[0].loc.line, 6);
  EXPECT_THAT(report.failures[0].message,
              ::testing::StartsWith(
                  "outbound packet mismatch: ack: expected 2, actual 1"));
}

TEST_F(ClientTest, AnUnexpectedPacketOfAnOpenConnectionFails) {
  using namespace wire::tcp_flag;
  ConnectedFrom(40000);
  EXPECT_CALL(backend_.calls, Connect).WillOnce(Return(Err(EINPROGRESS)));
  backend_.Send(Segment(40000, kSyn, 1000, 0), At(0));
  backend_.Send(Segment(40000, kRst, 1001, 0), At(0.01));
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in "
      "progress)\n"
      "+0 > S 0:0(0)\n"
      "+.01 > F 1:1(0)\n");
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].loc.line, 4);
  EXPECT_THAT(report.failures[0].message,
              ::testing::StartsWith("outbound packet mismatch: flags: "));
}

TEST_F(RunTest, TraceHearsEachEvent) {
  std::vector<std::string> lines;
  script_ = Script(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0.25 `true`\n"
      "+0 %{ pass }%\n");
  RunReport report =
      interpreter::Run(script_, backend_, config_, "/tmp/scripts",
                       [&](const std::string& line) { lines.push_back(line); });
  EXPECT_TRUE(report.passed) << Errors(report);
  EXPECT_THAT(lines, ::testing::ElementsAre(
                         "line 1: 0.000000 socket(..., SOCK_STREAM, "
                         "IPPROTO_TCP)",
                         "line 2: 0.250000 `true`", "line 3: 0.250000 %{ }%"));
}

TEST_F(RunTest, CommandsRunInTheScriptDirectory) {
  RunReport report = RunScript(
      "`../common/defaults.sh`\n"
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 `echo hi`\n"
      "`/tmp/sysctl_restore_${PPID}.sh`\n");
  EXPECT_TRUE(report.passed) << Errors(report);
  EXPECT_THAT(backend_.commands,
              ::testing::ElementsAre(
                  "cd -- '/tmp/scripts' || exit 127\n../common/defaults.sh",
                  "cd -- '/tmp/scripts' || exit 127\necho hi",
                  "cd -- '/tmp/scripts' || exit "
                  "127\n/tmp/sysctl_restore_${PPID}.sh"));
  EXPECT_EQ(backend_.command_env.at("PACKETDRILL_PID"),
            std::to_string(getpid()));
}

TEST_F(RunTest, CommandsGetTheRunsNstatHistory) {
  const std::string script =
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 `nstat > /dev/null`\n";
  config_.nstat_history = "/tmp/synack-nstat-x/7";
  EXPECT_TRUE(RunScript(script).passed);
  EXPECT_EQ(backend_.command_env.at("NSTAT_HISTORY"), "/tmp/synack-nstat-x/7");
  config_.nstat_history.clear();  // the environment's
  EXPECT_TRUE(RunScript(script).passed);
  EXPECT_EQ(backend_.command_env.count("NSTAT_HISTORY"), 0u);
}

TEST_F(RunTest, FailingInitCommandStopsTheRunButCleanupRuns) {
  backend_.on_command = [](const std::string& command) {
    if (command.find("false") != std::string::npos) {
      return CommandResult{1, "oops\n"};
    }
    return CommandResult{};
  };
  EXPECT_CALL(backend_.calls, Socket).Times(0);
  RunReport report = RunScript(
      "`false`\n"
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "`cleanup`\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:1: error: init command failed with exit status 1: "
            "`false`\n  oops\n");
  EXPECT_EQ(backend_.commands.size(), 2u);
}

TEST_F(RunTest, FailingCommandEvent) {
  backend_.on_command = [](const std::string&) {
    return CommandResult{2, "no such file\n"};
  };
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0.1 `./missing.sh`\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:2: error: command failed with exit status 2: "
            "`./missing.sh`\n  no such file\n");
}

TEST_F(RunTest, CodeBlocksSeeTcpInfoAndCounters) {
  ON_CALL(backend_.calls, Getsockopt(3, IPPROTO_TCP, TCP_INFO, _, _))
      .WillByDefault(Invoke([](int, int, int, void* value, socklen_t* len) {
        tcp_info info{};
        info.tcpi_snd_cwnd = 12;
        info.tcpi_state = 1;  // TCP_ESTABLISHED
        std::memcpy(value, &info, sizeof info);
        *len = sizeof info;
        return Ok();
      }));
  backend_.counters = {{"TcpExtListenOverflows", 2}};
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 %{ assert tcpi_state == TCP_ESTABLISHED, tcpi_state }%\n"
      "+0 %{ assert TcpExtListenOverflows == 2 }%\n"
      "+0 %{\n"
      "assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd\n"
      "}%\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:5: error: assertion failed: assert tcpi_snd_cwnd == 10, "
            "tcpi_snd_cwnd\n  AssertionError: 12\n");
}

TEST_F(RunTest, NonFatalPacketFailuresBecomeWarnings) {
  config_.non_fatal_packet = true;
  BindsTo(8080);
  RunReport report = RunScript(
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0 bind(3, ..., ...) = 0\n"
      "+0 listen(3, 1) = 0\n"
      "+0 > S. 0:0(0) ack 1 <...>\n"
      "+0 close(3) = 0\n");
  EXPECT_TRUE(report.passed) << Errors(report);
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_THAT(report.warnings[0],
              ::testing::StartsWith("line 4: timed out waiting for packet"));
}

TEST(RenderReportTest, Golden) {
  RunReport report;
  report.failures.push_back(
      {{12, 3}, "outbound packet mismatch: ack: expected 1001, actual 1\n"
                "script packet: > . 1:1(0) ack 1001\n"
                "actual packet: > . 1:1(0) ack 1"});
  report.failures.push_back({{}, "cannot write --pcap=/x: denied"});
  report.warnings.push_back("line 3: ignored an unparsable outbound packet");
  EXPECT_EQ(RenderReport(report, "a/b.pkt"),
            "a/b.pkt:12: error: outbound packet mismatch: ack: expected "
            "1001, actual 1\n"
            "  script packet: > . 1:1(0) ack 1001\n"
            "  actual packet: > . 1:1(0) ack 1\n"
            "a/b.pkt: error: cannot write --pcap=/x: denied\n"
            "a/b.pkt: warning: line 3: ignored an unparsable outbound "
            "packet\n");
}

}  // namespace
}  // namespace synack::interpreter
