// Keyed hashes of the 4-tuple the way Linux draws initial sequence numbers,
// timestamp offsets and ephemeral port offsets; secrets come from a seed.
#pragma once

#include <cstdint>

#include "runtime/stack/endpoint.h"
#include "runtime/stack/siphash.h"
#include "runtime/stack/tcp_time.h"

namespace synack::stack {

// What Linux draws at boot (net_secret, ts_secret, syncookie_secret, ...)
// and the clocks' readings at the stack's time zero, all from one seed so a
// run is reproducible.
struct Secrets {
  SipKey isn, ts, port;
  SipKey cookie[2];
  // ktime_get_real_ns() at time zero: the ISN clock term.
  uint64_t realtime_ns = 0;
  // The TCP timestamp clock (ms since boot) at time zero.
  uint32_t boot_ms = 0;

  static Secrets FromSeed(uint64_t seed);
};

// secure_tcp_seq(): hash of the tuple plus the real-time clock in units of
// 64 ns, so ISNs of one tuple climb at 15.6 M/s (RFC 6528).
uint32_t InitialSequence(const Secrets& secrets, const FourTuple& tuple,
                         Instant now);

// The per-connection TS offset. Measured on 6.18: two connections between
// the same two addresses but different ports get unrelated TS values, so
// the offset is keyed on the whole 4-tuple (secure_tcp_seq_and_ts_off).
uint32_t TimestampOffset(const Secrets& secrets, const FourTuple& tuple);

// The starting offset for an ephemeral port search towards `remote`
// (inet_sk_port_offset: keyed on local address, remote address and port).
uint32_t PortOffset(const Secrets& secrets, const wire::IpAddress& local,
                    const Endpoint& remote);

// Hash of the tuple with a cookie key and an extra word, for SYN cookies.
uint32_t CookieHash(const SipKey& key, const FourTuple& tuple, uint32_t count);

}  // namespace synack::stack
