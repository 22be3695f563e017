// Fast Open keys and cookies, derived as Linux 6.18's tcp_fastopen.c
// derives them, so that a cookie for the runner's addresses and the
// corpus's key is the TFO_COOKIE packetdrill's runner defines.
#include <cstdio>

#include "runtime/stack/fastopen.h"

namespace synack::stack {

namespace {

uint64_t LoadLe64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void StoreLe64(uint64_t v, uint8_t* p) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace

SipKey FastOpenKeyFromBytes(std::span<const uint8_t> bytes) {
  // tcp_fastopen_reset_cipher(): get_unaligned_le64() of each half.
  SipKey key;
  if (bytes.size() < kFastOpenKeyLength) return key;
  key.k0 = LoadLe64(bytes.data());
  key.k1 = LoadLe64(bytes.data() + 8);
  return key;
}

void FastOpenKeyToBytes(const SipKey& key, uint8_t out[kFastOpenKeyLength]) {
  StoreLe64(key.k0, out);
  StoreLe64(key.k1, out + 8);
}

std::vector<SipKey> ParseFastOpenKeys(const std::string& text) {
  // proc_tcp_fastopen_key(): sscanf's "%x-%x-%x-%x,%x-%x-%x-%x"; each
  // word becomes cpu_to_le32() of itself in the key's bytes.
  unsigned w[8] = {};
  const int n = std::sscanf(text.c_str(), "%x-%x-%x-%x,%x-%x-%x-%x", &w[0], &w[1],
                            &w[2], &w[3], &w[4], &w[5], &w[6], &w[7]);
  if (n != 4 && n != 8) return {};
  std::vector<SipKey> keys;
  for (int k = 0; k < n / 4; ++k) {
    uint8_t bytes[kFastOpenKeyLength];
    for (int i = 0; i < 4; ++i) {
      for (int b = 0; b < 4; ++b) {
        bytes[4 * i + b] = static_cast<uint8_t>(w[4 * k + i] >> (8 * b));
      }
    }
    keys.push_back(FastOpenKeyFromBytes(bytes));
  }
  return keys;
}

std::vector<uint8_t> FastOpenCookieFor(const SipKey& key, const FourTuple& tuple) {
  const size_t n = IsV4(tuple.remote.addr) ? 4 : 16;
  std::vector<uint8_t> addrs(tuple.remote.addr.bytes.begin(),
                             tuple.remote.addr.bytes.begin() + static_cast<long>(n));
  addrs.insert(addrs.end(), tuple.local.addr.bytes.begin(),
               tuple.local.addr.bytes.begin() + static_cast<long>(n));
  std::vector<uint8_t> cookie(kFastOpenCookieSize);
  StoreLe64(SipHash24(key, addrs), cookie.data());
  return cookie;
}

}  // namespace synack::stack
