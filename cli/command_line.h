// The synack command line: subcommand, files and flags, parsed without
// side effects so it can be tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/suite_flags.h"
#include "grammar/checker.h"
#include "interpreter/config.h"

namespace synack::cli {

struct CommandLine {
  std::string command;  // "check", "fmt", "run", "list", "import", "help",
                        // "version"
  std::string help_topic;  // for "help COMMAND"
  std::vector<std::string> files;

  // packetdrill's flags (`--name=value`), in order, applied after the
  // variant's defaults and the script's own option lines.
  std::vector<std::pair<std::string, std::string>> flags;
  grammar::Defines defines;  // -D NAME=value, --define NAME=value

  // -4, -6, --ipv4-mapped; empty: chosen from each script's name.
  std::vector<interpreter::IpVersion> variants;
  bool verbose = false;
  std::string pcap_path;     // run: --pcap=FILE
  double timeout_seconds = 300;  // run: per script and variant
  // run: --backend=kernel|stack|both, the stack(s) the scripts run on.
  std::string backend = "kernel";
  uint64_t seed = 1;  // run: --seed=N, the own stack's ISN and timestamp key
  // run: --tick-phase=F|off (RunConfig::tick_phase); unset: its default.
  std::optional<double> tick_phase;
  // run: the addresses and -D symbols packetdrill's runner gives each
  // variant (RunnerDefaults); off for `synack packetdrill`, which starts
  // from packetdrill's own defaults as packetdrill does.
  bool runner_defaults = true;
  bool fmt_in_place = false;     // fmt: -w
  std::string import_flow;    // import: --flow ADDR:PORT
  std::string import_local;   // import: --local ADDR
  std::string import_output;  // import: -o FILE; empty: standard output
  // run: --update ("write") or --update=dry ("dry"); empty: a plain run.
  std::string update;
  // run: --kernel=IMAGE, each a kernel to run the scripts on ("host", a
  // vmlinuz or a linux-image-*.deb), in a VM but for the host; empty: the
  // host's kernel, no VM. --vm-accel=auto|kvm|tcg: how guests run.
  std::vector<std::string> kernels;
  std::string vm_accel = "auto";
  // The arguments after the command, as given: a guest plans its runs
  // from them (cli/vm_machines.cc).
  std::vector<std::string> args;
  SuiteFlags suite;  // run: -j, --filter, --repeat, reports, shards
};

struct ParsedCommandLine {
  std::optional<CommandLine> command_line;
  std::string error;  // usage error, for exit status 2
};

ParsedCommandLine ParseCommandLine(const std::vector<std::string>& args);

}  // namespace synack::cli
