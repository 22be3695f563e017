// The summary `synack run` prints when a suite of several runs ends.
#include "cli/summary.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <ostream>

namespace synack::cli {

namespace {

std::string Fixed(double value, int decimals) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string Plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string SummaryText(const std::vector<ReportEntry>& entries,
                        double wall_seconds, int jobs) {
  size_t passed = 0, failed = 0, timed_out = 0, errors = 0, interrupted = 0,
         skipped = 0;
  for (const ReportEntry& entry : entries) {
    switch (entry.result.verdict) {
      case Verdict::kPass:
        ++passed;
        break;
      case Verdict::kFail:
        ++failed;
        break;
      case Verdict::kTimeout:
        ++failed;
        ++timed_out;
        break;
      case Verdict::kError:
        ++failed;
        ++errors;
        break;
      case Verdict::kInterrupted:
        ++failed;
        ++interrupted;
        break;
      case Verdict::kSkipped:
        ++skipped;
        break;
    }
  }
  std::vector<const ReportEntry*> passed_again;
  for (const ReportEntry& entry : entries) {
    if (entry.result.verdict == Verdict::kPass &&
        !entry.result.first_output.empty()) {
      passed_again.push_back(&entry);
    }
  }
  std::string text = std::to_string(passed) + " passed";
  if (!passed_again.empty()) {
    text += " (" + std::to_string(passed_again.size()) + " run again alone)";
  }
  text += ", " + std::to_string(failed) + " failed";
  std::vector<std::string> details;
  if (timed_out) details.push_back(std::to_string(timed_out) + " timed out");
  if (errors) details.push_back(Plural(errors, "error", "errors"));
  if (interrupted) {
    details.push_back(std::to_string(interrupted) + " interrupted");
  }
  if (!details.empty()) {
    text += " (";
    for (size_t i = 0; i < details.size(); ++i) {
      text += (i ? ", " : "") + details[i];
    }
    text += ")";
  }
  if (skipped) text += ", " + std::to_string(skipped) + " skipped";
  text += "; " + Plural(entries.size(), "run", "runs") + " in " +
          Fixed(wall_seconds, 1) + " s (-j " + std::to_string(jobs) + ")\n";

  std::vector<const ReportEntry*> ran;
  for (const ReportEntry& entry : entries) {
    if (entry.result.verdict != Verdict::kSkipped) ran.push_back(&entry);
  }
  std::stable_sort(ran.begin(), ran.end(),
                   [](const ReportEntry* a, const ReportEntry* b) {
                     return a->result.seconds > b->result.seconds;
                   });
  if (ran.size() > 1) {
    text += "slowest:\n";
    for (size_t i = 0; i < std::min<size_t>(5, ran.size()); ++i) {
      text += "  " + Fixed(ran[i]->result.seconds, 3) + " s  " +
              ran[i]->label + "\n";
    }
  }

  // Groups that ran more than once and did not always agree.
  std::map<std::string, std::pair<int, int>> runs;  // group: passed, ran
  std::vector<std::string> order;
  for (const ReportEntry& entry : entries) {
    if (entry.result.verdict == Verdict::kSkipped) continue;
    auto [it, fresh] = runs.try_emplace(entry.group, 0, 0);
    if (fresh) order.push_back(entry.group);
    it->second.first += entry.result.verdict == Verdict::kPass;
    ++it->second.second;
  }
  std::string flaky;
  for (const std::string& group : order) {
    const auto [ok, ran_count] = runs[group];
    if (ok > 0 && ok < ran_count) {
      flaky += "  " + group + ": passed " + std::to_string(ok) + " of " +
               std::to_string(ran_count) + "\n";
    }
  }
  if (!flaky.empty()) text += "flaky (verdicts differ across --repeat):\n" + flaky;
  if (!passed_again.empty()) {
    text += "passed when run again alone, after a timing failure with other "
            "runs at once:\n";
    for (const ReportEntry* entry : passed_again) {
      const RunResult first{Verdict::kFail, 0, entry->result.first_output};
      text += "  " + entry->label + ": " + FirstErrorLine(first) + "\n";
    }
  }
  return text;
}

bool SummaryReporter::SuiteEnded(const SuiteEnd& suite) {
  if (suite.runs.size() > 1) {
    out_ << SummaryText(EntriesOf(suite.runs), suite.wall_seconds, suite.jobs);
    if (suite.both) {
      const auto differing = std::count_if(
          suite.runs.begin(), suite.runs.end(),
          [](const ReportedRun& run) { return !run.difference.empty(); });
      out_ << differing << " differ between kernel and stack\n";
    }
  } else if (suite.runs.empty()) {
    out_ << "no runs selected\n";
  }
  if (!suite.error.empty()) err_ << "synack: " << suite.error << "\n";
  return true;
}

}  // namespace synack::cli
