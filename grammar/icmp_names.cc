// packetdrill's names for ICMP types and codes, for checking scripts: the
// tables are runtime/wire's, which also turns them into numbers.
#include <algorithm>
#include <string_view>

#include "grammar/known_names.h"
#include "runtime/wire/icmp_names.h"

namespace synack::grammar {

namespace {

bool Contains(const std::vector<std::string_view>& names,
              std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

bool IsKnownIcmpType(std::string_view name) {
  return Contains(wire::AllIcmpTypeNames(), name) ||
         wire::NumberedIcmpName(name, "type_").has_value();
}

bool IsKnownIcmpCode(std::string_view name) {
  return Contains(wire::AllIcmpCodeNames(), name) ||
         wire::NumberedIcmpName(name, "code_").has_value();
}

std::vector<std::string_view> IcmpTypeNames() {
  return wire::AllIcmpTypeNames();
}

std::vector<std::string_view> IcmpCodeNames() {
  return wire::AllIcmpCodeNames();
}

}  // namespace synack::grammar
