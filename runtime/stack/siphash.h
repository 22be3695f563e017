// SipHash-2-4 (Aumasson and Bernstein), the keyed hash Linux uses for ISNs,
// timestamp offsets, SYN cookies and port offsets.
#pragma once

#include <cstdint>
#include <span>

namespace synack::stack {

struct SipKey {
  uint64_t k0 = 0, k1 = 0;
};

uint64_t SipHash24(const SipKey& key, std::span<const uint8_t> data);

}  // namespace synack::stack
