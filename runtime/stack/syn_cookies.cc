// SYN cookie encoding and checking after Linux's secure_tcp_syn_cookie():
//   hash(tuple, 0) + their ISN + (count << 24) + ((hash(tuple, count) + data) mod 2^24)
#include "runtime/stack/syn_cookies.h"

namespace synack::stack {
namespace {

constexpr uint32_t kCookieBits = 24;
constexpr uint32_t kCookieMask = (1u << kCookieBits) - 1;
constexpr uint32_t kTsBits = 6;
constexpr uint32_t kTsMask = (1u << kTsBits) - 1;
constexpr uint32_t kTsOptWscaleMask = 0xf, kTsOptSack = 1u << 4,
                   kTsOptEcn = 1u << 5;

// __cookie_v4_init_sequence() or __cookie_v6_init_sequence(): the table
// of the tuple's family.
const uint16_t* MssTable(const FourTuple& tuple) {
  return IsV4(tuple.local.addr) ? kCookieMssTable : kCookieMssTableV6;
}

}  // namespace

uint32_t CookieInitSequence(const Secrets& secrets, const FourTuple& tuple,
                            uint32_t peer_isn, uint16_t* mss, uint32_t count) {
  const uint16_t* table = MssTable(tuple);
  uint32_t index = 3;
  while (index > 0 && *mss < table[index]) --index;
  *mss = table[index];
  return CookieHash(secrets.cookie[0], tuple, 0) + peer_isn +
         (count << kCookieBits) +
         ((CookieHash(secrets.cookie[1], tuple, count) + index) & kCookieMask);
}

uint16_t CookieCheck(const Secrets& secrets, const FourTuple& tuple,
                     uint32_t cookie, uint32_t peer_isn, uint32_t count) {
  cookie -= CookieHash(secrets.cookie[0], tuple, 0) + peer_isn;
  const uint32_t diff = (count - (cookie >> kCookieBits)) & (0xffffffffu >> kCookieBits);
  if (diff >= kMaxSyncookieAge) return 0;
  const uint32_t index =
      (cookie - CookieHash(secrets.cookie[1], tuple, count - diff)) & kCookieMask;
  return index < 4 ? MssTable(tuple)[index] : 0;
}

uint32_t CookieInitTimestamp(uint32_t ts_now, bool wscale_ok,
                             uint8_t snd_wscale, bool sack_ok, bool ecn_ok) {
  uint32_t options = wscale_ok ? snd_wscale : kTsOptWscaleMask;
  if (sack_ok) options |= kTsOptSack;
  if (ecn_ok) options |= kTsOptEcn;
  uint32_t ts = (ts_now & ~kTsMask) | options;
  if (ts > ts_now) ts -= kTsMask + 1;
  return ts;
}

std::optional<CookieOptions> CookieTimestampDecode(uint32_t tsecr,
                                                   const Sysctls& sysctls) {
  if (sysctls.tcp_timestamps == 0) return std::nullopt;
  CookieOptions out;
  const uint32_t options = tsecr & kTsMask;
  out.sack_ok = (options & kTsOptSack) != 0;
  out.ecn_ok = (options & kTsOptEcn) != 0;
  if (out.sack_ok && sysctls.tcp_sack == 0) return std::nullopt;
  if ((options & kTsOptWscaleMask) == kTsOptWscaleMask) return out;
  out.wscale_ok = true;
  out.snd_wscale = static_cast<uint8_t>(options & kTsOptWscaleMask);
  if (sysctls.tcp_window_scaling == 0) return std::nullopt;
  return out;
}

}  // namespace synack::stack
