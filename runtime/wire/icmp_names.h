// ICMP and ICMPv6 type and code names as packet scripts write them
// (`icmp unreachable frag_needed`, `icmp packet_too_big`).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace synack::wire {

std::optional<std::string_view> IcmpTypeName(bool ipv6, uint8_t type);
std::optional<std::string_view> IcmpCodeName(bool ipv6, uint8_t type,
                                             uint8_t code);
std::optional<uint8_t> IcmpTypeByName(bool ipv6, std::string_view name);
std::optional<uint8_t> IcmpCodeByName(bool ipv6, uint8_t type,
                                      std::string_view name);

// Every type or code name of ICMPv4 and ICMPv6 together, for checking a
// script before its IP version is known.
std::vector<std::string_view> AllIcmpTypeNames();
std::vector<std::string_view> AllIcmpCodeNames();

// `type_3` / `code_4` (prefix "type_" / "code_"): tcpdump's spelling of a
// number without a name; nullopt unless it is one and fits a byte.
std::optional<uint8_t> NumberedIcmpName(std::string_view name,
                                        std::string_view prefix);

}  // namespace synack::wire
