// Planning `synack run`'s suite: the runs, their scripts and
// configurations, their names and their scheduling.
#include "cli/run_plan.h"

#include <filesystem>
#include <ostream>
#include <system_error>

#include "cli/report_entry.h"
#include "cli/script_duration.h"
#include "cli/sharding.h"
#include "cli/suite_flags.h"
#include "cli/suite_plan.h"
#include "cli/variants.h"

namespace synack::cli {

namespace {

using interpreter::IpVersion;
using interpreter::RunConfig;

// The variants to run `path` in: an explicit --ip_version wins, then -4/-6/
// --ipv4-mapped (of the script's: VariantsForScript), then the script's.
std::vector<IpVersion> RunVariants(const CommandLine& cl,
                                   const std::string& path) {
  for (const auto& [name, value] : cl.flags) {
    if (name == "ip_version") {
      if (auto version = ParseIpVersion(value)) return {*version};
    }
  }
  return SelectVariants(path, cl.variants);
}

// The run's configuration. The variant's flags are what packetdrill's
// runner puts on its command line, and packetdrill's command line overrides
// a script's option lines (which is why the corpus's
// fastopen/server/simple*.pkt, written for other remote addresses, fail
// under its runner); synack's own command line comes last.
//
// One exception, as packetdrill's verdicts show it: a script's own
// --local_ip stands against the runner's. The corpus's
// fastopen/server/opt34 scripts name local 192.168.0.1 and expect the TFO
// cookie the kernel computes for that address, and packetdrill passes them
// in ipv4 and ipv4-mapped-ipv6 (and fails them in ipv6, where that address
// cannot be local); their remote_ip, by contrast, gives way
// (opt34/pure-syn-data.pkt passes in ipv6 too).
std::string BuildConfig(const CommandLine& cl, const LoadedScript& loaded,
                        IpVersion version, const VariantDefaults& variant,
                        RunConfig* config) {
  bool script_names_local_ip = false;
  for (const grammar::OptionLine& option : loaded.script.options) {
    if (option.name == "local_ip") script_names_local_ip = true;
  }
  std::vector<interpreter::Flag> command_line;
  for (const auto& [name, value] : variant.flags) {
    if (name == "local_ip" && script_names_local_ip) continue;
    command_line.push_back({name, value});
  }
  for (const auto& [name, value] : cl.flags) {
    if (name != "ip_version") command_line.push_back({name, value});
  }
  command_line.push_back({"ip_version", VariantName(version)});
  std::string error = interpreter::ResolveConfig(
      command_line, loaded.script.options, config);
  if (!error.empty()) return loaded.path + ": " + error;
  config->defines = variant.defines;
  for (const auto& [name, value] : cl.defines) config->defines[name] = value;
  config->verbose = cl.verbose;
  if (cl.tick_phase) config->tick_phase = *cl.tick_phase;
  return "";
}

// The names of one run in the result lines and the reports.
ReportedRun NameRun(const ScriptFile& file, const RunName& name) {
  ReportedRun run;
  const std::string suffix = RunSuffix(name);
  run.label = file.path + suffix;
  run.entry.file = file.path;
  run.entry.class_name = ClassNameFor(file.name);
  run.entry.name = std::filesystem::path(file.name).filename().string() + suffix;
  run.entry.label = file.name + suffix;
  run.entry.group = file.name + RunSuffix({name.variant, name.backend, 0});
  run.variant = name.variant;
  return run;
}

}  // namespace

const char* BackendName(BackendKind kind) {
  return kind == BackendKind::kStack ? "stack" : "kernel";
}

std::optional<SuitePlan> PlanSuite(const CommandLine& cl, std::ostream& err) {
  // Which runs: the scripts, their variants, --filter, the shard, --repeat;
  // each on each backend asked for.
  bool paths_ok = true;
  const std::vector<ScriptFile> files = ExpandScripts(cl.files, err, &paths_ok);
  if (!paths_ok) return std::nullopt;
  std::string shard_error;
  const std::optional<Shard> shard = ResolveShard(
      cl.suite.shard_index, cl.suite.shard_count, GetEnv, &shard_error);
  if (!shard) {
    err << "synack: " << shard_error << "\n";
    return std::nullopt;
  }
  if (std::string error = TouchShardStatusFile(GetEnv); !error.empty()) {
    err << "synack: " << error << "\n";
  }
  const std::vector<PlannedRun> planned = PlanRuns(
      files, [&cl](const std::string& path) { return RunVariants(cl, path); },
      cl.suite.filter, *shard, cl.suite.repeat);
  std::vector<BackendKind> kinds;
  if (cl.backend != "stack") kinds.push_back(BackendKind::kKernel);
  if (cl.backend != "kernel") kinds.push_back(BackendKind::kStack);
  SuitePlan plan;
  plan.both = kinds.size() > 1;
  const bool several_scripts = planned.size() > static_cast<size_t>(cl.suite.repeat);

  // Each run's script and configuration, made here so a script's errors
  // are known (and reported) before anything runs.
  std::shared_ptr<const LoadedScript> loaded;
  std::string problems, config_error;
  RunConfig config;
  const PlannedRun* previous = nullptr;
  for (const PlannedRun& planned_run : planned) {
    const ScriptFile& file = files[planned_run.file];
    if (!previous || previous->file != planned_run.file ||
        previous->variant != planned_run.variant) {
      const VariantDefaults variant = cl.runner_defaults
                                          ? RunnerDefaults(planned_run.variant)
                                          : VariantDefaults{};
      grammar::Defines defines = variant.defines;
      for (const auto& [name, value] : cl.defines) defines[name] = value;
      loaded = std::make_shared<const LoadedScript>(LoadScript(file.path, defines));
      problems = loaded->RenderProblems();
      config = RunConfig();
      config_error.clear();
      if (loaded->ok()) {
        config_error =
            BuildConfig(cl, *loaded, planned_run.variant, variant, &config);
      }
      if (loaded->ok() && config_error.empty()) {
        // A runnable script's warnings: shown once, before the runs.
        err << problems;
      } else if (!config_error.empty()) {
        problems += "synack: " + config_error + "\n";
      }
    }
    previous = &planned_run;
    const bool runnable = loaded->ok() && config_error.empty();
    for (BackendKind kind : kinds) {
      PlannedJob job;
      job.kind = kind;
      job.loaded = loaded;
      job.config = config;
      const RunName name{VariantName(planned_run.variant),
                         plan.both ? BackendName(kind) : "",
                         cl.suite.repeat > 1 ? planned_run.repetition : 0};
      ReportedRun run = NameRun(file, name);
      run.index = plan.runs.size();
      run.backend = BackendName(kind);
      run.script = loaded;
      // The child enters the script's directory: file names made absolute.
      if (!cl.pcap_path.empty()) {
        std::string pcap = std::filesystem::absolute(cl.pcap_path).string();
        if (several_scripts || RunVariants(cl, file.path).size() > 1) {
          pcap += std::string(".") + VariantName(planned_run.variant);
        }
        if (plan.both) pcap += std::string(".") + BackendName(kind);
        if (cl.suite.repeat > 1) {
          pcap += ".run" + std::to_string(planned_run.repetition);
        }
        job.config.pcap_path = pcap;
      }
      if (!cl.suite.pcap_dir.empty()) {
        job.config.pcap_path = PcapFileName(
            std::filesystem::absolute(cl.suite.pcap_dir).string(), file.name,
            name);
        std::error_code ec;
        std::filesystem::create_directories(
            std::filesystem::path(job.config.pcap_path).parent_path(), ec);
      }
      SuiteJob suite_job;
      suite_job.realtime = cl.suite.realtime && kind == BackendKind::kKernel;
      if (runnable) {
        suite_job.estimated_usecs = NominalDurationUsecs(loaded->script);
      } else {
        plan.script_errors = true;
        suite_job.decided = RunResult{Verdict::kError, 0, problems};
      }
      // The HTML report draws a failing run from its record.
      job.keep_record = plan.both || !cl.suite.html_dir.empty();
      if (plan.both && kind == BackendKind::kStack) {
        job.partner = plan.jobs.size() - 1;
        plan.jobs.back().partner = plan.jobs.size();
      }
      plan.jobs.push_back(std::move(job));
      plan.suite_jobs.push_back(std::move(suite_job));
      plan.runs.push_back(std::move(run));
    }
  }

  // One script named on the command line, in one variant: its report alone,
  // as a compiler reports on one file. A suite that happens to hold one run
  // (a directory, a filter, a shard) still gets its line and summary.
  plan.single = plan.jobs.size() == 1 && !cl.verbose && cl.files.size() == 1 &&
                !std::filesystem::is_directory(cl.files[0]) &&
                cl.suite.filter.empty() && shard->count == 1;
  // In a suite on the kernel, a run that failed on timing alone runs again
  // alone (SuiteJob::timing_retries): its verdict is then the one it gets
  // on a quiet machine, as packetdrill's scripts get theirs run one by one.
  // Twice: a timer of this kernel fires a tick late now and then (seen
  // with sack/sack-shift-sacked-7-3-4-8-9-fack.pkt's RACK timer, 1 run in
  // 12 beside the longest scripts, 0 in 6 alone), and the second retry
  // waits until nothing else runs.
  // A lone run is alone already, and --repeat hunts exactly such failures:
  // neither retries unless asked. A virtual clock's timing is the stack's
  // own: no retries there.
  const int timing_retries = cl.suite.timing_retries.value_or(
      plan.jobs.size() == 1 || cl.suite.repeat > 1 ? 0 : 2);
  for (size_t i = 0; i < plan.jobs.size(); ++i) {
    if (plan.jobs[i].kind == BackendKind::kKernel) {
      plan.suite_jobs[i].timing_retries = timing_retries;
    }
  }

  const bool on_kernel = cl.backend != "stack";
  plan.options.jobs = cl.suite.jobs > 0 ? cl.suite.jobs
                      : on_kernel       ? DefaultJobs(OnlineCores())
                                        : OnlineCores();
  plan.options.timeout_seconds = cl.timeout_seconds;
  plan.options.fail_fast = cl.suite.fail_fast;
  return plan;
}

}  // namespace synack::cli
