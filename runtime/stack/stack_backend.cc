// StackBackend: the Backend's calls onto SharedStack, StackSyscalls and
// StackShell.
#include "runtime/stack/stack_backend.h"

namespace synack::stack {

StackConfig StackConfigFor(const interpreter::NetConfig& net, uint64_t seed) {
  StackConfig config;
  // The first address of a family is the source for remote peers.
  config.local_addresses = {net.local_ip};
  for (const char* loopback : {"127.0.0.1", "::1"}) {
    config.local_addresses.push_back(*wire::IpAddress::Parse(loopback));
  }
  config.seed = seed;
  config.mtu = net.mtu;
  return config;
}

StackBackend::StackBackend(const interpreter::NetConfig& net, uint64_t seed)
    : shared_(StackConfigFor(net, seed)),
      clock_(shared_),
      syscalls_(shared_, &files_),
      host_(shared_, files_),
      shell_(host_),
      mss_(net.mss) {}

std::string StackBackend::Inject(std::span<const uint8_t> packet) {
  // --mss=N: each TCP packet comes as tun would hand the kernel one with a
  // virtio-net header of gso_size N (packetdrill's linux_tun_write()).
  return shared_.Inject(packet, mss_ > 0 ? static_cast<uint32_t>(mss_) : 0);
}

std::optional<interpreter::Outbound> StackBackend::NextOutbound(
    interpreter::Instant deadline) {
  std::optional<SentPacket> sent = shared_.NextOutbound(deadline);
  if (!sent) return std::nullopt;
  return interpreter::Outbound{std::move(sent->bytes), sent->time};
}

interpreter::CommandResult StackBackend::RunCommand(
    const std::string& command,
    const std::map<std::string, std::string>& env) {
  ShellResult result = shell_.Run(command, env);
  interpreter::CommandResult out;
  out.exit_status = result.exit_status;
  out.output = std::move(result.output);
  if (!result.skipped.empty()) {
    if (!out.output.empty() && out.output.back() != '\n') out.output += '\n';
    out.output += StackShell::SkippedLine(result.skipped) + "\n";
  }
  return out;
}

std::map<std::string, int64_t> StackBackend::Counters() {
  return shared_.With([](Stack& stack) { return stack.Counters(); });
}

std::string StackBackend::Host::SetSysctl(const std::string& name,
                                          const std::string& value) {
  return shared_.With(
      [&](Stack& stack) { return stack.sysctls().Set(name, value); });
}

std::string StackBackend::Host::GetSysctl(const std::string& name,
                                          std::string* value) {
  return shared_.With(
      [&](Stack& stack) { return stack.sysctls().Get(name, value); });
}

std::vector<SocketSummary> StackBackend::Host::Sockets() {
  return shared_.With([](Stack& stack) { return stack.Sockets(); });
}

std::map<std::string, int64_t> StackBackend::Host::Counters() {
  return shared_.With([](Stack& stack) { return stack.Counters(); });
}

void StackBackend::Host::SetDeviceTso(bool on) {
  shared_.With([on](Stack& stack) { stack.SetDeviceTso(on); });
}

void StackBackend::Host::SetDeviceMtu(int mtu) {
  shared_.With([mtu](Stack& stack) { stack.SetDeviceMtu(mtu); });
}

void StackBackend::Host::FlushTcpMetrics() {
  shared_.With([](Stack& stack) { stack.FlushTcpMetrics(); });
}

bool StackBackend::Host::SetRoute(const std::string& dst, const RouteMetrics& metrics) {
  const std::optional<wire::IpAddress> address = wire::IpAddress::Parse(dst);
  if (!address) return false;
  shared_.With([&](Stack& stack) { stack.SetRoute(*address, metrics); });
  return true;
}

void StackBackend::Host::SetQdiscLimit(std::optional<int> limit) {
  shared_.With([limit](Stack& stack) { stack.SetQdiscLimit(limit); });
}

void StackBackend::Host::Sleep(Duration duration) {
  shared_.WaitUntil(shared_.Now() + duration);
}

}  // namespace synack::stack
