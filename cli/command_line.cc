// Parsing of synack's command line: `synack COMMAND [OPTIONS] FILE...`.
#include "cli/command_line.h"

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <set>

namespace synack::cli {

namespace {

using interpreter::IpVersion;

const std::set<std::string>& Commands() {
  static const std::set<std::string> kCommands = {
      "check", "fmt", "run", "list", "import", "help", "version"};
  return kCommands;
}

// Splits `NAME=value` of a -D; false when there is no name.
bool AddDefine(const std::string& text, grammar::Defines& defines) {
  const size_t eq = text.find('=');
  const std::string name = text.substr(0, eq);
  if (name.empty()) return false;
  defines[name] = eq == std::string::npos ? "" : text.substr(eq + 1);
  return true;
}

bool ParseSeconds(const std::string& text, double* seconds) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(value > 0)) return false;
  *seconds = value;
  return true;
}

bool ParseSeed(const std::string& text, uint64_t* seed) {
  if (text.empty() || text[0] == '-') return false;
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(text.c_str(), &end, 0);
  if (*end != '\0' || errno == ERANGE) return false;
  *seed = value;
  return true;
}

}  // namespace

ParsedCommandLine ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine cl;
  size_t i = 0;
  auto usage = [](std::string message) {
    return ParsedCommandLine{std::nullopt, std::move(message)};
  };

  if (args.empty()) return usage("no command given (try 'synack --help')");
  if (args[0] == "--help" || args[0] == "-h") {
    cl.command = "help";
    return {cl, ""};
  }
  if (args[0] == "--version") {
    cl.command = "version";
    return {cl, ""};
  }
  if (!Commands().count(args[0])) {
    return usage("unknown command '" + args[0] +
                 "' (commands: check, fmt, run, list, import, help)");
  }
  cl.command = args[i++];
  cl.args.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());

  if (cl.command == "help") {
    if (i < args.size()) cl.help_topic = args[i++];
    if (i < args.size()) return usage("help takes at most one command name");
    if (!cl.help_topic.empty() && !Commands().count(cl.help_topic)) {
      return usage("no help for unknown command '" + cl.help_topic + "'");
    }
    return {cl, ""};
  }

  bool only_files = false;
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto next_value = [&](std::string* value) {
      if (i + 1 >= args.size()) return false;
      *value = args[++i];
      return true;
    };
    if (only_files || arg.empty() || arg[0] != '-' || arg == "-") {
      cl.files.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_files = true;
    } else if (arg == "-h" || arg == "--help") {
      cl.help_topic = cl.command;
      cl.command = "help";
      return {cl, ""};
    } else if (arg == "-v" || arg == "--verbose") {
      cl.verbose = true;
    } else if (arg == "-D" || arg == "--define") {
      std::string value;
      if (!next_value(&value) || !AddDefine(value, cl.defines)) {
        return usage(arg + " needs NAME=value");
      }
    } else if (arg.rfind("-D", 0) == 0 && arg.size() > 2 && arg[1] == 'D') {
      if (!AddDefine(arg.substr(2), cl.defines)) {
        return usage("-D needs NAME=value");
      }
    } else if (arg.rfind("--define=", 0) == 0) {
      if (!AddDefine(arg.substr(9), cl.defines)) {
        return usage("--define needs NAME=value");
      }
    } else if (cl.command == "fmt" && arg == "-w") {
      cl.fmt_in_place = true;
    } else if (cl.command == "import") {
      // --NAME VALUE or --NAME=VALUE, as people type either.
      auto value_of = [&](const std::string& name, std::string* value) {
        if (arg == name) return next_value(value) && !value->empty();
        if (arg.rfind(name + "=", 0) != 0) return false;
        *value = arg.substr(name.size() + 1);
        return !value->empty();
      };
      if (arg == "--flow" || arg.rfind("--flow=", 0) == 0) {
        if (!value_of("--flow", &cl.import_flow)) {
          return usage("--flow needs ADDR:PORT");
        }
      } else if (arg == "--local" || arg.rfind("--local=", 0) == 0) {
        if (!value_of("--local", &cl.import_local)) {
          return usage("--local needs ADDR");
        }
      } else if (arg == "-o" || arg.rfind("--output=", 0) == 0) {
        if (!(arg == "-o" ? next_value(&cl.import_output)
                          : value_of("--output", &cl.import_output)) ||
            cl.import_output.empty()) {
          return usage(arg + " needs a file name");
        }
      } else {
        return usage("unknown option '" + arg + "' for 'import' (see "
                     "'synack help import')");
      }
    } else if ((cl.command == "run" || cl.command == "list") &&
               (arg == "-4" || arg == "-6" || arg == "--ipv4-mapped")) {
      cl.variants.push_back(arg == "-4"   ? IpVersion::kIpv4
                            : arg == "-6" ? IpVersion::kIpv6
                                          : IpVersion::kIpv4MappedIpv6);
    } else if (cl.command != "run") {
      return usage("unknown option '" + arg + "' for '" + cl.command +
                   "' (see 'synack help " + cl.command + "')");
    } else if (std::string error; ParseSuiteFlag(args, &i, &cl.suite,
                                                 &error) != FlagMatch::kNotMine) {
      if (!error.empty()) return usage(error);  // kBad
    } else if (arg.rfind("--pcap=", 0) == 0) {
      cl.pcap_path = arg.substr(7);
      if (cl.pcap_path.empty()) return usage("--pcap needs a file name");
    } else if (arg.rfind("--timeout=", 0) == 0) {
      if (!ParseSeconds(arg.substr(10), &cl.timeout_seconds)) {
        return usage("--timeout needs a positive number of seconds, found '" +
                     arg.substr(10) + "'");
      }
    } else if (arg == "--update" || arg == "--update=dry") {
      cl.update = arg == "--update" ? "write" : "dry";
    } else if (arg.rfind("--kernel=", 0) == 0) {
      if (arg.size() == 9) return usage("--kernel needs host, a vmlinuz or a .deb");
      cl.kernels.push_back(arg.substr(9));
    } else if (arg.rfind("--vm-accel=", 0) == 0) {
      cl.vm_accel = arg.substr(11);
      if (cl.vm_accel != "auto" && cl.vm_accel != "kvm" &&
          cl.vm_accel != "tcg") {
        return usage("--vm-accel needs auto, kvm or tcg, found '" +
                     cl.vm_accel + "'");
      }
    } else if (arg.rfind("--backend=", 0) == 0) {
      cl.backend = arg.substr(10);
      if (cl.backend != "kernel" && cl.backend != "stack" &&
          cl.backend != "both") {
        return usage("--backend needs kernel, stack or both, found '" +
                     cl.backend + "'");
      }
    } else if (arg.rfind("--tick-phase=", 0) == 0) {
      const std::string value = arg.substr(13);
      double phase = -1;
      char* end = nullptr;
      if (value != "off") {
        phase = std::strtod(value.c_str(), &end);
        if (value.empty() || *end != '\0' || !(phase >= 0 && phase < 1)) {
          return usage("--tick-phase needs a fraction from 0 to below 1, or "
                       "off, found '" + value + "'");
        }
      }
      cl.tick_phase = phase;
    } else if (arg.rfind("--seed=", 0) == 0) {
      if (!ParseSeed(arg.substr(7), &cl.seed)) {
        return usage("--seed needs a non-negative integer, found '" +
                     arg.substr(7) + "'");
      }
    } else if (arg.rfind("--", 0) == 0) {
      // One of packetdrill's flags; its value is checked when applied.
      const size_t eq = arg.find('=');
      const std::string name = arg.substr(2, eq - 2);
      if (!grammar::IsKnownOption(name)) {
        return usage("unknown option '--" + name +
                     "' (see 'synack help run')");
      }
      cl.flags.emplace_back(name,
                            eq == std::string::npos ? "" : arg.substr(eq + 1));
    } else {
      return usage("unknown option '" + arg + "' (see 'synack help " +
                   cl.command + "')");
    }
  }
  if (cl.files.empty()) {
    return usage("'" + cl.command + "' needs at least one file");
  }
  if (!cl.kernels.empty() && (cl.backend != "kernel" || !cl.update.empty())) {
    return usage("--kernel runs scripts on kernels: not with --backend=" +
                 cl.backend + (cl.update.empty() ? "" : " or --update"));
  }
  if (cl.command == "import" && cl.files.size() != 1) {
    return usage("'import' reads one capture, found " +
                 std::to_string(cl.files.size()) + " files");
  }
  return {cl, ""};
}

}  // namespace synack::cli
