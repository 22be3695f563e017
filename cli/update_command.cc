// `synack run --update[=dry] FILE`: runs the script in update mode, merges
// what the stack did into it (update_script.h), and again, until a run
// changes nothing: a packet that never came can change what follows it,
// which only the next run shows. Then writes the file, or prints a diff.
// With --backend=both the kernel's answers are written and the own stack's
// run of the result is compared with them, line by line.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/reporter.h"
#include "cli/run_plan.h"
#include "cli/run_record.h"
#include "cli/run_resources.h"
#include "cli/run_stage.h"
#include "cli/sharding.h"
#include "cli/update_script.h"
#include "grammar/parser.h"

namespace synack::cli {

namespace {

// Runs at most: each after the first only fixes what the previous changed.
constexpr int kMaxRounds = 4;

// The one run's record and result.
class RecordKeeper : public Reporter {
 public:
  void RunFinished(const ReportedRun& run, const RunResult& finished) override {
    record = run.record;
    result = finished;
  }
  RunRecord record;
  RunResult result;
};

struct Round {
  RunRecord record;
  RunResult result;
  int64_t tolerance_usecs = 4000;
};

// One run of `path` (its first variant) in update mode; nullopt, said on
// `err`, when it cannot be made.
std::optional<Round> RunOnce(const CommandLine& cl, const std::string& path,
                             std::ostream& err) {
  CommandLine one = cl;
  one.files = {path};
  std::optional<SuitePlan> plan = PlanSuite(one, err);
  if (!plan || plan->jobs.empty()) return std::nullopt;
  plan->jobs.resize(1);
  plan->suite_jobs.resize(1);
  plan->runs.resize(1);
  if (plan->suite_jobs[0].decided) {
    err << plan->suite_jobs[0].decided->output;
    return std::nullopt;
  }
  Round round;
  round.tolerance_usecs = plan->jobs[0].config.tolerance_usecs;
  Reporters reporters;
  auto keeper = std::make_unique<RecordKeeper>();
  RecordKeeper* kept = keeper.get();
  reporters.Add(std::move(keeper));
  {
    const auto resources =
        SuiteResources::Acquire(*plan, /*own_nstat=*/!GetEnv("NSTAT_HISTORY"));
    SuiteOutcome outcome =
        RunStage(*plan, cl.seed, resources->stop_fd(), reporters);
    if (!outcome.error.empty()) {
      err << "synack: " << outcome.error << "\n";
      return std::nullopt;
    }
  }
  round.record = std::move(kept->record);
  round.result = std::move(kept->result);
  return round;
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  return static_cast<bool>(file.flush());
}

// `diff -u` of the script before and after, labelled with its name.
int PrintDiff(const std::string& path, const std::string& before_path,
              const std::string& after_path, std::ostream& out) {
  const std::string command = "diff -u --label '" + path + "' --label '" +
                              path + "' '" + before_path + "' '" + after_path +
                              "'";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return 2;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    out.write(buffer, static_cast<std::streamsize>(n));
  }
  return pclose(pipe);
}

// Says where the own stack's run of the kernel's script does otherwise:
// each line the updater would change for it (`FILE:LINE: kernel: ...` and
// `stack: ...` beneath), and the runs' first difference as
// --backend=both's finder gives it (a block or call that fails on the
// stack alone changes no line). False when the stack did as the kernel.
bool ReportStackDifferences(const std::string& path, const std::string& text,
                            const Round& kernel, const Round& stack,
                            std::ostream& err) {
  const std::vector<LineDifference> lines =
      DifferencesFrom(text, stack.record, stack.tolerance_usecs);
  const std::string first = FirstDifference(kernel.record, stack.record);
  if (lines.empty() && first.empty()) {
    err << "synack: " << path << ": the own stack does as the kernel\n";
    return false;
  }
  err << "synack: " << path << ": the own stack differs from the kernel"
      << (lines.empty() ? "" : " at " + std::to_string(lines.size()) +
                                   (lines.size() == 1 ? " line" : " lines"))
      << ":\n";
  for (const LineDifference& d : lines) {
    const std::string where = path + ":" + std::to_string(d.line) + ": ";
    err << where << "kernel: "
        << (d.script.empty() ? "(nothing)" : d.script) << "\n"
        << std::string(where.size(), ' ') << " stack: "
        << (d.run.empty() ? "(nothing came)" : d.run) << "\n";
  }
  if (!first.empty()) err << "first difference: " << first << "\n";
  return true;
}

}  // namespace

int UpdateCommand(const CommandLine& cl, std::ostream& out, std::ostream& err) {
  namespace fs = std::filesystem;
  if (cl.files.size() != 1 || fs::is_directory(cl.files[0])) {
    err << "synack: --update rewrites one script: name one file\n";
    return 2;
  }
  // --backend=both: the kernel's answers are written, then the own stack
  // runs what they make and each line where it does otherwise is said.
  const bool both = cl.backend == "both";
  CommandLine writer = cl;
  if (both) writer.backend = "kernel";
  const std::string path = cl.files[0];
  std::string original;
  {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      err << "synack: cannot read " << path << "\n";
      return 2;
    }
    std::ostringstream text;
    text << file.rdbuf();
    original = text.str();
  }
  // Each round's script sits beside the original, as its commands name
  // files relative to it, and ends as its name does: a name ending v6.pkt
  // selects the ipv6 variant.
  const fs::path where = fs::absolute(path);
  const std::string scratch =
      (where.parent_path() / (".update." + where.filename().string()))
          .string();
  std::string text = original;
  std::optional<Round> last;
  int rounds = 0;
  bool settled = false;
  while (rounds < kMaxRounds) {
    if (!WriteFile(scratch, text)) {
      err << "synack: cannot write " << scratch << "\n";
      return 2;
    }
    last = RunOnce(writer, scratch, err);
    ++rounds;
    if (!last) break;
    UpdateOutcome updated =
        UpdateScriptText(text, last->record, last->tolerance_usecs);
    if (!updated.changed || updated.text == text) {
      settled = true;
      break;
    }
    text = std::move(updated.text);
  }
  // The own stack's run of the kernel's script, in update mode too.
  std::optional<Round> stack;
  if (both && settled) {
    CommandLine other = cl;
    other.backend = "stack";
    if (WriteFile(scratch, text)) stack = RunOnce(other, scratch, err);
    if (!stack) err << "synack: " << path << ": the own stack's run failed\n";
  }
  int status = 0;
  if (cl.update == "dry") {
    if (!WriteFile(scratch, text)) return 2;
    const std::string before = scratch + ".before";
    WriteFile(before, original);
    PrintDiff(path, before, scratch, out);
    unlink(before.c_str());
  } else if (text != original && !WriteFile(path, text)) {
    err << "synack: cannot write " << path << "\n";
    status = 2;
  }
  unlink(scratch.c_str());
  if (!last) return 2;
  if (!settled) {
    err << "synack: " << path << ": still changing after " << rounds
        << " runs\n";
    return 1;
  }
  err << "synack: " << path << ": "
      << (text == original ? "unchanged" : "updated") << " (" << rounds
      << (rounds == 1 ? " run" : " runs") << (both ? " on the kernel" : "")
      << ")\n";
  if (last->result.verdict != Verdict::kPass) {
    err << last->result.output;
    return 1;
  }
  if (both) {
    if (!stack) return 2;
    if (ReportStackDifferences(path, text, *last, *stack, err)) return 1;
  }
  return status;
}

}  // namespace synack::cli
