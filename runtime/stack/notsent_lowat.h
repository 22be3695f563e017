// TCP_NOTSENT_LOWAT and net.ipv4.tcp_notsent_lowat: a socket takes more
// data, and polls writable, only while its unsent bytes stay below the
// limit (tcp_stream_memory_free(); poll and wake-ups count them twice).
#pragma once

#include <cstdint>

namespace synack::stack {

struct Sock;
struct Sysctls;

// tcp_notsent_lowat(): the socket's TCP_NOTSENT_LOWAT, else the sysctl's
// (4294967295 by default: no limit).
uint32_t NotsentLowat(const Sock& sk, const Sysctls& sysctls);
// tcp_stream_memory_free(sk, wake): `wake` is 1 for poll() and the
// write-space wake-up, 0 for a writer taking more.
bool NotsentBelowLowat(const Sock& sk, const Sysctls& sysctls, int wake);

}  // namespace synack::stack
