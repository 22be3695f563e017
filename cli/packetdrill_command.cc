// packetdrill's command line mapped onto `synack run`: its flags become
// synack's, the ones synack cannot honour are refused by name, and each
// script runs alone, in order, until one fails, as packetdrill.c's main()
// runs them.
#include "cli/packetdrill_command.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ostream>
#include <string_view>

#include "cli/commands.h"
#include "cli/script_file.h"
#include "cli/variants.h"

namespace synack::cli {

namespace {

using interpreter::IpVersion;

// How synack takes each of packetdrill's options (config.c's options[]).
enum class Take {
  kFlag,     // the same flag of `synack run` (interpreter/config.cc)
  kDefine,   // -D NAME=value
  kVerbose,  // -v; --debug too: packetdrill's tracing, synack's is -v's
  kDryRun,
  kRefuse,   // one line saying why, exit status 1
};

struct OptionMapping {
  std::string_view name;
  Take take;
  const char* why = "";  // kRefuse: what the option would need
};

constexpr OptionMapping kMappings[] = {
    {"ip_version", Take::kFlag},
    {"bind_port", Take::kFlag},
    {"connect_port", Take::kFlag},
    {"remote_ip", Take::kFlag},
    {"local_ip", Take::kFlag},
    {"gateway_ip", Take::kFlag},
    {"netmask_ip", Take::kFlag},
    {"mtu", Take::kFlag},
    {"mss", Take::kFlag},
    {"tolerance_usecs", Take::kFlag},
    {"tolerance_percent", Take::kFlag},
    {"tcp_ts_ecr_scaled", Take::kFlag},
    {"tcp_ts_tick_usecs", Take::kFlag},
    {"strict_segments", Take::kFlag},
    {"non_fatal", Take::kFlag},
    // Send buffers kept until the run ends (RunConfig::send_omit_free).
    {"send_omit_free", Take::kFlag},
    {"define", Take::kDefine},
    {"verbose", Take::kVerbose},
    {"debug", Take::kVerbose},
    {"dry_run", Take::kDryRun},
    {"speed", Take::kRefuse,
     "synack does not set the TUN device's link speed"},
    {"init_scripts", Take::kRefuse,
     "synack does not run init scripts; put them in the script's first "
     "backtick command"},
    {"is_anyip", Take::kRefuse,
     "synack does not route a remote address range to the TUN device"},
    {"code_command", Take::kRefuse,
     "synack runs %{ }% blocks with python3 only"},
    {"code_format", Take::kRefuse,
     "synack runs %{ }% blocks as python only"},
    {"code_sockopt", Take::kRefuse,
     "synack reads TCP_INFO for %{ }% blocks only"},
    {"wire_client", Take::kRefuse, "synack has no wire client mode"},
    {"wire_server", Take::kRefuse, "synack has no wire server mode"},
    {"wire_server_ip", Take::kRefuse, "synack has no wire client mode"},
    {"wire_server_at", Take::kRefuse, "synack has no wire client mode"},
    {"wire_server_port", Take::kRefuse, "synack has no wire client mode"},
    {"wire_client_dev", Take::kRefuse, "synack has no wire client mode"},
    {"wire_server_dev", Take::kRefuse, "synack has no wire server mode"},
    {"so_filename", Take::kRefuse,
     "synack runs the kernel or its own stack, not a shared-object stack"},
    {"so_flags", Take::kRefuse,
     "synack runs the kernel or its own stack, not a shared-object stack"},
    {"psp_udp_port", Take::kRefuse, "synack does not model PSP"},
};

// Values packetdrill takes by default that synack's %{ }% blocks use
// anyway: naming them changes nothing, so they are accepted.
bool IsDefaultCodeValue(const std::string& name, const std::string& value) {
  return (name == "code_command" && value == "python3") ||
         (name == "code_format" && value == "python");
}

std::optional<IpVersion> ParseVersion(const std::string& text) {
  if (text == "ipv4") return IpVersion::kIpv4;
  if (text == "ipv6") return IpVersion::kIpv6;
  if (text == "ipv4-mapped-ipv6") return IpVersion::kIpv4MappedIpv6;
  return std::nullopt;
}

bool Names(const std::vector<std::pair<std::string, std::string>>& flags,
           const std::string& name) {
  return std::any_of(flags.begin(), flags.end(),
                     [&name](const auto& flag) { return flag.first == name; });
}

bool Names(const std::vector<grammar::OptionLine>& options,
           const std::string& name) {
  return std::any_of(
      options.begin(), options.end(),
      [&name](const grammar::OptionLine& option) { return option.name == name; });
}

}  // namespace

MappedPacketdrillArgs MapPacketdrillArgs(const PacketdrillArgs& args) {
  PacketdrillInvocation invocation;
  CommandLine& cl = invocation.command_line;
  cl.command = "run";
  // packetdrill defines no symbols and picks its own addresses: not the
  // runner's that `synack run` gives each variant.
  cl.runner_defaults = false;
  auto fail = [](std::string message) {
    return MappedPacketdrillArgs{std::nullopt, std::move(message)};
  };
  for (const auto& [name, value] : args.options) {
    const OptionMapping* mapping = nullptr;
    for (const OptionMapping& m : kMappings) {
      if (m.name == name) mapping = &m;
    }
    if (!mapping) return fail("--" + name + " is not one of packetdrill's options");
    switch (mapping->take) {
      case Take::kFlag:
        cl.flags.emplace_back(name, value);
        break;
      case Take::kDefine: {
        // config.c: a definition needs a name before its '='.
        const size_t eq = value.find('=');
        if (eq == std::string::npos || eq == 0) {
          return fail("bad definition: " + value + " (-D needs NAME=value)");
        }
        cl.defines[value.substr(0, eq)] = value.substr(eq + 1);
        break;
      }
      case Take::kVerbose:
        cl.verbose = true;
        break;
      case Take::kDryRun:
        invocation.dry_run = true;
        break;
      case Take::kRefuse:
        if (IsDefaultCodeValue(name, value)) break;
        return fail("--" + name + " is not supported: " + mapping->why);
    }
  }
  return {invocation, ""};
}

std::vector<std::pair<std::string, std::string>> PacketdrillDefaults(
    IpVersion version) {
  // config.c: packetdrill draws the local address at random from the
  // local prefix (ip_address.c's generate_random_ipv4_addr and _ipv6_addr);
  // synack takes the lowest address that draw can give, so that runs
  // repeat. Its MTU is the TUN driver's default, 1500, in every version.
  if (version == IpVersion::kIpv6) {
    return {{"local_ip", "fd3d:fa7b:d17d::1"},
            {"remote_ip", "2001:db8::1"},
            {"gateway_ip", "fd3d:fa7b:d17d:8888::"},
            {"mtu", "1500"}};
  }
  return {{"local_ip", "192.168.0.2"},
          {"remote_ip", "192.0.2.1"},
          {"gateway_ip", "192.168.0.1"},
          {"netmask_ip", "255.255.0.0"},
          {"mtu", "1500"}};
}

CommandLine ScriptCommandLine(const CommandLine& base, const std::string& path,
                              const std::vector<grammar::OptionLine>& options) {
  CommandLine cl = base;
  cl.files = {path};
  IpVersion version = IpVersion::kIpv4;
  for (const grammar::OptionLine& option : options) {
    if (option.name != "ip_version" || !option.value) continue;
    std::string text = *option.value;
    if (text.size() >= 2 && text.front() == '"') text = text.substr(1, text.size() - 2);
    if (auto parsed = ParseVersion(text)) version = *parsed;
  }
  for (const auto& [name, value] : base.flags) {
    if (name != "ip_version") continue;
    if (auto parsed = ParseVersion(value)) version = *parsed;
  }
  if (!Names(base.flags, "ip_version")) {
    cl.flags.emplace_back("ip_version", VariantName(version));
  }
  // Before the command line's flags: those win anyway, and the defaults
  // are only for what the script's option lines do not set.
  std::vector<std::pair<std::string, std::string>> defaults;
  for (auto& [name, value] : PacketdrillDefaults(version)) {
    if (!Names(base.flags, name) && !Names(options, name)) {
      defaults.emplace_back(name, value);
    }
  }
  cl.flags.insert(cl.flags.begin(), defaults.begin(), defaults.end());
  return cl;
}

int PacketdrillCommand(const std::vector<std::string>& args, std::ostream& err) {
  const ParsedPacketdrillArgs parsed = ParsePacketdrillArgs(args);
  if (!parsed.args) {
    err << "packetdrill (synack): " << parsed.error << "\n";
    return EXIT_FAILURE;
  }
  const MappedPacketdrillArgs mapped = MapPacketdrillArgs(*parsed.args);
  if (!mapped.invocation) {
    err << "packetdrill (synack): " << mapped.error << "\n";
    return EXIT_FAILURE;
  }
  if (parsed.args->scripts.empty()) {
    err << "packetdrill (synack): error: missing script path\n";
    return EXIT_FAILURE;
  }
  // packetdrill.c's set_pid_env: an id for the run that the script's
  // commands may use.
  setenv("PACKETDRILL_PID", std::to_string(getpid()).c_str(), 1);
  const CommandLine& base = mapped.invocation->command_line;
  for (const std::string& path : parsed.args->scripts) {
    const LoadedScript loaded = ParseScriptFile(path);
    const CommandLine cl = ScriptCommandLine(base, path, loaded.script.options);
    if (mapped.invocation->dry_run) {
      // packetdrill's --dry_run parses the script and sets up its
      // configuration, and runs nothing.
      const LoadedScript checked = LoadScript(path, cl.defines);
      if (!checked.ok()) {
        err << checked.RenderProblems();
        return EXIT_FAILURE;
      }
      std::vector<interpreter::Flag> flags;
      for (const auto& [name, value] : cl.flags) flags.push_back({name, value});
      interpreter::RunConfig config;
      const std::string error =
          interpreter::ResolveConfig(flags, checked.script.options, &config);
      if (!error.empty()) {
        err << "packetdrill (synack): " << path << ": " << error << "\n";
        return EXIT_FAILURE;
      }
      continue;
    }
    const int status = RunCommand(cl, err, err);
    if (status == 130) return status;
    if (status != 0) return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}

}  // namespace synack::cli
