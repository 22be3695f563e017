// SYN cookies as Linux encodes them (net/ipv4/syncookies.c): the peer's
// MSS as an index into a table and a minute counter in the ISN, the SYN's
// window scale, SACK and ECN bits in the low bits of the TS value.
#pragma once

#include <cstdint>
#include <optional>

#include "runtime/stack/endpoint.h"
#include "runtime/stack/isn.h"
#include "runtime/stack/sysctls.h"

namespace synack::stack {

// The MSS values a cookie can carry; the peer's MSS rounds down to one:
// msstab[] of net/ipv4/syncookies.c, and of net/ipv6/syncookies.c
// (1280, 1480, 1500 and 9000 less 60 bytes of headers) for an IPv6 tuple.
inline constexpr uint16_t kCookieMssTable[] = {536, 1300, 1440, 1460};
inline constexpr uint16_t kCookieMssTableV6[] = {1220, 1420, 1440, 8940};

// A cookie stays valid while the minute counter moved by less than this.
inline constexpr uint32_t kMaxSyncookieAge = 2;

// __cookie_v4_init_sequence(): the ISN of a cookie SYN-ACK for a SYN with
// sequence `peer_isn` and MSS `*mss`; *mss becomes the table value.
// `count` is the minute counter (tcp_cookie_time()).
uint32_t CookieInitSequence(const Secrets& secrets, const FourTuple& tuple,
                            uint32_t peer_isn, uint16_t* mss, uint32_t count);

// __cookie_v4_check(): the MSS a returning ACK's cookie encodes, or 0 when
// the cookie is forged or older than kMaxSyncookieAge minutes. `cookie` is
// the ACK number less one, `peer_isn` the sequence number less one.
uint16_t CookieCheck(const Secrets& secrets, const FourTuple& tuple,
                     uint32_t cookie, uint32_t peer_isn, uint32_t count);

// cookie_init_timestamp(): the TS value (before the connection's offset is
// added) whose low 6 bits hold the SYN's options: window scale (0xf for
// none), bit 4 SACK, bit 5 ECN; never later than `ts_now`.
uint32_t CookieInitTimestamp(uint32_t ts_now, bool wscale_ok,
                             uint8_t snd_wscale, bool sack_ok, bool ecn_ok);

// cookie_timestamp_decode(): the options the echoed timestamp carries, or
// nullopt when the sysctls no longer allow them.
struct CookieOptions {
  bool sack_ok = false;
  bool wscale_ok = false;
  uint8_t snd_wscale = 0;
  bool ecn_ok = false;  // the SYN asked for ECN and was given it
};
std::optional<CookieOptions> CookieTimestampDecode(uint32_t tsecr,
                                                   const Sysctls& sysctls);

}  // namespace synack::stack
