// `synack run`: each script in each of its IP variants, each run in a child
// process of its own: on the kernel, one that enters a private network
// namespace; on the own stack, a plain child. A child that runs too long is
// killed; its namespace and TUN device die with it. --backend=both runs
// each on both and reports the first event where they differ.
//
// A pipeline: plan (run_plan.h) -> resources (run_resources.h) -> run
// (run_stage.h) -> reporters (reporter.h), each stage in a file of its own.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <ostream>

#include "cli/commands.h"
#include "cli/html_report.h"
#include "cli/junit_report.h"
#include "cli/kernel_table.h"
#include "cli/progress.h"
#include "cli/reporter.h"
#include "cli/run_plan.h"
#include "cli/run_resources.h"
#include "cli/run_stage.h"
#include "cli/sharding.h"
#include "cli/summary.h"
#include "cli/tap_report.h"
#include "cli/vm_machines.h"

namespace synack::cli {

namespace {

namespace fs = std::filesystem;

// The terminal's progress and summary, then each report file asked for.
Reporters MakeReporters(const CommandLine& cl, const SuitePlan& plan,
                        std::ostream& out, std::ostream& err) {
  const bool terminal = isatty(STDOUT_FILENO) && GetEnv("TERM") != "dumb";
  winsize size{};
  const int width =
      terminal && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col
          ? size.ws_col
          : 80;
  Reporters reporters;
  reporters.Add(std::make_unique<Progress>(out, err, terminal, width,
                                           plan.runs.size(), cl.verbose,
                                           plan.single));
  reporters.Add(std::make_unique<SummaryReporter>(out, err));
  if (plan.kernels.size() > 1) {
    reporters.Add(std::make_unique<KernelTableReporter>(out));
  }
  if (!cl.suite.tap_path.empty()) {
    reporters.Add(std::make_unique<TapReporter>(cl.suite.tap_path, err));
  }
  if (!cl.suite.junit_path.empty()) {
    // The link goes from the JUnit file's directory to the page, so that
    // the two can be moved together (a CI job's artifacts).
    std::string link;
    if (!cl.suite.html_dir.empty()) {
      const fs::path junit_dir =
          fs::absolute(cl.suite.junit_path).lexically_normal().parent_path();
      link = fs::absolute(HtmlReportPath(cl.suite.html_dir))
                 .lexically_normal()
                 .lexically_relative(junit_dir)
                 .string();
    }
    reporters.Add(
        std::make_unique<JUnitReporter>(cl.suite.junit_path, err, link));
  }
  if (!cl.suite.html_dir.empty()) {
    reporters.Add(std::make_unique<HtmlReporter>(cl.suite.html_dir, err));
  }
  return reporters;
}

// 0 when every run passed; 130 after SIGINT/SIGTERM; 2 when the runner or
// a report failed, or the one run asked for is a script with errors;
// else 1.
int ExitStatus(const SuitePlan& plan, const SuiteOutcome& outcome,
               bool reports_ok) {
  if (outcome.interrupted) return 130;
  if (!reports_ok || !outcome.error.empty()) return 2;
  const bool all_passed =
      std::all_of(outcome.results.begin(), outcome.results.end(),
                  [](const RunResult& r) { return r.verdict == Verdict::kPass; });
  if (all_passed) return 0;
  return plan.script_errors && plan.jobs.size() == 1 ? 2 : 1;
}

}  // namespace

int RunCommand(const CommandLine& cl, std::ostream& out, std::ostream& err) {
  std::optional<SuitePlan> plan = PlanSuite(cl, err);
  if (!plan) return 2;
  Reporters reporters = MakeReporters(cl, *plan, out, err);
  SuiteOutcome outcome;
  {
    const auto resources =
        SuiteResources::Acquire(*plan, /*own_nstat=*/!GetEnv("NSTAT_HISTORY"));
    // --kernel: a VM per kernel, up before the first run (none without).
    const auto machines = VmMachines::Start(*plan, cl, out);
    outcome = RunStage(*plan, cl.seed, resources->stop_fd(), reporters);
  }
  const bool reports_ok = reporters.SuiteEnded(
      {plan->runs, outcome.wall_seconds, plan->options.jobs, plan->both,
       outcome.error});
  return ExitStatus(*plan, outcome, reports_ok);
}

}  // namespace synack::cli
