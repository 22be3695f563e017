// The constants whose values the compiler reads from the system headers,
// generated at build time from header_constants.names (grammar/CMakeLists.txt).
#pragma once

#include <cstdint>
#include <vector>

namespace synack::grammar {

struct HeaderConstant {
  const char* name;
  int64_t value;
};

// Every name of header_constants.names with its header's value, in the
// list's order.
std::vector<HeaderConstant> HeaderConstants();

}  // namespace synack::grammar
