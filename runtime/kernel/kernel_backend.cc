// KernelBackend: wiring the sandbox, capture, clock, syscalls and commands.
#include "runtime/kernel/kernel_backend.h"

#include "runtime/kernel/counters.h"

namespace synack::kernel {

std::unique_ptr<KernelBackend> KernelBackend::Create(
    const interpreter::NetConfig& config, std::string* error, bool find_tick) {
  std::unique_ptr<KernelBackend> backend(new KernelBackend());
  // Found while the sandbox is made and the init command runs, to be known
  // when the script starts (ScriptStart needs it). Its thread stays in this
  // namespace, which it does not need.
  if (find_tick) backend->clock_.StartMeasuringTick();
  backend->sandbox_ = Sandbox::Create(config, error);
  if (!backend->sandbox_) return nullptr;
  return backend;
}

std::string KernelBackend::Inject(std::span<const uint8_t> packet) {
  return sandbox_->Inject(packet);
}

std::optional<interpreter::Outbound> KernelBackend::NextOutbound(
    interpreter::Instant deadline) {
  return sandbox_->capture().Next(deadline);
}

interpreter::CommandResult KernelBackend::RunCommand(
    const std::string& command,
    const std::map<std::string, std::string>& env) {
  return commands_.Run(command, env);
}

std::map<std::string, int64_t> KernelBackend::Counters() {
  kernel::Counters counters;
  if (!ReadCounters(&counters).empty()) return {};
  return counters;
}

}  // namespace synack::kernel
