// Reading and writing sysctls through /proc/sys. Under a private network
// namespace the net.* entries are that namespace's own.
#pragma once

#include <string>

namespace synack::kernel {

// The /proc/sys path for a sysctl name: dotted ("net.ipv4.tcp_sack") as
// sysctl(8) takes it, or slashed ("net/ipv6/conf/eth0.100/mtu") for names
// whose components hold dots. A name already under /proc/sys is kept.
std::string SysctlPath(const std::string& name);

// Each returns an error message, empty on success. ReadSysctl strips the
// trailing newline; values with several fields keep the kernel's tabs.
std::string ReadSysctl(const std::string& name, std::string* value);
std::string WriteSysctl(const std::string& name, const std::string& value);

}  // namespace synack::kernel
