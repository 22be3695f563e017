// TCP options to and from their wire bytes (RFC 9293 §3.2).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "runtime/wire/packet.h"

namespace synack::wire {

inline constexpr size_t kMaxTcpOptionBytes = 40;

// Serializes options in order, unpadded. Fails on data too long for one
// option, data on NOP/EOL, or more than 40 bytes in all.
struct EncodedTcpOptions {
  std::vector<uint8_t> bytes;
  std::string error;
};
EncodedTcpOptions EncodeTcpOptions(const std::vector<TcpOption>& options);

// Splits the option area of a TCP header into options, padding included.
// An option whose length byte is missing, below 2 or past the area's end is
// an error; a known kind with an odd length is kept as it is (the stack
// under test decides what to make of it).
struct DecodedTcpOptions {
  std::vector<TcpOption> options;
  std::string error;
};
DecodedTcpOptions DecodeTcpOptions(std::span<const uint8_t> area);

}  // namespace synack::wire
