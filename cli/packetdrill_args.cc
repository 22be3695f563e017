// packetdrill's command line, read by glibc getopt_long's rules over
// packetdrill's option table (config.c, options[]).
#include "cli/packetdrill_args.h"

#include <string_view>

namespace synack::cli {

namespace {

struct LongOption {
  std::string_view name;
  bool has_arg;
};

// config.c's options[], in its order: a name abbreviated to a prefix of
// several of these is ambiguous, as getopt_long finds it.
constexpr LongOption kLongOptions[] = {
    {"ip_version", true},        {"bind_port", true},
    {"code_command", true},      {"code_format", true},
    {"code_sockopt", true},      {"connect_port", true},
    {"remote_ip", true},         {"local_ip", true},
    {"gateway_ip", true},        {"netmask_ip", true},
    {"speed", true},             {"mss", true},
    {"mtu", true},               {"init_scripts", true},
    {"tolerance_usecs", true},   {"tolerance_percent", true},
    {"wire_client", false},      {"wire_server", false},
    {"wire_server_ip", true},    {"wire_server_at", true},
    {"wire_server_port", true},  {"wire_client_dev", true},
    {"wire_server_dev", true},   {"so_filename", true},
    {"so_flags", true},          {"tcp_ts_ecr_scaled", false},
    {"tcp_ts_tick_usecs", true}, {"strict_segments", false},
    {"non_fatal", true},         {"dry_run", false},
    {"is_anyip", false},         {"send_omit_free", false},
    {"psp_udp_port", true},      {"debug", false},
    {"define", true},            {"verbose", false},
};

// The option `name` stands for: an exact name, else the one name it is a
// prefix of. Null with `error` set when there is none or several.
const LongOption* FindLongOption(std::string_view name, std::string* error) {
  const LongOption* found = nullptr;
  std::string candidates;
  int matches = 0;
  for (const LongOption& option : kLongOptions) {
    if (option.name == name) return &option;
    if (option.name.substr(0, name.size()) == name) {
      found = &option;
      ++matches;
      candidates += " '--" + std::string(option.name) + "'";
    }
  }
  if (matches == 1) return found;
  if (matches == 0) {
    *error = "unrecognized option '--" + std::string(name) + "'";
  } else {
    *error = "option '--" + std::string(name) +
             "' is ambiguous; possibilities:" + candidates;
  }
  return nullptr;
}

}  // namespace

ParsedPacketdrillArgs ParsePacketdrillArgs(
    const std::vector<std::string>& args) {
  PacketdrillArgs result;
  auto fail = [](std::string message) {
    return ParsedPacketdrillArgs{std::nullopt, std::move(message)};
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      result.scripts.insert(result.scripts.end(), args.begin() + i + 1,
                            args.end());
      break;
    }
    // getopt permutes: anything not an option is a script, wherever it is.
    if (arg.size() < 2 || arg[0] != '-') {
      result.scripts.push_back(arg);
      continue;
    }
    if (arg[1] == '-') {
      const size_t eq = arg.find('=');
      const std::string name = arg.substr(2, eq == std::string::npos
                                                 ? std::string::npos
                                                 : eq - 2);
      std::string error;
      const LongOption* option = FindLongOption(name, &error);
      if (!option) return fail(error);
      const std::string full(option->name);
      std::string value;
      if (eq != std::string::npos) {
        if (!option->has_arg) {
          return fail("option '--" + full + "' doesn't allow an argument");
        }
        value = arg.substr(eq + 1);
      } else if (option->has_arg) {
        // The next argument is the value, even one that starts with '-'.
        if (i + 1 >= args.size()) {
          return fail("option '--" + full + "' requires an argument");
        }
        value = args[++i];
      }
      result.options.emplace_back(full, value);
      continue;
    }
    // A cluster of short options: "vD:".
    for (size_t j = 1; j < arg.size(); ++j) {
      if (arg[j] == 'v') {
        result.options.emplace_back("verbose", "");
      } else if (arg[j] == 'D') {
        std::string value = arg.substr(j + 1);
        if (value.empty()) {
          if (i + 1 >= args.size()) {
            return fail("option requires an argument -- 'D'");
          }
          value = args[++i];
        }
        result.options.emplace_back("define", value);
        break;
      } else {
        return fail(std::string("invalid option -- '") + arg[j] + "'");
      }
    }
  }
  return {result, ""};
}

}  // namespace synack::cli
