// StackBackend: interpreter::Backend on synack's own stack, in process, on
// a virtual clock. Needs no privileges; the same script and seed give the
// same run.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>

#include "interpreter/backend.h"
#include "interpreter/config.h"
#include "runtime/stack/shared_stack.h"
#include "runtime/stack/stack_shell.h"
#include "runtime/stack/stack_syscalls.h"

namespace synack::stack {

// The virtual clock: it moves only when the interpreter waits, jumping from
// timer to timer; WaitUntil never sleeps in real time.
class VirtualClock final : public interpreter::Clock {
 public:
  explicit VirtualClock(SharedStack& shared) : shared_(shared) {}
  interpreter::Instant Now() override { return shared_.Now(); }
  void WaitUntil(interpreter::Instant deadline) override {
    shared_.WaitUntil(deadline);
  }
  // The stack's own wall clock, drawn from the seed like its ISN clock.
  interpreter::Duration RealtimeOffset() override {
    return shared_.With([](Stack& stack) { return stack.RealtimeOffset(); });
  }

 private:
  SharedStack& shared_;
};

// Threads: as SharedStack says. Create the backend on the thread that will
// run the script (interpreter::Run), or let that thread call the clock
// before anything else.
class StackBackend final : public interpreter::Backend {
 public:
  // `seed` keys ISNs, timestamp offsets, SYN cookies and port choice.
  StackBackend(const interpreter::NetConfig& net, uint64_t seed);

  interpreter::Clock& clock() override { return clock_; }
  interpreter::Syscalls& syscalls() override { return syscalls_; }
  std::string Inject(std::span<const uint8_t> packet) override;
  std::optional<interpreter::Outbound> NextOutbound(
      interpreter::Instant deadline) override;
  // Backtick commands, as StackShell runs them. A command with parts not
  // modelled here still succeeds, with one line naming what was skipped
  // appended to its output.
  interpreter::CommandResult RunCommand(
      const std::string& command,
      const std::map<std::string, std::string>& env) override;
  std::map<std::string, int64_t> Counters() override;

  // For tests: the stack under the lock.
  template <typename F>
  auto WithStack(F&& f) {
    return shared_.With(std::forward<F>(f));
  }

 private:
  class Host final : public ShellHost {
   public:
    Host(SharedStack& shared, FileTable& files) : shared_(shared), files_(files) {}
    std::string SetSysctl(const std::string& name,
                          const std::string& value) override;
    std::string GetSysctl(const std::string& name, std::string* value) override;
    std::vector<SocketSummary> Sockets() override;
    std::map<std::string, int64_t> Counters() override;
    void Sleep(Duration duration) override;
    void SetDeviceTso(bool on) override;
    void SetDeviceMtu(int mtu) override;
    void FlushTcpMetrics() override;
    void SetQdiscLimit(std::optional<int> limit) override;
    bool SetRoute(const std::string& dst, const RouteMetrics& metrics) override;
    void PutFile(const std::string& path, std::vector<uint8_t> data) override {
      files_.Put(path, std::move(data));
    }
    bool RemoveFile(const std::string& path) override { return files_.Remove(path); }
    std::optional<std::vector<uint8_t>> GetFile(const std::string& path) override {
      return files_.Get(path);
    }

   private:
    SharedStack& shared_;
    FileTable& files_;
  };

  SharedStack shared_;
  FileTable files_;
  VirtualClock clock_;
  StackSyscalls syscalls_;
  Host host_;
  StackShell shell_;
  int mss_;  // NetConfig::mss: the gso_size of every injected TCP packet
};

// The stack's configuration for a run's addresses: the local address plus
// loopback (127.0.0.1 and ::1, for connections to self), and the MTU.
StackConfig StackConfigFor(const interpreter::NetConfig& net, uint64_t seed);

}  // namespace synack::stack
