// ICMP and ICMPv6 type and code names as packet scripts write them
// (`icmp unreachable frag_needed`, `icmp packet_too_big`).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace synack::wire {

std::optional<std::string_view> IcmpTypeName(bool ipv6, uint8_t type);
std::optional<std::string_view> IcmpCodeName(bool ipv6, uint8_t type,
                                             uint8_t code);
std::optional<uint8_t> IcmpTypeByName(bool ipv6, std::string_view name);
std::optional<uint8_t> IcmpCodeByName(bool ipv6, uint8_t type,
                                      std::string_view name);

}  // namespace synack::wire
