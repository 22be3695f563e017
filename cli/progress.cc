// The status line and the per-run lines of `synack run`.
#include "cli/progress.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
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

void Progress::RunStarted(const ReportedRun& run) {
  if (started_.size() <= run.index) started_.resize(run.index + 1);
  started_[run.index] = true;
  ++running_;
  last_started_ = run.label;
  Draw();
}

void Progress::RunFinished(const ReportedRun& run, const RunResult& result) {
  const std::string& label = run.label;
  ++done_;
  const bool started = run.index < started_.size() && started_[run.index];
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
  // --backend=both: where this script's two runs part, once both ended.
  if (!run.difference.empty()) {
    Note("DIFF  " + run.entry.file + " (" + run.variant +
         "): " + run.difference);
  }
}

void Progress::RunRetrying(const ReportedRun& run, const RunResult& failed) {
  const std::string& label = run.label;
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

bool Progress::SuiteEnded(const SuiteEnd& /*suite*/) {
  Clear();
  out_.flush();
  return true;
}

}  // namespace synack::cli
