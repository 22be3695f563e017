// The reporters of a suite, called in turn.
#include "cli/reporter.h"

namespace synack::cli {

std::vector<ReportEntry> EntriesOf(const std::vector<ReportedRun>& runs) {
  std::vector<ReportEntry> entries;
  entries.reserve(runs.size());
  for (const ReportedRun& run : runs) entries.push_back(run.entry);
  return entries;
}

void Reporters::Add(std::unique_ptr<Reporter> reporter) {
  reporters_.push_back(std::move(reporter));
}

void Reporters::RunStarted(const ReportedRun& run) {
  for (auto& reporter : reporters_) reporter->RunStarted(run);
}

void Reporters::RunFinished(const ReportedRun& run, const RunResult& result) {
  for (auto& reporter : reporters_) reporter->RunFinished(run, result);
}

void Reporters::RunRetrying(const ReportedRun& run, const RunResult& failed) {
  for (auto& reporter : reporters_) reporter->RunRetrying(run, failed);
}

void Reporters::Tick() {
  for (auto& reporter : reporters_) reporter->Tick();
}

bool Reporters::SuiteEnded(const SuiteEnd& suite) {
  bool ok = true;
  for (auto& reporter : reporters_) ok = reporter->SuiteEnded(suite) && ok;
  return ok;
}

}  // namespace synack::cli
