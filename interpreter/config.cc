// The run's settings: packetdrill's defaults per IP version, its flags, and
// the order in which script option lines and command-line flags apply.
#include "interpreter/config.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>
#include <functional>
#include <optional>

namespace synack::interpreter {

namespace {

wire::IpAddress Address(const char* text) {
  // Only called with the literals below, which always parse.
  return wire::IpAddress::Parse(text).value_or(wire::IpAddress{});
}

std::optional<int64_t> ParseInteger(const std::string& text) {
  if (text.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 0);
  if (errno != 0 || *end != '\0') return std::nullopt;
  return value;
}

std::optional<double> ParseNumber(const std::string& text) {
  if (text.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (errno != 0 || *end != '\0') return std::nullopt;
  return value;
}

std::optional<IpVersion> ParseIpVersion(const std::string& text) {
  if (text == "ipv4") return IpVersion::kIpv4;
  if (text == "ipv6") return IpVersion::kIpv6;
  if (text == "ipv4-mapped-ipv6") return IpVersion::kIpv4MappedIpv6;
  return std::nullopt;
}

// Option values may arrive quoted from a script line (`--x="..."`).
std::string Unquote(const std::string& text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

int PrefixLength(const wire::IpAddress& netmask) {
  int bits = 0;
  for (int i = 0; i < 4; ++i) {
    for (int bit = 7; bit >= 0; --bit) {
      if ((netmask.bytes[i] >> bit) & 1) {
        ++bits;
      } else {
        return bits;
      }
    }
  }
  return bits;
}

// Packets on the wire are IPv6 only for ipv6; ipv4-mapped-ipv6 takes IPv4
// addresses.
int AddressFamilyFor(IpVersion version) {
  return version == IpVersion::kIpv6 ? AF_INET6 : AF_INET;
}

using Setter = std::function<std::string(RunConfig&, const std::string&)>;

Setter IntegerSetter(int64_t min, int64_t max,
                     std::function<void(RunConfig&, int64_t)> set) {
  return [=](RunConfig& config, const std::string& value) -> std::string {
    std::optional<int64_t> number = ParseInteger(value);
    if (!number) return "needs an integer, found '" + value + "'";
    if (*number < min || *number > max) {
      return "must be between " + std::to_string(min) + " and " +
             std::to_string(max) + ", found '" + value + "'";
    }
    set(config, *number);
    return "";
  };
}

Setter FlagSetter(std::function<void(RunConfig&)> set) {
  return [=](RunConfig& config, const std::string& value) -> std::string {
    if (!value.empty()) return "takes no value, found '" + value + "'";
    set(config);
    return "";
  };
}

Setter AddressSetter(bool allow_prefix,
                     std::function<void(RunConfig&, const wire::IpAddress&)>
                         set) {
  return [=](RunConfig& config, const std::string& value) -> std::string {
    std::string text = value;
    size_t slash = text.find('/');
    if (allow_prefix && slash != std::string::npos) text.resize(slash);
    std::optional<wire::IpAddress> address = wire::IpAddress::Parse(text);
    if (!address) return "needs an IPv4 or IPv6 address, found '" + value + "'";
    const int family = AddressFamilyFor(config.net.ip_version);
    if (address->family != family) {
      return std::string("needs an ") +
             (family == AF_INET ? "IPv4" : "IPv6") +
             " address for this ip_version, found '" + value + "'";
    }
    set(config, *address);
    return "";
  };
}

// A flag packetdrill has but synack does not implement: an error, so a run
// never silently means something else than the user asked for.
Setter Unsupported() {
  return [](RunConfig&, const std::string&) -> std::string {
    return "not supported by synack";
  };
}

struct OptionEntry {
  const char* name;
  Setter set;
};

const std::vector<OptionEntry>& Options() {
  static const std::vector<OptionEntry> options = {
      {"ip_version",
       [](RunConfig& config, const std::string& value) -> std::string {
         std::optional<IpVersion> version = ParseIpVersion(value);
         if (!version) {
           return "must be ipv4, ipv6 or ipv4-mapped-ipv6, found '" + value +
                  "'";
         }
         // A new IP version brings its own addresses and mtu; ports stay.
         NetConfig old = config.net;
         config.net = DefaultConfig(*version).net;
         config.net.bind_port = old.bind_port;
         config.net.connect_port = old.connect_port;
         return "";
       }},
      {"local_ip", AddressSetter(false, [](RunConfig& c, const auto& a) {
         c.net.local_ip = a;
       })},
      {"remote_ip", AddressSetter(true, [](RunConfig& c, const auto& a) {
         c.net.remote_ip = a;
       })},
      {"gateway_ip", AddressSetter(false, [](RunConfig& c, const auto& a) {
         c.net.gateway_ip = a;
       })},
      {"netmask_ip",
       [](RunConfig& config, const std::string& value) -> std::string {
         std::optional<wire::IpAddress> mask = wire::IpAddress::Parse(value);
         if (!mask || mask->family != AF_INET) {
           return "needs an IPv4 netmask, found '" + value + "'";
         }
         config.net.netmask_ip = *mask;
         config.net.prefix_len = PrefixLength(*mask);
         return "";
       }},
      {"mtu", IntegerSetter(68, 65535, [](RunConfig& c, int64_t v) {
         c.net.mtu = static_cast<int>(v);
       })},
      {"mss", IntegerSetter(1, 65535, [](RunConfig& c, int64_t v) {
         c.net.mss = static_cast<int>(v);
       })},
      {"bind_port", IntegerSetter(1, 65535, [](RunConfig& c, int64_t v) {
         c.net.bind_port = static_cast<uint16_t>(v);
       })},
      {"connect_port", IntegerSetter(1, 65535, [](RunConfig& c, int64_t v) {
         c.net.connect_port = static_cast<uint16_t>(v);
       })},
      {"tolerance_usecs",
       IntegerSetter(0, 2147483647, [](RunConfig& c, int64_t v) {
         c.tolerance_usecs = v;
       })},
      {"tolerance_percent",
       [](RunConfig& config, const std::string& value) -> std::string {
         std::optional<double> number = ParseNumber(value);
         if (!number || *number < 0 || *number > 100) {
           return "needs a number between 0 and 100, found '" + value + "'";
         }
         config.tolerance_percent = *number;
         return "";
       }},
      {"tcp_ts_tick_usecs",
       IntegerSetter(0, 2147483647, [](RunConfig& c, int64_t v) {
         c.tcp_ts_tick_usecs = v;
       })},
      {"tcp_ts_ecr_scaled",
       FlagSetter([](RunConfig& c) { c.tcp_ts_ecr_scaled = true; })},
      {"strict_segments",
       FlagSetter([](RunConfig& c) { c.strict_segments = true; })},
      {"verbose", FlagSetter([](RunConfig& c) { c.verbose = true; })},
      // synack's own: flows whose packets need no line (see
      // Runner::CheckUnmatched); repeated, the lists add up.
      {"ignore_flows",
       [](RunConfig& config, const std::string& value) -> std::string {
         std::string error;
         auto patterns = grammar::ParseFlowPatterns(value, &error);
         if (!patterns) return error;
         config.ignore_flows.insert(config.ignore_flows.end(),
                                    patterns->begin(), patterns->end());
         return "";
       }},
      {"non_fatal",
       [](RunConfig& config, const std::string& value) -> std::string {
         size_t start = 0;
         while (start <= value.size()) {
           size_t comma = value.find(',', start);
           if (comma == std::string::npos) comma = value.size();
           std::string item = value.substr(start, comma - start);
           if (item == "packet") {
             config.non_fatal_packet = true;
           } else if (item == "syscall") {
             config.non_fatal_syscall = true;
           } else {
             return "takes a comma-separated list of 'packet' and "
                    "'syscall', found '" + value + "'";
           }
           start = comma + 1;
         }
         return "";
       }},
      {"define",
       [](RunConfig& config, const std::string& value) -> std::string {
         size_t equals = value.find('=');
         std::string name = value.substr(0, equals);
         if (name.empty()) return "needs NAME=value, found '" + value + "'";
         config.defines[name] =
             equals == std::string::npos ? "" : value.substr(equals + 1);
         return "";
       }},
      {"pcap",
       [](RunConfig& config, const std::string& value) -> std::string {
         if (value.empty()) return "needs a file name";
         config.pcap_path = value;
         return "";
       }},
      {"send_omit_free",
       FlagSetter([](RunConfig& c) { c.send_omit_free = true; })},
      // packetdrill's netdev.c runs `ethtool -s DEV speed N autoneg off`
      // on its TUN device; synack's devices keep their speed, so a run
      // that asks for another one is refused rather than run as if.
      {"speed",
       [](RunConfig&, const std::string&) -> std::string {
         return "not supported by synack: it does not set the TUN device's "
                "link speed";
       }},
      // packetdrill's debug tracing (a DEBUG build's DEBUGP lines): synack's
      // nearest is -v, which synack packetdrill maps it to as well.
      {"debug", FlagSetter([](RunConfig& c) { c.verbose = true; })},
      {"dry_run", Unsupported()},
      {"is_anyip", Unsupported()},
      {"init_scripts", Unsupported()},
      {"code_command", Unsupported()},
      {"code_format", Unsupported()},
      {"code_sockopt", Unsupported()},
      {"wire_client", Unsupported()},
      {"wire_server", Unsupported()},
      {"wire_server_ip", Unsupported()},
      {"wire_server_at", Unsupported()},
      {"wire_server_port", Unsupported()},
      {"wire_client_dev", Unsupported()},
      {"wire_server_dev", Unsupported()},
      {"so_filename", Unsupported()},
      {"so_flags", Unsupported()},
  };
  return options;
}

bool OnCommandLine(const std::vector<Flag>& command_line,
                   const std::string& name) {
  for (const Flag& flag : command_line) {
    if (flag.name == name) return true;
  }
  return false;
}

}  // namespace

int NetConfig::socket_family() const {
  return ip_version == IpVersion::kIpv4 ? AF_INET : AF_INET6;
}

int NetConfig::wire_family() const { return AddressFamilyFor(ip_version); }

RunConfig DefaultConfig(IpVersion version) {
  RunConfig config;
  NetConfig& net = config.net;
  net.ip_version = version;
  if (version == IpVersion::kIpv6) {
    net.local_ip = Address("fd3d:0a0b:17d6::1");
    net.remote_ip = Address("fd3d:fa7b:d17d::1");
    net.gateway_ip = Address("fd3d:0a0b:17d6:8888::1");
    net.prefix_len = 16;
    net.mtu = 1520;
  } else {
    net.local_ip = Address("192.168.0.1");
    net.remote_ip = Address("192.0.2.1");
    net.gateway_ip = Address("192.168.0.1");
    net.netmask_ip = Address("255.255.0.0");
    net.prefix_len = 16;
    net.mtu = 1500;
  }
  return config;
}

std::string ApplyOption(RunConfig& config, const std::string& name,
                        const std::string& value) {
  for (const OptionEntry& entry : Options()) {
    if (name == entry.name) {
      return entry.set(config, Unquote(value));
    }
  }
  return "unknown option";
}

std::string ResolveConfig(const std::vector<Flag>& command_line,
                          const std::vector<grammar::OptionLine>& script_options,
                          RunConfig* config) {
  // The IP version decides the defaults every other flag starts from, so it
  // is found first.
  std::string version_text = "ipv4";
  for (const grammar::OptionLine& option : script_options) {
    if (option.name == "ip_version" && option.value) {
      version_text = Unquote(*option.value);
    }
  }
  for (const Flag& flag : command_line) {
    if (flag.name == "ip_version") version_text = flag.value;
  }
  std::optional<IpVersion> version = ParseIpVersion(version_text);
  if (!version) {
    return "--ip_version must be ipv4, ipv6 or ipv4-mapped-ipv6, found '" +
           version_text + "'";
  }
  *config = DefaultConfig(*version);
  for (const grammar::OptionLine& option : script_options) {
    if (option.name == "ip_version") continue;
    // A line the command line overrides is not even checked: packetdrill
    // keeps addresses as text until both are read, so
    // tcp/fastopen/server/opt34/pure-syn-data.pkt's `--remote_ip=192.0.2.1`
    // runs under its IPv6 runner, whose own --remote_ip replaces it.
    if (OnCommandLine(command_line, option.name)) continue;
    std::string error =
        ApplyOption(*config, option.name, option.value.value_or(""));
    if (!error.empty()) {
      return "line " + std::to_string(option.loc.line) + ": --" +
             option.name + ": " + error;
    }
  }
  for (const Flag& flag : command_line) {
    if (flag.name == "ip_version") continue;
    std::string error = ApplyOption(*config, flag.name, flag.value);
    if (!error.empty()) return "--" + flag.name + ": " + error;
  }
  return "";
}

}  // namespace synack::interpreter
