// ParseFlowPatterns(): `LOCAL>REMOTE[,...]`, each side `*`, a port or a
// range of ports `FIRST-LAST`.
#include "grammar/flow_pattern.h"

#include <cctype>

namespace synack::grammar {
namespace {

std::optional<uint16_t> ParsePort(const std::string& text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return std::nullopt;
  return static_cast<uint16_t>(value);
}

std::optional<PortRange> ParseRange(const std::string& text) {
  if (text == "*") return PortRange{};
  const size_t dash = text.find('-');
  if (dash == std::string::npos) {
    auto port = ParsePort(text);
    if (!port) return std::nullopt;
    return PortRange{*port, *port};
  }
  auto first = ParsePort(text.substr(0, dash));
  auto last = ParsePort(text.substr(dash + 1));
  if (!first || !last || *first > *last) return std::nullopt;
  return PortRange{*first, *last};
}

}  // namespace

std::optional<std::vector<FlowPattern>> ParseFlowPatterns(
    const std::string& text, std::string* error) {
  std::vector<FlowPattern> patterns;
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(
        start, comma == std::string::npos ? std::string::npos : comma - start);
    const size_t gt = item.find('>');
    std::optional<PortRange> local, remote;
    if (gt != std::string::npos) {
      local = ParseRange(item.substr(0, gt));
      remote = ParseRange(item.substr(gt + 1));
    }
    if (!local || !remote) {
      *error = "expected a flow as LOCAL>REMOTE (each a port, FIRST-LAST or "
               "*, the stack's port first), found '" + item + "'";
      return std::nullopt;
    }
    patterns.push_back({*local, *remote});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return patterns;
}

}  // namespace synack::grammar
