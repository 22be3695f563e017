// What a suite tells its reports: a run started, a run finished, the suite
// ended. Each output of `synack run` (the terminal's progress and summary,
// TAP, JUnit, HTML) is one Reporter.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "cli/report_entry.h"
#include "cli/run_record.h"
#include "cli/script_file.h"
#include "cli/suite.h"

namespace synack::cli {

// One run as the reporters see it.
struct ReportedRun {
  size_t index = 0;   // in the suite's runs
  std::string label;  // result lines': the path as run and RunSuffix
  ReportEntry entry;  // the reports' names; entry.result once finished
  std::string variant;  // "ipv4"
  std::string backend;  // "kernel", "stack"
  std::string kernel;   // with --kernel: the release it ran on; else empty
  std::shared_ptr<const LoadedScript> script;
  // What the run did, when the suite keeps records (--backend=both, HTML).
  RunRecord record;
  // --backend=both, once both of a script's runs have finished (set on the
  // second): where they first differ; empty when they agree.
  std::string difference;
};

struct SuiteEnd {
  const std::vector<ReportedRun>& runs;  // every result final
  double wall_seconds = 0;
  int jobs = 1;  // runs at once
  bool both = false;  // --backend=both
  std::string error;  // the runner itself failed
};

// The runs' entries, each with its result, in order.
std::vector<ReportEntry> EntriesOf(const std::vector<ReportedRun>& runs);

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void RunStarted(const ReportedRun& /*run*/) {}
  // Once per run with its final result; a run never started (a script
  // with errors, --fail-fast) too.
  virtual void RunFinished(const ReportedRun& /*run*/,
                           const RunResult& /*result*/) {}
  // A run failed on timing alone and will start again
  // (SuiteJob::timing_retries).
  virtual void RunRetrying(const ReportedRun& /*run*/,
                           const RunResult& /*failed*/) {}
  // About once a second while runs are under way (a clock to redraw).
  virtual void Tick() {}
  // False when the report could not be written (said on stderr).
  virtual bool SuiteEnded(const SuiteEnd& /*suite*/) { return true; }
};

// The reporters in order, as one.
class Reporters : public Reporter {
 public:
  void Add(std::unique_ptr<Reporter> reporter);
  void RunStarted(const ReportedRun& run) override;
  void RunFinished(const ReportedRun& run, const RunResult& result) override;
  void RunRetrying(const ReportedRun& run, const RunResult& failed) override;
  void Tick() override;
  // Every reporter's, even after one failed.
  bool SuiteEnded(const SuiteEnd& suite) override;

 private:
  std::vector<std::unique_ptr<Reporter>> reporters_;
};

}  // namespace synack::cli
