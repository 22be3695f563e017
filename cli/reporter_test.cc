// Tests for the reporters' fan-out: each hears every event in order, and
// the suite's end reaches all of them even after one failed.
#include "cli/reporter.h"

#include <gtest/gtest.h>

#include <memory>

namespace synack::cli {
namespace {

class Recorder : public Reporter {
 public:
  Recorder(std::string name, std::string* log, bool ok)
      : name_(std::move(name)), log_(log), ok_(ok) {}
  void RunStarted(const ReportedRun& run) override {
    *log_ += name_ + " started " + run.label + "\n";
  }
  void RunFinished(const ReportedRun& run, const RunResult& result) override {
    *log_ += name_ + " finished " + run.label + " " +
             VerdictWord(result.verdict) + "\n";
  }
  void RunRetrying(const ReportedRun& run, const RunResult&) override {
    *log_ += name_ + " retrying " + run.label + "\n";
  }
  void Tick() override { *log_ += name_ + " tick\n"; }
  bool SuiteEnded(const SuiteEnd& suite) override {
    *log_ += name_ + " ended " + std::to_string(suite.runs.size()) + "\n";
    return ok_;
  }

 private:
  std::string name_;
  std::string* log_;
  bool ok_;
};

TEST(ReporterTest, EveryReporterHearsEveryEventInOrder) {
  std::string log;
  Reporters reporters;
  reporters.Add(std::make_unique<Recorder>("a", &log, false));
  reporters.Add(std::make_unique<Recorder>("b", &log, true));
  ReportedRun run;
  run.label = "x.pkt (ipv4)";
  reporters.RunStarted(run);
  reporters.RunRetrying(run, {Verdict::kFail, 1, ""});
  reporters.Tick();
  reporters.RunFinished(run, {Verdict::kPass, 1, ""});
  const std::vector<ReportedRun> runs = {run};
  EXPECT_FALSE(reporters.SuiteEnded({runs, 1, 1, false, ""}));
  EXPECT_EQ(
      "a started x.pkt (ipv4)\nb started x.pkt (ipv4)\n"
      "a retrying x.pkt (ipv4)\nb retrying x.pkt (ipv4)\n"
      "a tick\nb tick\n"
      "a finished x.pkt (ipv4) ok\nb finished x.pkt (ipv4) ok\n"
      "a ended 1\nb ended 1\n",
      log);
}

TEST(ReporterTest, EntriesCarryTheirResults) {
  std::vector<ReportedRun> runs(2);
  runs[0].entry.label = "a";
  runs[1].entry.label = "b";
  runs[1].entry.result.verdict = Verdict::kFail;
  const std::vector<ReportEntry> entries = EntriesOf(runs);
  ASSERT_EQ(2u, entries.size());
  EXPECT_EQ("b", entries[1].label);
  EXPECT_EQ(Verdict::kFail, entries[1].result.verdict);
}

}  // namespace
}  // namespace synack::cli
