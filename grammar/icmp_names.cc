// packetdrill's names for ICMP types and codes (ICMPv4 from RFC 792 and
// RFC 1700, ICMPv6 from RFC 4443), plus its `type_N` / `code_N` escapes.
#include <cctype>
#include <string_view>

#include "grammar/known_names.h"

namespace synack::grammar {

namespace {

constexpr std::string_view kTypes[] = {
    "unreachable",          "packet_too_big",
    "time_exceeded",        "parameter_problem",
    "echo_request",         "echo_reply",
    "source_quench",        "redirect",
    "timestamp_request",    "timestamp_reply",
    "information_request",  "information_reply",
    "address_mask_request", "address_mask_reply",
};

constexpr std::string_view kCodes[] = {
    // ICMPv4 destination unreachable.
    "net_unreachable",
    "host_unreachable",
    "protocol_unreachable",
    "port_unreachable",
    "frag_needed",
    "source_route_failed",
    "net_unknown",
    "host_unknown",
    "source_host_isolated",
    "net_prohibited",
    "host_prohibited",
    "net_unreachable_for_tos",
    "host_unreachable_for_tos",
    "packet_filtered",
    "precedence_violation",
    "precedence_cutoff",
    // ICMPv6 destination unreachable, time exceeded, parameter problem.
    "no_route",
    "admin_prohibited",
    "not_neighbour",
    "address_unreachable",
    "exceeded_hop_limit",
    "exceeded_frag_time",
    "header_field",
    "unknown_next_header",
    "unknown_option",
};

// `type_3`, `code_4`: a number in tcpdump's notation, for values without a
// name.
bool IsNumbered(std::string_view name, std::string_view prefix) {
  if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) {
    return false;
  }
  int value = 0;
  for (char c : name.substr(prefix.size())) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + (c - '0');
    if (value > 255) return false;  // one byte on the wire
  }
  return true;
}

}  // namespace

bool IsKnownIcmpType(std::string_view name) {
  for (std::string_view type : kTypes) {
    if (type == name) return true;
  }
  return IsNumbered(name, "type_");
}

bool IsKnownIcmpCode(std::string_view name) {
  for (std::string_view code : kCodes) {
    if (code == name) return true;
  }
  return IsNumbered(name, "code_");
}

std::vector<std::string_view> IcmpTypeNames() {
  return {std::begin(kTypes), std::end(kTypes)};
}

std::vector<std::string_view> IcmpCodeNames() {
  return {std::begin(kCodes), std::end(kCodes)};
}

}  // namespace synack::grammar
