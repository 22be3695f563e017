// TCP options as the stack reads them from a segment and writes them, in
// the order Linux's tcp_options_write() puts them on the wire.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/wire/packet.h"

namespace synack::stack {

struct SackBlock {
  uint32_t start = 0, end = 0;
  friend bool operator==(const SackBlock&, const SackBlock&) = default;
};

// What tcp_parse_options() takes from a segment. Options of the wrong
// length are ignored as Linux ignores them; MSS, window scale and
// SACK-permitted only count on a SYN.
struct ReceivedOptions {
  std::optional<uint16_t> mss;     // a zero MSS is ignored
  std::optional<uint8_t> wscale;   // as sent; the caller clamps to 14
  bool sack_permitted = false;
  bool saw_tstamp = false;
  uint32_t tsval = 0, tsecr = 0;
  std::vector<SackBlock> sacks;
  // A Fast Open option (RFC 7413, kind 34 or the experimental 254 with
  // magic 0xF989): the cookie, empty for a request.
  std::optional<std::vector<uint8_t>> fastopen;
  bool fastopen_exp = false;
};

ReceivedOptions ParseOptions(const std::vector<wire::TcpOption>& options,
                             bool syn);

// The length of a TCP header's options, padded as on the wire.
uint32_t TcpOptionBytes(const std::vector<wire::TcpOption>& options);

// The options of a SYN or SYN-ACK. Linux's order (measured on 6.18):
//   TS and SACK:  mss, sackOK, TS, [nop, wscale]
//   TS only:      mss, nop, nop, TS, [nop, wscale]
//   SACK only:    mss, nop, nop, sackOK, [nop, wscale]
//   neither:      mss, [nop, wscale]
struct SynOptions {
  uint16_t mss = 0;
  bool sack = false;
  bool timestamps = false;
  uint32_t tsval = 0, tsecr = 0;
  std::optional<uint8_t> wscale;
  // After the rest, padded with NOPs to a word: empty asks for a cookie.
  std::optional<std::vector<uint8_t>> fastopen;
  bool fastopen_exp = false;  // as kind 254 with magic 0xF989
};
std::vector<wire::TcpOption> BuildSynOptions(const SynOptions& spec);

// The options of any other segment: nop, nop, TS when timestamps are on,
// then nop, nop, SACK blocks (at most 4, or 3 next to a timestamp).
std::vector<wire::TcpOption> BuildSegmentOptions(
    bool timestamps, uint32_t tsval, uint32_t tsecr,
    const std::vector<SackBlock>& sacks);

}  // namespace synack::stack
