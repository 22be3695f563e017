// ISNs, timestamp offsets, port offsets and cookie hashes: SipHash over the
// tuple's bytes with per-purpose keys drawn from the seed by splitmix64.
#include "runtime/stack/isn.h"

#include <vector>

namespace synack::stack {
namespace {

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

SipKey NextKey(uint64_t* state) { return {SplitMix64(state), SplitMix64(state)}; }

void Append(std::vector<uint8_t>* out, const Endpoint& e) {
  const size_t n = e.addr.family == AF_INET ? 4 : 16;
  out->insert(out->end(), e.addr.bytes.begin(), e.addr.bytes.begin() + n);
  out->push_back(static_cast<uint8_t>(e.port >> 8));
  out->push_back(static_cast<uint8_t>(e.port));
}

std::vector<uint8_t> TupleBytes(const FourTuple& tuple) {
  std::vector<uint8_t> bytes;
  Append(&bytes, tuple.local);
  Append(&bytes, tuple.remote);
  return bytes;
}

}  // namespace

Secrets Secrets::FromSeed(uint64_t seed) {
  uint64_t state = seed;
  Secrets s;
  s.isn = NextKey(&state);
  s.ts = NextKey(&state);
  s.port = NextKey(&state);
  s.cookie[0] = NextKey(&state);
  s.cookie[1] = NextKey(&state);
  // A wall clock somewhere in 2020-2030 and an uptime of up to ~24 days:
  // values like a real machine's, never near zero.
  s.realtime_ns = 1577836800ull * 1000000000ull +
                  SplitMix64(&state) % (315360000ull * 1000000000ull);
  s.boot_ms = static_cast<uint32_t>(SplitMix64(&state) % 2000000000u) + 60000u;
  return s;
}

uint32_t InitialSequence(const Secrets& secrets, const FourTuple& tuple,
                         Instant now) {
  const uint32_t hash =
      static_cast<uint32_t>(SipHash24(secrets.isn, TupleBytes(tuple)));
  const uint64_t ns =
      secrets.realtime_ns + static_cast<uint64_t>(now.since_epoch.count());
  return hash + static_cast<uint32_t>(ns >> 6);
}

uint32_t TimestampOffset(const Secrets& secrets, const FourTuple& tuple) {
  return static_cast<uint32_t>(SipHash24(secrets.ts, TupleBytes(tuple)));
}

uint32_t PortOffset(const Secrets& secrets, const wire::IpAddress& local,
                    const Endpoint& remote) {
  std::vector<uint8_t> bytes(local.bytes.begin(),
                             local.bytes.begin() + (IsV4(local) ? 4 : 16));
  Append(&bytes, remote);
  return static_cast<uint32_t>(SipHash24(secrets.port, bytes));
}

uint32_t CookieHash(const SipKey& key, const FourTuple& tuple, uint32_t count) {
  std::vector<uint8_t> bytes = TupleBytes(tuple);
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<uint8_t>(count >> (8 * i)));
  return static_cast<uint32_t>(SipHash24(key, bytes));
}

}  // namespace synack::stack
