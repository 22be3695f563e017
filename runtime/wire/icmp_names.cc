// Tables of ICMP (RFC 792, RFC 1191) and ICMPv6 (RFC 4443) names.
#include "runtime/wire/icmp_names.h"

#include <algorithm>
#include <span>

namespace synack::wire {
namespace {

struct TypeName {
  uint8_t type;
  std::string_view name;
};

struct CodeName {
  uint8_t type, code;
  std::string_view name;
};

constexpr TypeName kIcmpv4Types[] = {
    {0, "echo_reply"},           {3, "unreachable"},
    {4, "source_quench"},        {5, "redirect"},
    {8, "echo_request"},         {11, "time_exceeded"},
    {12, "parameter_problem"},   {13, "timestamp_request"},
    {14, "timestamp_reply"},     {15, "information_request"},
    {16, "information_reply"},   {17, "address_mask_request"},
    {18, "address_mask_reply"},
};

constexpr CodeName kIcmpv4Codes[] = {
    {3, 0, "net_unreachable"},
    {3, 1, "host_unreachable"},
    {3, 2, "protocol_unreachable"},
    {3, 3, "port_unreachable"},
    {3, 4, "frag_needed"},
    {3, 5, "source_route_failed"},
    {3, 6, "net_unknown"},
    {3, 7, "host_unknown"},
    {3, 8, "source_host_isolated"},
    {3, 9, "net_prohibited"},
    {3, 10, "host_prohibited"},
    {3, 11, "net_unreachable_for_tos"},
    {3, 12, "host_unreachable_for_tos"},
    {3, 13, "packet_filtered"},
    {3, 14, "precedence_violation"},
    {3, 15, "precedence_cutoff"},
    {11, 0, "exceeded_ttl"},
    {11, 1, "exceeded_frag_time"},
};

constexpr TypeName kIcmpv6Types[] = {
    {1, "unreachable"},         {2, "packet_too_big"},
    {3, "time_exceeded"},       {4, "parameter_problem"},
    {128, "echo_request"},      {129, "echo_reply"},
};

constexpr CodeName kIcmpv6Codes[] = {
    {1, 0, "no_route"},
    {1, 1, "admin_prohibited"},
    {1, 2, "not_neighbour"},
    {1, 3, "address_unreachable"},
    {1, 4, "port_unreachable"},
    {1, 5, "source_policy_failed"},
    {1, 6, "reject_route"},
    {3, 0, "exceeded_hop_limit"},
    {3, 1, "exceeded_frag_time"},
    {4, 0, "header_field"},
    {4, 1, "unknown_next_header"},
    {4, 2, "unknown_option"},
};

std::span<const TypeName> Types(bool ipv6) {
  if (ipv6) return kIcmpv6Types;
  return kIcmpv4Types;
}

std::span<const CodeName> Codes(bool ipv6) {
  if (ipv6) return kIcmpv6Codes;
  return kIcmpv4Codes;
}

template <typename Entry>
void AddNames(std::span<const Entry> entries,
              std::vector<std::string_view>* names) {
  for (const Entry& entry : entries) {
    if (std::find(names->begin(), names->end(), entry.name) == names->end()) {
      names->push_back(entry.name);
    }
  }
}

}  // namespace

std::vector<std::string_view> AllIcmpTypeNames() {
  std::vector<std::string_view> names;
  AddNames(Types(false), &names);
  AddNames(Types(true), &names);
  return names;
}

std::vector<std::string_view> AllIcmpCodeNames() {
  std::vector<std::string_view> names;
  AddNames(Codes(false), &names);
  AddNames(Codes(true), &names);
  return names;
}

std::optional<uint8_t> NumberedIcmpName(std::string_view name,
                                        std::string_view prefix) {
  if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) {
    return std::nullopt;
  }
  int value = 0;
  for (char c : name.substr(prefix.size())) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
    if (value > 255) return std::nullopt;  // one byte on the wire
  }
  return static_cast<uint8_t>(value);
}

std::optional<std::string_view> IcmpTypeName(bool ipv6, uint8_t type) {
  for (const TypeName& entry : Types(ipv6)) {
    if (entry.type == type) return entry.name;
  }
  return std::nullopt;
}

std::optional<std::string_view> IcmpCodeName(bool ipv6, uint8_t type,
                                             uint8_t code) {
  for (const CodeName& entry : Codes(ipv6)) {
    if (entry.type == type && entry.code == code) return entry.name;
  }
  return std::nullopt;
}

std::optional<uint8_t> IcmpTypeByName(bool ipv6, std::string_view name) {
  for (const TypeName& entry : Types(ipv6)) {
    if (entry.name == name) return entry.type;
  }
  return std::nullopt;
}

std::optional<uint8_t> IcmpCodeByName(bool ipv6, uint8_t type,
                                      std::string_view name) {
  for (const CodeName& entry : Codes(ipv6)) {
    if (entry.type == type && entry.name == name) return entry.code;
  }
  return std::nullopt;
}

}  // namespace synack::wire
