// packetdrill's IP variants as its runner (run_all.py) runs them: which
// variants a script runs in, and the addresses and -D symbols each one uses.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "grammar/checker.h"
#include "interpreter/config.h"

namespace synack::cli {

// "ipv4", "ipv6", "ipv4-mapped-ipv6".
std::optional<interpreter::IpVersion> ParseIpVersion(const std::string& text);

// The IP version a script's own `--ip_version=` option line names, read as
// Linux's selftests' runner (ksft_runner.sh) reads it: a line that starts
// with it. nullopt when there is none (or the file cannot be read).
std::optional<interpreter::IpVersion> ScriptIpVersion(const std::string& path);

// The one variant a script's own --ip_version line names; else ipv4 and
// ipv4-mapped-ipv6 for names ending `v4.pkt`, ipv6 for `v6.pkt`, all three
// otherwise.
std::vector<interpreter::IpVersion> VariantsForScript(const std::string& path);

// Of VariantsForScript's, those in `wanted` (-4, -6, --ipv4-mapped), in the
// rule's order; all of them when `wanted` is empty.
std::vector<interpreter::IpVersion> SelectVariants(
    const std::string& path,
    const std::vector<interpreter::IpVersion>& wanted);

const char* VariantName(interpreter::IpVersion version);

struct VariantDefaults {
  std::vector<std::pair<std::string, std::string>> flags;
  grammar::Defines defines;
};

// The flags and -D symbols packetdrill's runner passes for `version`.
VariantDefaults RunnerDefaults(interpreter::IpVersion version);

}  // namespace synack::cli
