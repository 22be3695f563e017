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
  run.entry.group =
      file.name + RunSuffix({name.variant, name.backend, 0, name.kernel});
  run.variant = name.variant;
  run.kernel = name.kernel;
  return run;
}

// A script in one variant: loaded, checked and configured once for all
// its runs (backends, repetitions).
struct ScriptVariant {
  std::shared_ptr<const LoadedScript> loaded;
  RunConfig config;
  std::string problems;  // what makes it not runnable, as a run's output
  bool runnable = false;
};

// Made here so a script's errors are known (and reported) before anything
// runs; a runnable script's warnings are said on `err`, once.
ScriptVariant LoadVariant(const CommandLine& cl, const ScriptFile& file,
                          IpVersion version, std::ostream& err) {
  ScriptVariant out;
  const VariantDefaults variant =
      cl.runner_defaults ? RunnerDefaults(version) : VariantDefaults{};
  grammar::Defines defines = variant.defines;
  for (const auto& [name, value] : cl.defines) defines[name] = value;
  out.loaded = std::make_shared<const LoadedScript>(LoadScript(file.path, defines, !cl.update.empty()));
  out.problems = out.loaded->RenderProblems();
  std::string config_error;
  if (out.loaded->ok()) {
    config_error = BuildConfig(cl, *out.loaded, version, variant, &out.config);
  }
  out.runnable = out.loaded->ok() && config_error.empty();
  if (out.runnable) {
    err << out.problems;
  } else if (!config_error.empty()) {
    out.problems += "synack: " + config_error + "\n";
  }
  return out;
}

// --pcap=FILE or --pcap-dir=DIR's file for a run, absolute: the child
// enters the script's directory. --pcap names the runs of a suite
// FILE.VARIANT.BACKEND.runN, each part only when runs differ in it.
std::string PcapPath(const CommandLine& cl, const ScriptFile& file,
                     const PlannedRun& planned, const RunName& name,
                     bool several_scripts) {
  if (!cl.suite.pcap_dir.empty()) {
    const std::string path = PcapFileName(
        std::filesystem::absolute(cl.suite.pcap_dir).string(), file.name, name);
    std::error_code ec;
    std::filesystem::create_directories(
        std::filesystem::path(path).parent_path(), ec);
    return path;
  }
  if (cl.pcap_path.empty()) return "";
  std::string pcap = std::filesystem::absolute(cl.pcap_path).string();
  if (several_scripts || RunVariants(cl, file.path).size() > 1) {
    pcap += std::string(".") + VariantName(planned.variant);
  }
  if (!name.kernel.empty()) pcap += "." + name.kernel;
  if (!name.backend.empty()) pcap += "." + name.backend;
  if (cl.suite.repeat > 1) pcap += ".run" + std::to_string(planned.repetition);
  return pcap;
}

