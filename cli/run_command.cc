// `synack run`: each script in each of its IP variants, each run in a child
// process of its own: on the kernel, one that enters a private network
// namespace; on the own stack, a plain child. A child that runs too long is
// killed; its namespace and TUN device die with it. --backend=both runs
// each on both and reports the first event where they differ.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <system_error>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/reports.h"
#include "cli/script_duration.h"
#include "cli/script_file.h"
#include "cli/sharding.h"
#include "cli/suite.h"
#include "cli/suite_cleanup.h"
#include "cli/suite_flags.h"
#include "cli/suite_plan.h"
#include "cli/variants.h"
#include "interpreter/block_server.h"
#include "interpreter/python_blocks.h"
#include "interpreter/run.h"
#include "runtime/kernel/kernel_backend.h"
#include "runtime/stack/stack_backend.h"

namespace synack::cli {

namespace {

using interpreter::IpVersion;
using interpreter::RunConfig;

enum class BackendKind { kKernel, kStack };

std::optional<IpVersion> ParseIpVersion(const std::string& text) {
  if (text == "ipv4") return IpVersion::kIpv4;
  if (text == "ipv6") return IpVersion::kIpv6;
  if (text == "ipv4-mapped-ipv6") return IpVersion::kIpv4MappedIpv6;
  return std::nullopt;
}

// The variants to run `path` in: an explicit --ip_version wins, then -4/-6/
// --ipv4-mapped (in the script-name rule's order), then the script-name rule.
std::vector<IpVersion> SelectVariants(const CommandLine& cl,
                                      const std::string& path) {
  for (const auto& [name, value] : cl.flags) {
    if (name == "ip_version") {
      if (auto version = ParseIpVersion(value)) return {*version};
    }
  }
  std::vector<IpVersion> chosen = VariantsForScript(path);
  if (cl.variants.empty()) return chosen;
  std::vector<IpVersion> selected;
  for (IpVersion version : chosen) {
    for (IpVersion wanted : cl.variants) {
      if (version == wanted) {
        selected.push_back(version);
        break;
      }
    }
  }
  return selected;
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

// What a child records for --backend=both, one line per event as the
// interpreter's trace gives it ("E <line> <text>"), then one per failure
// ("F <line> <message's first line>").
void RecordRun(int record_fd, const std::vector<std::string>& events,
               const interpreter::RunReport& report) {
  std::string text;
  for (const std::string& event : events) text += "E " + event + "\n";
  for (const interpreter::Failure& failure : report.failures) {
    std::string message = failure.message.substr(0, failure.message.find('\n'));
    text += "F " + std::to_string(failure.loc.line) + " " + message + "\n";
  }
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = write(record_fd, text.data() + done, text.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
}

// In the child: make the backend (entering the namespace for the kernel),
// run, exit with the verdict. `record_fd` >= 0 gets RecordRun's lines.
[[noreturn]] void RunChild(const LoadedScript& loaded, const RunConfig& config,
                           BackendKind kind, uint64_t seed, int record_fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);

  namespace fs = std::filesystem;
  const std::string dir =
      fs::absolute(fs::path(loaded.path)).parent_path().string();
  if (chdir(dir.c_str()) != 0) {
    std::fprintf(stderr, "synack: cannot enter %s\n", dir.c_str());
    _exit(2);
  }
  std::unique_ptr<interpreter::Backend> backend;
  if (kind == BackendKind::kStack) {
    backend = std::make_unique<stack::StackBackend>(config.net, seed);
  } else {
    std::string error;
    backend = kernel::KernelBackend::Create(config.net, &error,
                                            config.tick_phase >= 0);
    if (!backend) {
      std::fprintf(stderr, "synack: %s: %s\n", loaded.path.c_str(),
                   error.c_str());
      _exit(2);
    }
  }
  std::vector<std::string> events;
  interpreter::TraceFn trace;
  if (config.verbose || record_fd >= 0) {
    trace = [&loaded, &config, &events, record_fd](const std::string& line) {
      if (config.verbose) {
        std::fprintf(stderr, "%s: %s\n", loaded.path.c_str(), line.c_str());
      }
      if (record_fd >= 0) events.push_back(line);
    };
  }
  interpreter::RunReport report =
      interpreter::Run(loaded.script, *backend, config, dir, trace);
  const std::string text = interpreter::RenderReport(report, loaded.path);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
  if (record_fd >= 0) RecordRun(record_fd, events, report);
  backend.reset();
  _exit(report.passed                 ? 0
        : report.FailedOnTimingOnly() ? kTimingFailureStatus
                                      : 1);
}

bool HasCodeBlocks(const grammar::Script& script) {
  return std::any_of(script.events.begin(), script.events.end(),
                     [](const grammar::Event& event) {
                       return std::holds_alternative<grammar::CodeEvent>(
                           event.action);
                     });
}

bool HasCommands(const grammar::Script& script) {
  return script.init_command || script.cleanup_command ||
         std::any_of(script.events.begin(), script.events.end(),
                     [](const grammar::Event& event) {
                       return std::holds_alternative<grammar::CommandEvent>(
                           event.action);
                     });
}

const char* BackendName(BackendKind kind) {
  return kind == BackendKind::kStack ? "stack" : "kernel";
}

// One recorded line of RecordRun, split.
struct RecordLine {
  char kind = 'E';  // 'E' event, 'F' failure
  std::string line;  // "line 12: 0.100211 > S. ..." or "12 message"
};

std::vector<RecordLine> ReadRecord(int fd) {
  std::string text;
  lseek(fd, 0, SEEK_SET);
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  std::vector<RecordLine> lines;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    if (end - at >= 2) lines.push_back({text[at], text.substr(at + 2, end - at - 2)});
    at = end + 1;
  }
  return lines;
}

// "line 12: 0.100211 > S. ..." -> 12.
int EventLine(const std::string& event) {
  return std::atoi(event.c_str() + (event.rfind("line ", 0) == 0 ? 5 : 0));
}

// The time of an event: "line 12: 0.100211 ..." -> "0.100211 s".
std::string EventWhere(const std::string& event) {
  const size_t colon = event.find(": ");
  if (colon == std::string::npos) return event;
  const size_t space = event.find(' ', colon + 2);
  return event.substr(colon + 2, space - colon - 2) + " s";
}

// The first place two runs of a script part: the first event that one
// run passed and the other failed, or reached and the other did not. Empty
// when the runs agree event by event.
std::string FirstDifference(const std::vector<RecordLine>& kernel,
                            const std::vector<RecordLine>& stack) {
  struct Run {
    std::vector<std::string> events;
    std::map<int, std::string> failures;  // by line; 0: not tied to one
  };
  auto split = [](const std::vector<RecordLine>& record) {
    Run run;
    for (const RecordLine& r : record) {
      if (r.kind == 'E') {
        run.events.push_back(r.line);
      } else {
        const size_t space = r.line.find(' ');
        run.failures.emplace(std::atoi(r.line.c_str()),
                             space == std::string::npos ? "" : r.line.substr(space + 1));
      }
    }
    return run;
  };
  const Run k = split(kernel), s = split(stack);
  auto describe = [](const Run& run, size_t i) -> std::string {
    if (i >= run.events.size()) {
      auto first = run.failures.begin();
      return first == run.failures.end() ? "not reached"
                                         : "not reached (stopped: " + first->second + ")";
    }
    auto failure = run.failures.find(EventLine(run.events[i]));
    if (failure == run.failures.end()) return "ok at " + EventWhere(run.events[i]);
    return "error: " + failure->second;
  };
  for (size_t i = 0; i < std::max(k.events.size(), s.events.size()); ++i) {
    const bool both = i < k.events.size() && i < s.events.size();
    if (both && EventLine(k.events[i]) == EventLine(s.events[i]) &&
        k.failures.count(EventLine(k.events[i])) ==
            s.failures.count(EventLine(s.events[i]))) {
      continue;
    }
    const std::string& any = i < k.events.size() ? k.events[i] : s.events[i];
    return "line " + std::to_string(EventLine(any)) + ": kernel: " +
           describe(k, i) + "; stack: " + describe(s, i);
  }
  if (k.failures.count(0) != s.failures.count(0)) {
    auto text = [](const Run& run) {
      auto it = run.failures.find(0);
      return it == run.failures.end() ? std::string("ok") : "error: " + it->second;
    };
    return "end of run: kernel: " + text(k) + "; stack: " + text(s);
  }
  return "";
}

}  // namespace

int RunCommand(const CommandLine& cl, std::ostream& out, std::ostream& err) {
  // Which runs: the scripts, their variants, --filter, the shard, --repeat;
  // each on each backend asked for.
  bool paths_ok = true;
  const std::vector<ScriptFile> files = ExpandScripts(cl.files, err, &paths_ok);
  if (!paths_ok) return 2;
  std::string shard_error;
  const std::optional<Shard> shard = ResolveShard(
      cl.suite.shard_index, cl.suite.shard_count, GetEnv, &shard_error);
  if (!shard) {
    err << "synack: " << shard_error << "\n";
    return 2;
  }
  if (std::string error = TouchShardStatusFile(GetEnv); !error.empty()) {
    err << "synack: " << error << "\n";
  }
  const std::vector<PlannedRun> planned = PlanRuns(
      files, [&cl](const std::string& path) { return SelectVariants(cl, path); },
      cl.suite.filter, *shard, cl.suite.repeat);
  std::vector<BackendKind> kinds;
  if (cl.backend != "stack") kinds.push_back(BackendKind::kKernel);
  if (cl.backend != "kernel") kinds.push_back(BackendKind::kStack);
  const bool both = kinds.size() > 1;
  const bool several_scripts = planned.size() > static_cast<size_t>(cl.suite.repeat);

  // Each run's script and configuration, made here so a script's errors
  // are known (and reported) before anything runs.
  struct Job {
    const PlannedRun* plan = nullptr;
    BackendKind kind = BackendKind::kKernel;
    std::shared_ptr<const LoadedScript> loaded;
    RunConfig config;
    std::string label;  // for result lines: path and RunSuffix
    ReportEntry entry;  // for reports
    size_t partner = SIZE_MAX;  // --backend=both: the run on the other one
    int record_fd = -1;
    std::vector<RecordLine> record;
    bool started = false, finished = false;
  };
  std::vector<Job> jobs;
  std::vector<SuiteJob> suite_jobs;
  bool script_errors = false;
  std::shared_ptr<const LoadedScript> loaded;
  std::string problems, config_error;
  RunConfig config;
  const PlannedRun* previous = nullptr;
  for (const PlannedRun& plan : planned) {
    const ScriptFile& file = files[plan.file];
    if (!previous || previous->file != plan.file ||
        previous->variant != plan.variant) {
      const VariantDefaults variant = RunnerDefaults(plan.variant);
      grammar::Defines defines = variant.defines;
      for (const auto& [name, value] : cl.defines) defines[name] = value;
      loaded = std::make_shared<const LoadedScript>(LoadScript(file.path, defines));
      problems = loaded->RenderProblems();
      config = RunConfig();
      config_error.clear();
      if (loaded->ok()) {
        config_error = BuildConfig(cl, *loaded, plan.variant, variant, &config);
      }
      if (loaded->ok() && config_error.empty()) {
        // A runnable script's warnings: shown once, before the runs.
        err << problems;
      } else if (!config_error.empty()) {
        problems += "synack: " + config_error + "\n";
      }
    }
    previous = &plan;
    const bool runnable = loaded->ok() && config_error.empty();
    for (BackendKind kind : kinds) {
      Job job;
      job.plan = &plan;
      job.kind = kind;
      job.loaded = loaded;
      job.config = config;
      RunName name{VariantName(plan.variant), both ? BackendName(kind) : "",
                   cl.suite.repeat > 1 ? plan.repetition : 0};
      const std::string suffix = RunSuffix(name);
      job.label = file.path + suffix;
      job.entry.file = file.path;
      job.entry.class_name = ClassNameFor(file.name);
      job.entry.name =
          std::filesystem::path(file.name).filename().string() + suffix;
      job.entry.label = file.name + suffix;
      job.entry.group = file.name + RunSuffix({name.variant, name.backend, 0});
      // The child enters the script's directory: file names made absolute.
      if (!cl.pcap_path.empty()) {
        std::string pcap = std::filesystem::absolute(cl.pcap_path).string();
        if (several_scripts || SelectVariants(cl, file.path).size() > 1) {
          pcap += std::string(".") + VariantName(plan.variant);
        }
        if (both) pcap += std::string(".") + BackendName(kind);
        if (cl.suite.repeat > 1) pcap += ".run" + std::to_string(plan.repetition);
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
        script_errors = true;
        suite_job.decided = RunResult{Verdict::kError, 0, problems};
      }
      if (both && kind == BackendKind::kStack) {
        job.partner = jobs.size() - 1;
        jobs.back().partner = jobs.size();
      }
      jobs.push_back(std::move(job));
      suite_jobs.push_back(std::move(suite_job));
    }
  }

  // One script named on the command line, in one variant: its report alone,
  // as a compiler reports on one file. A suite that happens to hold one run
  // (a directory, a filter, a shard) still gets its line and summary.
  const bool single = jobs.size() == 1 && !cl.verbose && cl.files.size() == 1 &&
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
      jobs.size() == 1 || cl.suite.repeat > 1 ? 0 : 2);
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (jobs[i].kind == BackendKind::kKernel) {
      suite_jobs[i].timing_retries = timing_retries;
    }
  }
  const bool terminal = isatty(STDOUT_FILENO) && GetEnv("TERM") != "dumb";
  winsize size{};
  const int width =
      terminal && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col
          ? size.ws_col
          : 80;
  Progress progress(out, err, terminal, width, jobs.size(), cl.verbose, single);

  // --backend=both: a run's record is read when it ends; a script's first
  // difference is told when both of its runs have ended.
  int differing = 0;
  class Observer : public SuiteObserver {
   public:
    Observer(std::vector<Job>& jobs, Progress& progress, int& differing)
        : jobs_(jobs), progress_(progress), differing_(differing) {}
    void Starting(size_t index) override {
      Job& job = jobs_[index];
      if (job.record_fd >= 0) close(job.record_fd);  // an earlier run's
      job.record_fd = -1;
      if (job.partner != SIZE_MAX) {
        job.record_fd =
            static_cast<int>(syscall(SYS_memfd_create, "synack-run", 0));
      }
      job.started = true;
      progress_.Started(job.label);
    }
    void Finished(size_t index, const RunResult& result) override {
      Job& job = jobs_[index];
      job.finished = true;
      progress_.Finished(job.label, result, job.started);
      if (job.record_fd >= 0) {
        job.record = ReadRecord(job.record_fd);
        close(job.record_fd);
        job.record_fd = -1;
      }
      if (job.partner == SIZE_MAX || !jobs_[job.partner].finished) return;
      const Job& kernel = job.kind == BackendKind::kKernel ? job : jobs_[job.partner];
      const Job& stack = job.kind == BackendKind::kStack ? job : jobs_[job.partner];
      if (kernel.record.empty() && stack.record.empty()) return;
      const std::string difference = FirstDifference(kernel.record, stack.record);
      if (difference.empty()) return;
      ++differing_;
      progress_.Note("DIFF  " + kernel.entry.file + " (" +
                     VariantName(kernel.plan->variant) + "): " + difference);
    }
    void Retrying(size_t index, const RunResult& failed) override {
      progress_.Retrying(jobs_[index].label, failed);
    }
    void Tick() override { progress_.Tick(); }

   private:
    std::vector<Job>& jobs_;
    Progress& progress_;
    int& differing_;
  } observer(jobs, progress, differing);

  // The suite's temporary files go in one directory that a reaper process
  // removes however synack ends (SuiteCleanup), made only when a run needs
  // it: for its %{ }% blocks' files, and for nstat's history. nstat keeps
  // the counters it last showed in one file per user (/tmp/.nstat.u0):
  // runs side by side, each with its own namespace's counters, would take
  // each other's for their own and print wrong differences
  // (fastopen/server/icmp-before-accept.pkt's `nstat | grep`), so each
  // run's commands get a file of their own, unless the user chose one.
  // Before the block server: the reaper is forked while synack has one
  // thread and nothing else started.
  const bool own_nstat = !GetEnv("NSTAT_HISTORY");
  auto needs_files = [own_nstat](const Job& job) {
    const grammar::Script& script = job.loaded->script;
    return HasCodeBlocks(script) ||
           (own_nstat && job.kind == BackendKind::kKernel &&
            HasCommands(script));
  };
  std::unique_ptr<SuiteCleanup> cleanup;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (suite_jobs[i].decided || !needs_files(jobs[i])) continue;
    if (!cleanup) {
      std::string error;
      cleanup = SuiteCleanup::Start(&error);
      // Without it, blocks' files go to $TMPDIR and runs share nstat's.
      if (!cleanup) break;
    }
    jobs[i].config.temp_dir = cleanup->dir();
    if (own_nstat) {
      jobs[i].config.nstat_history =
          cleanup->dir() + "/nstat." + std::to_string(i);
    }
  }

  // python3's start-up costs a tenth of a second of CPU (more through a
  // shim such as pyenv's): stack runs take milliseconds, and on the kernel
  // the CPU it takes makes the runs beside it late. %{ }% blocks go to one
  // python3 started here, which forks for each run; its worker enters the
  // run's network namespace, so that a block sees the run's network
  // (/proc/net, `ss`) and not synack's.
  std::unique_ptr<interpreter::BlockServer> block_server;
  for (size_t i = 0; i < jobs.size(); ++i) {
    Job& job = jobs[i];
    if (suite_jobs[i].decided || !HasCodeBlocks(job.loaded->script)) {
      continue;
    }
    if (!block_server) {
      block_server = interpreter::BlockServer::Start(
          "python3", interpreter::PythonDriver());
      if (!block_server) break;
    }
    job.config.block_server_fd = block_server->client_fd();
  }

  // SIGINT and SIGTERM are read through a signalfd so that the children are
  // killed (and their namespaces with them) before synack exits.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
  const int signal_fd = signalfd(-1, &stop_signals, SFD_CLOEXEC);

  SuiteOptions options;
  const bool on_kernel = cl.backend != "stack";
  options.jobs = cl.suite.jobs > 0 ? cl.suite.jobs
                 : on_kernel       ? DefaultJobs(OnlineCores())
                                   : OnlineCores();
  options.timeout_seconds = cl.timeout_seconds;
  options.fail_fast = cl.suite.fail_fast;
  const SuiteOutcome outcome = RunSuite(
      suite_jobs, options,
      [&jobs, &cl](size_t index) -> int {
        const Job& job = jobs[index];
        RunChild(*job.loaded, job.config, job.kind, cl.seed, job.record_fd);
      },
      observer, signal_fd);
  progress.Done();
  if (signal_fd >= 0) close(signal_fd);
  block_server.reset();
  cleanup.reset();

  std::vector<ReportEntry> entries;
  for (size_t i = 0; i < jobs.size(); ++i) {
    entries.push_back(jobs[i].entry);
    entries.back().result = outcome.results[i];
  }
  if (jobs.size() > 1) {
    out << SummaryText(entries, outcome.wall_seconds, options.jobs);
    if (both) out << differing << " differ between kernel and stack\n";
  } else if (jobs.empty()) {
    out << "no runs selected\n";
  }
  if (!outcome.error.empty()) err << "synack: " << outcome.error << "\n";
  bool reports_ok = true;
  auto write_report = [&err, &reports_ok](const std::string& path,
                                          const std::string& text) {
    if (path.empty()) return;
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    file.close();
    if (!file) {
      err << "synack: cannot write " << path << "\n";
      reports_ok = false;
    }
  };
  write_report(cl.suite.tap_path, RenderTap(entries));
  write_report(cl.suite.junit_path, RenderJUnit(entries, outcome.wall_seconds));

  if (outcome.interrupted) return 130;
  if (!reports_ok || !outcome.error.empty()) return 2;
  const bool all_passed =
      std::all_of(outcome.results.begin(), outcome.results.end(),
                  [](const RunResult& r) { return r.verdict == Verdict::kPass; });
  if (all_passed) return 0;
  return script_errors && jobs.size() == 1 ? 2 : 1;
}

}  // namespace synack::cli
