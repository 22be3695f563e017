// KernelBackend: interpreter::Backend on the running Linux kernel, inside a
// private network namespace with packets through tun0.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "interpreter/backend.h"
#include "interpreter/config.h"
#include "runtime/kernel/clock.h"
#include "runtime/kernel/command.h"
#include "runtime/kernel/sandbox.h"
#include "runtime/kernel/syscalls.h"

namespace synack::kernel {

// Threads: syscalls() may be used from any thread started after Create (the
// blocking calls' threads); Inject and NextOutbound from one thread, the
// interpreter's; RunCommand calls are serialized. Commands run in the
// process's working directory (the runner's to set, as packetdrill runs in
// the script's directory) and see the environment plus what the interpreter
// passes; nothing is added here.
class KernelBackend final : public interpreter::Backend {
 public:
  // Creates the sandbox (see Sandbox::Create: this moves the calling thread,
  // and the threads it starts afterwards, into a new network namespace).
  // Returns nullptr and sets `error` on failure.
  // With `find_tick` (a script started on a phase of the tick), the tick
  // is found in the background from the start (RealClock::StartMeasuringTick).
  static std::unique_ptr<KernelBackend> Create(
      const interpreter::NetConfig& config, std::string* error,
      bool find_tick = true);

  interpreter::Clock& clock() override { return clock_; }
  interpreter::Syscalls& syscalls() override { return syscalls_; }
  std::string Inject(std::span<const uint8_t> packet) override;
  // Packet times are the kernel's stamps on CLOCK_MONOTONIC, clock()'s epoch.
  std::optional<interpreter::Outbound> NextOutbound(
      interpreter::Instant deadline) override;
  interpreter::CommandResult RunCommand(
      const std::string& command,
      const std::map<std::string, std::string>& env) override;
  // Empty when /proc/net cannot be read (it always can in a namespace).
  std::map<std::string, int64_t> Counters() override;

  Sandbox& sandbox() { return *sandbox_; }

 private:
  KernelBackend() = default;

  std::unique_ptr<Sandbox> sandbox_;
  RealClock clock_;
  LinuxSyscalls syscalls_;
  CommandRunner commands_;  // destroyed first: commands end before the rest
};

}  // namespace synack::kernel
