// What a `%{ }%` block sees of the current socket, by packetdrill's names:
// TCP_INFO as tcpi_*, TCP_CC_INFO as bbr_*, dctcp_*, tcpv_* (each reading of
// the union that the returned length covers, as packetdrill emits them all),
// and SO_MEMINFO as SK_MEMINFO_*.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "interpreter/backend.h"

namespace synack::interpreter {

using NamedValues = std::vector<std::pair<std::string, int64_t>>;

// The tcpi_* names of a TCP_INFO result, only the fields within `len` (a
// backend may fill fewer than the headers know).
NamedValues TcpInfoValues(const uint8_t* data, size_t len);

// The names of a TCP_CC_INFO result: bbr_* (with bbr_bw, the two halves
// joined), dctcp_* and tcpv_* / tcp_rtt / tcp_minrtt, each when `len`
// covers its struct's fields. None for an algorithm without info (len 0).
NamedValues CcInfoValues(const uint8_t* data, size_t len);

// The SK_MEMINFO_* names of a SO_MEMINFO result (u32 each, in
// <linux/sock_diag.h>'s order); none when `len` falls short of them all.
NamedValues MeminfoValues(const uint8_t* data, size_t len);

// All three of `live_fd`, those its backend answers. Empty when it answers
// none (not a TCP socket; a backend that models none of them).
NamedValues SnapshotSocketValues(Syscalls& syscalls, int live_fd);

}  // namespace synack::interpreter
