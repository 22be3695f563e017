// TCP Fast Open (RFC 7413) as Linux 6.18's tcp_fastopen.c does it: the
// tcp_fastopen sysctl's bits, the server's cookie keys and cookies, and the
// per-socket Fast Open state. The stack's hooks into the handshake live in
// fastopen.cc; cookies and keys in fastopen_cookie.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "runtime/stack/endpoint.h"
#include "runtime/stack/siphash.h"

namespace synack::stack {

// The bits of net.ipv4.tcp_fastopen (include/net/tcp.h).
namespace tfo {
inline constexpr int kClientEnable = 0x1;
inline constexpr int kServerEnable = 0x2;
inline constexpr int kClientNoCookie = 0x4;          // SYN data without a cookie
inline constexpr int kServerCookieNotReqd = 0x200;   // SYN data accepted without one
inline constexpr int kServerWoSockopt1 = 0x400;      // listen() enables it
}  // namespace tfo

// TCP_FASTOPEN_COOKIE_SIZE: the cookie Linux's server hands out.
inline constexpr size_t kFastOpenCookieSize = 8;
// TCP_FASTOPEN_KEY_LENGTH: one key; TCP_FASTOPEN_KEY sets one or two.
inline constexpr size_t kFastOpenKeyLength = 16;

// A Fast Open option as tcp_fastopen_cookie holds it: the cookie (empty: a
// request) and whether it came in the experimental option (254, 0xF989).
struct FastOpenCookie {
  std::vector<uint8_t> val;
  bool exp = false;
  friend bool operator==(const FastOpenCookie&, const FastOpenCookie&) = default;
};

// A key as the kernel keeps it in its siphash_key_t: two little-endian
// 64-bit words of the 16 key bytes.
SipKey FastOpenKeyFromBytes(std::span<const uint8_t> bytes);
void FastOpenKeyToBytes(const SipKey& key, uint8_t out[kFastOpenKeyLength]);

// net.ipv4.tcp_fastopen_key's text: "%x-%x-%x-%x", a comma and the backup
// key's four words optional; each word stored little-endian, as
// proc_tcp_fastopen_key() does. Empty when the text does not parse.
std::vector<SipKey> ParseFastOpenKeys(const std::string& text);

// __tcp_fastopen_cookie_gen_cipher(): SipHash-2-4 over the SYN's source
// and destination addresses (4 or 16 bytes each), stored little-endian.
// `tuple.remote` is the SYN's source.
std::vector<uint8_t> FastOpenCookieFor(const SipKey& key, const FourTuple& tuple);

// What tcp_metrics keeps per peer for Fast Open (tcp_fastopen_metrics):
// the peer's MSS, its cookie, and whether to ask in the experimental
// option next time (try_exp 1) or in the RFC 7413 one again (2).
struct FastOpenCacheEntry {
  uint16_t mss = 0;
  FastOpenCookie cookie;
  int try_exp = 0;
};

// The Fast Open state of one socket beyond the handshake's request socket.
struct FastOpenSock {
  // A listener: TCP_FASTOPEN's queue length (fastopenq.max_qlen), the
  // children still in SYN_RECV that count against it (fastopenq.qlen),
  // and keys set by TCP_FASTOPEN_KEY (empty: the sysctl's).
  int max_qlen = 0;
  int qlen = 0;
  std::vector<SipKey> keys;
  // TCP_FASTOPEN_NO_COOKIE, on a client or a listener.
  bool no_cookie = false;
  // A passive child: its SYN's data was accepted (TCPI_OPT_SYN_DATA).
  bool syn_data_acked = false;

  // A client. sendto(MSG_FASTOPEN) or a deferred connect's first write is
  // in progress (tp->fastopen_req, freed when the call returns): the bytes
  // offered (valid during the call only) and the bytes the SYN took.
  bool request = false;
  std::span<const uint8_t> data;
  size_t size = 0;
  size_t copied = 0;
  // The cookie request of a TCP_FASTOPEN_CONNECT connect() without a
  // cookie (the fastopen_req tcp_fastopen_defer_connect() allocates).
  bool connect_request = false;
  // The SYN carries data (tp->syn_data), a Fast Open option (syn_fastopen),
  // the experimental one (syn_fastopen_exp); the SYN-ACK acknowledged the
  // data (syn_data_acked is shared with the passive side's flag).
  bool syn_data = false;
  bool syn_fastopen = false;
  bool syn_fastopen_exp = false;
  // tcpi_fastopen_client_fail (TFO_COOKIE_UNAVAILABLE 1, TFO_DATA_NOT_ACKED
  // 2, TFO_SYN_RETRANSMITTED 3).
  int client_fail = 0;

  // tcp_disconnect(): a socket that connects again starts its Fast Open
  // attempt afresh (its listener and TCP_FASTOPEN_NO_COOKIE settings stay).
  void ResetClient() {
    request = connect_request = false;
    data = {};
    size = copied = 0;
    syn_data = syn_fastopen = syn_fastopen_exp = syn_data_acked = false;
    client_fail = 0;
  }
};

}  // namespace synack::stack
