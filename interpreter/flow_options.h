// TCP options between a script's spelling and wire bytes, and the number
// translation inside them (SACK blocks, timestamps).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "grammar/ast.h"
#include "runtime/wire/packet.h"

namespace synack::interpreter {

// The wire form of script options, numbers as written (no translation).
// Fails on a cookie or digest that is not hex, an md5 digest longer than
// 16 bytes, or a raw option.
std::optional<std::vector<wire::TcpOption>> ScriptOptionsToWire(
    const std::vector<grammar::TcpOption>& options, std::string* error);

// Rewrites every SACK block edge with `map`.
void MapSackBlocks(std::vector<wire::TcpOption>& options,
                   const std::function<uint32_t(uint32_t)>& map);

// The timestamp option's fields, if the list has a well-formed one.
struct Timestamps {
  uint32_t val = 0;
  uint32_t ecr = 0;
};
std::optional<Timestamps> FindTimestamps(
    const std::vector<wire::TcpOption>& options);
void SetTimestamps(std::vector<wire::TcpOption>& options, Timestamps ts);

// Whether a live option list holds anything but EOL padding.
bool HasOptions(const std::vector<wire::TcpOption>& options);

// Trailing EOL options: padding the script does not spell out.
std::vector<wire::TcpOption> WithoutTrailingEol(
    std::vector<wire::TcpOption> options);

}  // namespace synack::interpreter
