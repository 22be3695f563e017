// The kernel's SNMP and netstat counters under nstat's names, read from
// /proc/net/{netstat,snmp,snmp6} of the calling thread's network namespace.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace synack::kernel {

using Counters = std::map<std::string, int64_t>;

// Parses /proc/net/netstat or /proc/net/snmp text: pairs of lines
//   TcpExt: SyncookiesSent SyncookiesRecv ...
//   TcpExt: 0 3 ...
// into prefix + field names (TcpExtSyncookiesRecv = 3) added to `out`.
// Returns an error message naming the line, empty on success.
std::string ParseCounterTable(std::string_view text, Counters* out);

// Parses /proc/net/snmp6 text, one "Ip6InReceives   12" per line.
std::string ParseCounterList(std::string_view text, Counters* out);

// Reads all three files. A missing snmp6 (IPv6 disabled) is not an error.
std::string ReadCounters(Counters* out);

}  // namespace synack::kernel
