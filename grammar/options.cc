// The command-line flags packetdrill accepts, which scripts may also set in
// `--name=value` lines, and the checks of their values.
#include <arpa/inet.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "grammar/check_internal.h"
#include "grammar/flow_pattern.h"
#include "grammar/known_names.h"
#include "grammar/spelling.h"

namespace synack::grammar {

namespace {

enum class ValueKind {
  kNone,       // a flag: `--strict_segments`
  kInteger,    // within [min, max]
  kNumber,     // a decimal, possibly fractional: tolerance_percent
  kIpVersion,  // ipv4 | ipv6 | ipv4-mapped-ipv6
  kAddress,    // an IPv4 or IPv6 address, `/prefix` allowed when noted
  kNonFatal,   // a comma list of `packet` and `syscall`
  kFlows,      // a comma list of flows: `8080>40001,*>40000-40999`
  kText,       // anything: file names, commands, device names
};

struct OptionSpec {
  std::string_view name;
  ValueKind kind;
  int64_t min = 0;
  int64_t max = 0;
  bool prefix = false;  // kAddress: `192.0.2.1/24` allowed
};

constexpr int64_t kIntMax = 2147483647;

// packetdrill's getopt_long table, in its order.
constexpr OptionSpec kOptions[] = {
    {"ip_version", ValueKind::kIpVersion},
    {"bind_port", ValueKind::kInteger, 1, 65535},
    {"code_command", ValueKind::kText},
    {"code_format", ValueKind::kText},
    {"code_sockopt", ValueKind::kText},
    {"connect_port", ValueKind::kInteger, 1, 65535},
    {"remote_ip", ValueKind::kAddress, 0, 0, true},
    {"local_ip", ValueKind::kAddress},
    {"gateway_ip", ValueKind::kAddress},
    {"netmask_ip", ValueKind::kAddress},
    {"speed", ValueKind::kInteger, 1, kIntMax},
    {"mss", ValueKind::kInteger, 1, 65535},
    {"mtu", ValueKind::kInteger, 1, 65535},
    {"init_scripts", ValueKind::kText},
    {"tolerance_usecs", ValueKind::kInteger, 0, kIntMax},
    {"tolerance_percent", ValueKind::kNumber},
    {"wire_client", ValueKind::kNone},
    {"wire_server", ValueKind::kNone},
    {"wire_server_ip", ValueKind::kText},
    {"wire_server_at", ValueKind::kText},
    {"wire_server_port", ValueKind::kInteger, 1, 65535},
    {"wire_client_dev", ValueKind::kText},
    {"wire_server_dev", ValueKind::kText},
    {"so_filename", ValueKind::kText},
    {"so_flags", ValueKind::kText},
    {"tcp_ts_ecr_scaled", ValueKind::kNone},
    {"tcp_ts_tick_usecs", ValueKind::kInteger, 0, kIntMax},
    {"strict_segments", ValueKind::kNone},
    {"non_fatal", ValueKind::kNonFatal},
    {"dry_run", ValueKind::kNone},
    {"is_anyip", ValueKind::kNone},
    {"send_omit_free", ValueKind::kNone},
    {"debug", ValueKind::kNone},
    {"define", ValueKind::kText},
    {"verbose", ValueKind::kNone},
    // synack's own.
    {"ignore_flows", ValueKind::kFlows},
};

const OptionSpec* FindOption(std::string_view name) {
  for (const OptionSpec& spec : kOptions) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

bool ParseInteger(const std::string& text, int64_t* value) {
  if (text.empty()) return false;
  errno = 0;
  char* end = nullptr;
  long long parsed = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return false;
  *value = parsed;
  return true;
}

bool ParseNumber(const std::string& text) {
  if (text.empty()) return false;
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return *end == '\0';
}

bool IsAddress(const std::string& text) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

bool IsAddressWithPrefix(const std::string& text) {
  size_t slash = text.find('/');
  if (slash == std::string::npos) return IsAddress(text);
  int64_t bits = 0;
  std::string address = text.substr(0, slash);
  int64_t max_bits = address.find(':') == std::string::npos ? 32 : 128;
  return IsAddress(address) && ParseInteger(text.substr(slash + 1), &bits) &&
         bits >= 0 && bits <= max_bits;
}

bool IsNonFatalList(const std::string& text) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string_view item(text.data() + start, comma - start);
    if (item != "packet" && item != "syscall") return false;
    start = comma + 1;
  }
  return true;
}

}  // namespace

bool IsKnownOption(const std::string& name) {
  return FindOption(name) != nullptr;
}

std::vector<std::string_view> OptionNames() {
  std::vector<std::string_view> names;
  for (const OptionSpec& spec : kOptions) names.push_back(spec.name);
  return names;
}

void CheckOptionLine(const OptionLine& option, Reporter& reporter) {
  const std::string flag = "--" + option.name;
  const OptionSpec* spec = FindOption(option.name);
  if (spec == nullptr) {
    std::string closest = ClosestName(option.name, OptionNames());
    reporter.Error(option.loc, "unknown option '" + flag + "'",
                   closest.empty() ? "" : "did you mean '--" + closest + "'?");
    return;
  }
  if (spec->kind == ValueKind::kNone) {
    if (option.value) {
      reporter.Error(option.loc, "option '" + flag + "' takes no value");
    }
    return;
  }
  if (!option.value) {
    reporter.Error(option.loc, "option '" + flag + "' needs a value",
                   "write '" + flag + "=<value>'");
    return;
  }
  // The lexer reads `--name=value` without blanks, so the value starts right
  // after the `=`.
  const Location at{option.loc.line,
                    option.loc.column + static_cast<int>(flag.size()) + 1};
  std::string value = *option.value;
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  const std::string found = ", found '" + value + "'";
  switch (spec->kind) {
    case ValueKind::kNone:
    case ValueKind::kText: break;
    case ValueKind::kInteger: {
      int64_t number = 0;
      if (!ParseInteger(value, &number)) {
        reporter.Error(at, "option '" + flag + "' needs an integer" + found);
      } else if (number < spec->min || number > spec->max) {
        reporter.Error(at, "option '" + flag + "' must be between " +
                               std::to_string(spec->min) + " and " +
                               std::to_string(spec->max) + found);
      }
      break;
    }
    case ValueKind::kNumber:
      if (!ParseNumber(value)) {
        reporter.Error(at, "option '" + flag + "' needs a number" + found);
      }
      break;
    case ValueKind::kIpVersion:
      if (value != "ipv4" && value != "ipv6" && value != "ipv4-mapped-ipv6") {
        reporter.Error(at,
                       "option '" + flag +
                           "' must be ipv4, ipv6 or ipv4-mapped-ipv6" + found,
                       DidYouMean(value, {"ipv4", "ipv6", "ipv4-mapped-ipv6"}));
      }
      break;
    case ValueKind::kAddress:
      if (spec->prefix ? !IsAddressWithPrefix(value) : !IsAddress(value)) {
        reporter.Error(
            at, "option '" + flag + "' needs an IPv4 or IPv6 address" + found);
      }
      break;
    case ValueKind::kNonFatal:
      if (!IsNonFatalList(value)) {
        reporter.Error(at, "option '" + flag +
                               "' takes a comma-separated list of 'packet' "
                               "and 'syscall'" +
                               found);
      }
      break;
    case ValueKind::kFlows: {
      std::string error;
      if (!ParseFlowPatterns(value, &error)) {
        reporter.Error(at, "option '" + flag + "': " + error);
      }
      break;
    }
  }
}

}  // namespace synack::grammar
