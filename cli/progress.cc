// The status line, the per-run lines and the summary of `synack run`.
#include "cli/progress.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <ostream>

namespace synack::cli {

namespace {

double NowSeconds() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string Fixed(double value, int decimals) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string Plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string ResultLine(const std::string& label, const RunResult& result) {
  std::string word = VerdictWord(result.verdict);
  word.resize(std::max<size_t>(word.size(), 5), ' ');
  std::string line = word + " " + label + " " + Fixed(result.seconds, 3) + " s";
  if (!result.first_output.empty()) {
    line += result.verdict == Verdict::kPass
                ? " (run again alone after a timing failure)"
                : " (failed again, run alone)";
  }
  return line;
}

Progress::Progress(std::ostream& out, std::ostream& err, bool terminal,
                   int width, size_t total, bool verbose, bool single)
    : out_(out),
      err_(err),
      terminal_(terminal && !single),
      width_(std::max(width, 20)),
      total_(total),
      verbose_(verbose),
      single_(single),
      start_seconds_(NowSeconds()) {}

void Progress::Clear() {
  if (!drawn_) return;
  out_ << "\r\033[K";
  drawn_ = false;
}

void Progress::Draw() {
  if (!terminal_) return;
  std::string line = "[" + std::to_string(done_) + "/" +
                     std::to_string(total_) + "] " +
                     std::to_string(passed_) + " passed, " +
                     std::to_string(failed_) + " failed, " +
                     std::to_string(running_) + " running, " +
                     Fixed(NowSeconds() - start_seconds_, 0) + " s";
  if (running_ > 0 && !last_started_.empty()) line += ": " + last_started_;
  // One column spare: writing the last one makes some terminals wrap.
  const size_t room = static_cast<size_t>(width_ - 1);
  if (line.size() > room) line = line.substr(0, room - 3) + "...";
  out_ << "\r\033[K" << line << std::flush;
  drawn_ = true;
}

void Progress::Started(const std::string& label) {
  ++running_;
  last_started_ = label;
  Draw();
}

void Progress::Finished(const std::string& label, const RunResult& result,
                        bool started) {
  ++done_;
  if (started && running_ > 0) --running_;
  const bool pass = result.verdict == Verdict::kPass;
  const bool skipped = result.verdict == Verdict::kSkipped;
  if (pass) {
    ++passed_;
  } else if (!skipped) {
    ++failed_;
  }
  // On a terminal a pass (and a skip) shows only in the count.
  const bool line = !single_ && (!terminal_ || verbose_ || (!pass && !skipped));
  const bool output =
      !result.output.empty() && (single_ || verbose_ || (!pass && !skipped));
  if (line || output) {
    Clear();
    if (line) out_ << ResultLine(label, result) << "\n";
    out_.flush();
    if (output) {
      err_ << result.output;
      if (result.output.back() != '\n') err_ << "\n";
      err_.flush();
    }
  }
  Draw();
}

void Progress::Retrying(const std::string& label, const RunResult& failed) {
  if (running_ > 0) --running_;
  // On a terminal only the verdict that counts shows, later; in a log, a
  // line says why the run comes back.
  if (terminal_ || single_) {
    Draw();
    return;
  }
  Clear();
  out_ << "again " << label << ": " << FirstErrorLine(failed)
       << " (timing: runs again alone)\n";
  out_.flush();
  Draw();
}

void Progress::Note(const std::string& line) {
  Clear();
  out_ << line << "\n";
  out_.flush();
  Draw();
}

void Progress::Tick() { Draw(); }

void Progress::Done() {
  Clear();
  out_.flush();
}

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

}  // namespace synack::cli
