// The name tables behind the checker's lookups, listed for hints.
#pragma once

#include <string_view>
#include <vector>

namespace synack::grammar {

// Every name each lookup knows, most common first (ties in a "did you
// mean" go to the earlier name).
std::vector<std::string_view> ConstantNames();  // LookupConstant
std::vector<std::string_view> ErrnoNames();     // LookupErrno
std::vector<std::string_view> SyscallNames();   // LookupSyscall
std::vector<std::string_view> OptionNames();    // IsKnownOption

// packetdrill's ICMP type and code names (ICMPv4 and ICMPv6 together).
bool IsKnownIcmpType(std::string_view name);
bool IsKnownIcmpCode(std::string_view name);
std::vector<std::string_view> IcmpTypeNames();
std::vector<std::string_view> IcmpCodeNames();

}  // namespace synack::grammar
