// A Backend for interpreter tests: a virtual clock that jumps, mocked
// system calls, a queue of outbound packets, recorded injections and
// commands. Header-only; tests link gmock.
#pragma once

#include <gmock/gmock.h>
#include <poll.h>
#include <sys/epoll.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "interpreter/backend.h"
#include "runtime/wire/packet.h"

namespace synack::interpreter::testing {

inline Instant At(double seconds) {
  return Instant{} + Micros(static_cast<int64_t>(seconds * 1e6 + 0.5));
}

// A virtual clock with alarms: WaitUntil jumps to the deadline, firing the
// alarms on the way at their own times.
//
// Blocking calls return on worker threads, which read Now() right after
// returning. Like a real virtual clock must, this one does not move on
// while a call it released has not read its return time yet: an alarm
// that unblocks a call uses Release(), and the call's action calls
// Returning() on its thread just before it returns.
class FakeClock final : public Clock {
 public:
  Instant Now() override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (returning_) {
      returning_ = false;
      if (unread_returns_ > 0) --unread_returns_;
      settled_.notify_all();
    }
    return now_;
  }

  void WaitUntil(Instant deadline) override {
    for (;;) {
      Settle();
      std::function<void()> fire;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        auto next = alarms_.begin();
        if (next == alarms_.end() || next->first > deadline) {
          if (deadline > now_) now_ = deadline;
          return;
        }
        if (next->first > now_) now_ = next->first;
        fire = std::move(next->second);
        alarms_.erase(next);
      }
      fire();
    }
  }

  // Times since the Unix epoch are times on this clock.
  Duration RealtimeOffset() override { return Duration{0}; }

  // Runs `action` on the interpreter's thread when the clock reaches `at`.
  void Alarm(Instant at, std::function<void()> action) {
    std::lock_guard<std::mutex> lock(mutex_);
    alarms_.emplace(at, std::move(action));
  }

  std::optional<Instant> NextAlarm() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (alarms_.empty()) return std::nullopt;
    return alarms_.begin()->first;
  }

  // Unblocks a blocking call: `unblock` lets it go; the clock then waits
  // for it to read its return time before moving on.
  void Release(const std::function<void()>& unblock) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++unread_returns_;
    }
    unblock();
  }

  // Called by a released call's action on its own thread, right before it
  // returns.
  static void Returning() { returning_ = true; }

  void Set(Instant now) {
    std::lock_guard<std::mutex> lock(mutex_);
    now_ = now;
  }

 private:
  void Settle() {
    std::unique_lock<std::mutex> lock(mutex_);
    settled_.wait(lock, [this] { return unread_returns_ == 0; });
  }

  std::mutex mutex_;
  std::condition_variable settled_;
  Instant now_{};
  std::multimap<Instant, std::function<void()>> alarms_;
  int unread_returns_ = 0;
  static inline thread_local bool returning_ = false;
};