// The planned run on `kind` (and `kernel`, -1 without --kernel): its
// child's job, its names, its scheduling. `guest_job`: the planned run's
// index, the guest plan's job.
void AddRun(const CommandLine& cl, const ScriptFile& file,
            const PlannedRun& planned, const ScriptVariant& script,
            BackendKind kind, int kernel, size_t guest_job,
            bool several_scripts, SuitePlan* plan) {
  PlannedJob job;
  job.kind = kind;
  job.loaded = script.loaded;
  job.config = script.config;
  job.kernel = kernel;
  job.guest_job = guest_job;
  const RunName name{
      VariantName(planned.variant), plan->both ? BackendName(kind) : "",
      cl.suite.repeat > 1 ? planned.repetition : 0,
      kernel >= 0 ? plan->kernels[static_cast<size_t>(kernel)].release : ""};
  job.config.pcap_path = PcapPath(cl, file, planned, name, several_scripts);
  // The HTML report draws a failing run from its record.
  job.keep_record = plan->both || !cl.suite.html_dir.empty();
  if (!cl.update.empty()) {
    // The run goes on past what the script got wrong, and says what the
    // stack did instead (cli/update_command.cc).
    job.keep_record = true;
    job.config.update = true;
    job.config.non_fatal_packet = job.config.non_fatal_syscall = true;
  }
  if (plan->both && kind == BackendKind::kStack) {
    job.partner = plan->jobs.size() - 1;
    plan->jobs.back().partner = plan->jobs.size();
  }
  ReportedRun run = NameRun(file, name);
  run.index = plan->runs.size();
  run.backend = BackendName(kind);
  run.script = script.loaded;
  SuiteJob suite_job;
  // In a VM, the run's process here only waits for the guest's: the
  // guest's agent runs the script at real-time priority in the guest.
  suite_job.realtime = cl.suite.realtime && kind == BackendKind::kKernel &&
                       !InVm(*plan, job);
  if (script.runnable) {
    suite_job.estimated_usecs = NominalDurationUsecs(script.loaded->script);
  } else {
    plan->script_errors = true;
    suite_job.decided = RunResult{Verdict::kError, 0, script.problems};
  }
  plan->jobs.push_back(std::move(job));
  plan->runs.push_back(std::move(run));
  plan->suite_jobs.push_back(std::move(suite_job));
}

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
void SetTimingRetries(const CommandLine& cl, SuitePlan* plan) {
  const int timing_retries = cl.suite.timing_retries.value_or(
      plan->jobs.size() == 1 || cl.suite.repeat > 1 ? 0 : 2);
  for (size_t i = 0; i < plan->jobs.size(); ++i) {
    if (plan->jobs[i].kind == BackendKind::kKernel) {
      plan->suite_jobs[i].timing_retries = timing_retries;
    }
  }
}

SuiteOptions OptionsFor(const CommandLine& cl) {
  SuiteOptions options;
  const bool on_kernel = cl.backend != "stack";
  options.jobs = cl.suite.jobs > 0 ? cl.suite.jobs
                 : on_kernel       ? DefaultJobs(OnlineCores())
                                   : OnlineCores();
  options.timeout_seconds = cl.timeout_seconds;
  options.fail_fast = cl.suite.fail_fast;
  return options;
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
  SuitePlan plan;
  for (const std::string& arg : cl.kernels) {
    vm::KernelSource source;
    std::string error;
    if (!vm::ResolveKernel(arg, &source, &error)) {
      err << "synack: --kernel=" << error << "\n";
      return std::nullopt;
    }
    plan.kernels.push_back(source);
  }
  std::vector<int> kernels;  // -1: the host's, without --kernel
  for (size_t k = 0; k < plan.kernels.size(); ++k) {
    kernels.push_back(static_cast<int>(k));
  }
  if (kernels.empty()) kernels.push_back(-1);
  std::vector<BackendKind> kinds;
  if (cl.backend != "stack") kinds.push_back(BackendKind::kKernel);
  if (cl.backend != "kernel") kinds.push_back(BackendKind::kStack);

  plan.both = kinds.size() > 1;
  const bool several_scripts = planned.size() > static_cast<size_t>(cl.suite.repeat);
  ScriptVariant script;
  const PlannedRun* previous = nullptr;
  for (size_t index = 0; index < planned.size(); ++index) {
    const PlannedRun& planned_run = planned[index];
    const ScriptFile& file = files[planned_run.file];
    if (!previous || previous->file != planned_run.file ||
        previous->variant != planned_run.variant) {
      script = LoadVariant(cl, file, planned_run.variant, err);
    }
    previous = &planned_run;
    for (BackendKind kind : kinds) {
      for (int kernel : kernels) {
        AddRun(cl, file, planned_run, script, kind, kernel, index,
               several_scripts, &plan);
      }
    }
  }
  // One script named on the command line, in one variant: its report alone,
  // as a compiler reports on one file. A suite that happens to hold one run
  // (a directory, a filter, a shard) still gets its line and summary.
  plan.single = plan.jobs.size() == 1 && !cl.verbose && cl.files.size() == 1 &&
                !std::filesystem::is_directory(cl.files[0]) &&
                cl.suite.filter.empty() && shard->count == 1;
  SetTimingRetries(cl, &plan);
  plan.options = OptionsFor(cl);
  return plan;
}

}  // namespace synack::cli
