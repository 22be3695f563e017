// TCP_NOTSENT_LOWAT: the limit on unsent bytes.
#include "runtime/stack/notsent_lowat.h"

#include <cstdlib>
#include <string>

#include "runtime/stack/sock.h"
#include "runtime/stack/sysctls.h"

namespace synack::stack {

uint32_t NotsentLowat(const Sock& sk, const Sysctls& sysctls) {
  if (sk.notsent_lowat != 0) return sk.notsent_lowat;
  // The sysctl is kept as its /proc/sys text (proc_douintvec: 0..2^32-1).
  const auto it = sysctls.unmodelled.find("net.ipv4.tcp_notsent_lowat");
  if (it == sysctls.unmodelled.end()) return UINT32_MAX;
  return static_cast<uint32_t>(std::strtoull(it->second.c_str(), nullptr, 10));
}

bool NotsentBelowLowat(const Sock& sk, const Sysctls& sysctls, int wake) {
  const uint64_t notsent = sk.unsent_bytes();
  return (notsent << wake) < NotsentLowat(sk, sysctls);
}

}  // namespace synack::stack
