// Flows named by ports, as --ignore_flows takes them: `8080>40001`,
// `8080>40000-40999`, `*>53`, comma-separated. The stack's port comes first,
// as on an outbound line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace synack::grammar {

struct PortRange {
  uint16_t first = 0;
  uint16_t last = 65535;  // `*`: every port

  bool Contains(uint16_t port) const { return first <= port && port <= last; }
};

struct FlowPattern {
  PortRange local;   // the stack's port
  PortRange remote;  // the script side's port

  bool Matches(uint16_t local_port, uint16_t remote_port) const {
    return local.Contains(local_port) && remote.Contains(remote_port);
  }
};

// Parses a comma-separated list of patterns. On error returns nullopt and
// sets *error to what was expected and what was found.
std::optional<std::vector<FlowPattern>> ParseFlowPatterns(
    const std::string& text, std::string* error);

}  // namespace synack::grammar