// A gate a blocking call's action waits on.
class Gate {
 public:
  void Open() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [this] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

class MockSyscalls : public Syscalls {
 public:
  MOCK_METHOD(SyscallResult, Socket, (int, int, int), (override));
  MOCK_METHOD(SyscallResult, Bind, (int, const sockaddr*, socklen_t),
              (override));
  MOCK_METHOD(SyscallResult, Listen, (int, int), (override));
  MOCK_METHOD(SyscallResult, Accept, (int, sockaddr*, socklen_t*),
              (override));
  MOCK_METHOD(SyscallResult, Connect, (int, const sockaddr*, socklen_t),
              (override));
  MOCK_METHOD(SyscallResult, Read, (int, void*, size_t), (override));
  MOCK_METHOD(SyscallResult, Readv, (int, const iovec*, int), (override));
  MOCK_METHOD(SyscallResult, Recvfrom,
              (int, void*, size_t, int, sockaddr*, socklen_t*), (override));
  MOCK_METHOD(SyscallResult, Recvmsg, (int, msghdr*, int), (override));
  MOCK_METHOD(SyscallResult, Write, (int, const void*, size_t), (override));
  MOCK_METHOD(SyscallResult, Writev, (int, const iovec*, int), (override));
  MOCK_METHOD(SyscallResult, Sendto,
              (int, const void*, size_t, int, const sockaddr*, socklen_t),
              (override));
  MOCK_METHOD(SyscallResult, Sendmsg, (int, const msghdr*, int), (override));
  MOCK_METHOD(SyscallResult, Close, (int), (override));
  MOCK_METHOD(SyscallResult, Shutdown, (int, int), (override));
  MOCK_METHOD(SyscallResult, Getsockopt, (int, int, int, void*, socklen_t*),
              (override));
  MOCK_METHOD(SyscallResult, Setsockopt,
              (int, int, int, const void*, socklen_t), (override));
  MOCK_METHOD(SyscallResult, Getsockname, (int, sockaddr*, socklen_t*),
              (override));
  MOCK_METHOD(SyscallResult, Getpeername, (int, sockaddr*, socklen_t*),
              (override));
  MOCK_METHOD(SyscallResult, Fcntl, (int, int, int64_t), (override));
  MOCK_METHOD(SyscallResult, Ioctl, (int, unsigned long, void*), (override));
  MOCK_METHOD(SyscallResult, Poll, (pollfd*, int, int), (override));
  MOCK_METHOD(SyscallResult, EpollCreate, (int), (override));
  MOCK_METHOD(SyscallResult, EpollCtl, (int, int, int, epoll_event*),
              (override));
  MOCK_METHOD(SyscallResult, EpollWait, (int, epoll_event*, int, int),
              (override));
  MOCK_METHOD(SyscallResult, Pipe, (int*), (override));
  MOCK_METHOD(SyscallResult, Splice,
              (int, int64_t*, int, int64_t*, size_t, unsigned), (override));
  MOCK_METHOD(SyscallResult, Sendfile, (int, int, int64_t*, size_t),
              (override));
  MOCK_METHOD(SyscallResult, Open, (const char*, int, int), (override));
};

class FakeBackend final : public Backend {
 public:
  FakeBackend() {
    using ::testing::_;
    using ::testing::Return;
    // Calls a test does not script succeed with 0.
    ON_CALL(calls, Socket).WillByDefault(Return(SyscallResult{3, 0}));
    ON_CALL(calls, Getsockname).WillByDefault(Return(SyscallResult{0, 0}));
  }

  Clock& clock() override { return fake_clock; }
  Syscalls& syscalls() override { return calls; }

  std::string Inject(std::span<const uint8_t> packet) override {
    injected.emplace_back(packet.begin(), packet.end());
    injected_at.push_back(fake_clock.Now());
    if (on_inject) on_inject(packet);
    return "";
  }

  std::optional<Outbound> NextOutbound(Instant deadline) override {
    for (;;) {
      if (!outbound.empty() && outbound.front().time <= deadline) {
        Outbound next = std::move(outbound.front());
        outbound.pop_front();
        if (next.time > fake_clock.Now()) fake_clock.WaitUntil(next.time);
        return next;
      }
      // Alarms may queue packets: run time forward one alarm at a time.
      std::optional<Instant> alarm = fake_clock.NextAlarm();
      if (!alarm || *alarm > deadline) break;
      fake_clock.WaitUntil(*alarm);
    }
    fake_clock.WaitUntil(deadline);
    return std::nullopt;
  }

  CommandResult RunCommand(
      const std::string& command,
      const std::map<std::string, std::string>& env) override {
    commands.push_back(command);
    command_env = env;
    return on_command ? on_command(command) : CommandResult{};
  }

  std::map<std::string, int64_t> Counters() override { return counters; }

  // Queues a packet the stack "sends" at `time`.
  void Send(const wire::Packet& packet, Instant time) {
    wire::BuildResult built = wire::Build(packet);
    EXPECT_TRUE(built.ok()) << built.error;
    outbound.push_back({built.bytes, time});
  }

  FakeClock fake_clock;
  ::testing::NiceMock<MockSyscalls> calls;
  std::vector<std::vector<uint8_t>> injected;
  std::vector<Instant> injected_at;
  std::function<void(std::span<const uint8_t>)> on_inject;
  std::deque<Outbound> outbound;
  std::vector<std::string> commands;
  std::map<std::string, std::string> command_env;
  std::function<CommandResult(const std::string&)> on_command;
  std::map<std::string, int64_t> counters;

};

}  // namespace synack::interpreter::testing
