// Tests for the run stage: the watcher between the scheduler and the
// reporters (records read, --backend=both's difference found), and a real
// run on the own stack whose child writes its record.
#include "cli/run_stage.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/testing/plan.h"

namespace synack::cli {
namespace {

using testing::Plan;
const std::string& kCli = testing::kCliScripts;

// What the reporters heard.
class Heard : public Reporter {
 public:
  void RunStarted(const ReportedRun& run) override {
    log += "started " + run.backend + "\n";
  }
  void RunFinished(const ReportedRun& run, const RunResult& result) override {
    log += "finished " + run.backend + " " + VerdictWord(result.verdict) +
           " events=" + std::to_string(run.record.events.size()) +
           " difference=" + run.difference + "\n";
    records.push_back(run.record);
  }
  std::string log;
  std::vector<RunRecord> records;
};

TEST(RunStageTest, WatcherFindsTheFirstDifference) {
  SuitePlan plan = Plan(kCli + "good.pkt", "both");
  Heard heard;
  RunWatcher watcher(plan, heard);
  watcher.Starting(0);
  watcher.Starting(1);
  ASSERT_GE(watcher.record_fd(0), 0);
  ASSERT_GE(watcher.record_fd(1), 0);
  RunRecord kernel, stack;
  kernel.events = {ParseTraceLine("line 2: 0.000000 socket()"),
                   ParseTraceLine("line 7: 0.100000 > S. 0:0(0) ack 1")};
  stack = kernel;
  stack.failures = {{7, "outbound packet mismatch"}};
  WriteRecord(watcher.record_fd(0), kernel);
  WriteRecord(watcher.record_fd(1), stack);
  watcher.Finished(1, {Verdict::kFail, 0.1, ""});
  watcher.Finished(0, {Verdict::kPass, 0.1, ""});
  EXPECT_EQ(
      "started kernel\nstarted stack\n"
      "finished stack FAIL events=2 difference=\n"
      "finished kernel ok events=2 difference=line 7: kernel: ok at 0.100000 "
      "s; stack: error: outbound packet mismatch\n",
      heard.log);
  EXPECT_EQ(-1, watcher.record_fd(0));
  EXPECT_EQ(Verdict::kFail, plan.runs[1].entry.result.verdict);
}

// Runs that keep no record get no file.
TEST(RunStageTest, WatcherMakesNoRecordUnasked) {
  SuitePlan plan = Plan(kCli + "good.pkt", "stack");
  Heard heard;
  RunWatcher watcher(plan, heard);
  watcher.Starting(0);
  EXPECT_EQ(-1, watcher.record_fd(0));
}

// A real run on the own stack (a virtual clock: no timing): its child
// records the events it completed and its failure.
TEST(RunStageTest, ChildWritesItsRecord) {
  SuitePlan plan = Plan(kCli + "suite/fail.pkt", "stack");
  ASSERT_EQ(1u, plan.jobs.size());
  plan.jobs[0].keep_record = true;
  Heard heard;
  const SuiteOutcome outcome = RunStage(plan, 1, -1, heard);
  ASSERT_EQ(1u, outcome.results.size());
  EXPECT_EQ(Verdict::kFail, outcome.results[0].verdict) << outcome.results[0].output;
  ASSERT_EQ(1u, heard.records.size());
  const RunRecord& record = heard.records[0];
  ASSERT_EQ(2u, record.events.size()) << SerializeRecord(record);
  EXPECT_EQ(3, record.events[0].line);
  EXPECT_EQ(4, record.events[1].line);
  EXPECT_EQ("listen(3, 1)", record.events[1].text);
  ASSERT_NE(nullptr, record.FailureAt(4)) << SerializeRecord(record);
  EXPECT_EQ("listen: expected -1 EINVAL, got 0", record.FailureAt(4)->message);
}

}  // namespace
}  // namespace synack::cli
