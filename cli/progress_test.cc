// Tests for the terminal progress reporter, as written to a log (not a
// terminal): a line per run, a failure's output once, DIFF lines, a lone
// run's output alone.
#include "cli/progress.h"

#include <gtest/gtest.h>

#include <sstream>

namespace synack::cli {
namespace {

ReportedRun RunNamed(size_t index, const std::string& label) {
  ReportedRun run;
  run.index = index;
  run.label = label;
  run.entry.file = label.substr(0, label.find(' '));
  run.variant = "ipv4";
  return run;
}

TEST(ProgressTest, LogGetsALinePerRunAndFailuresOutput) {
  std::ostringstream out, err;
  Progress progress(out, err, /*terminal=*/false, 80, 2, /*verbose=*/false,
                    /*single=*/false);
  const ReportedRun a = RunNamed(0, "a.pkt (ipv4)"), b = RunNamed(1, "b.pkt (ipv4)");
  progress.RunStarted(a);
  progress.RunStarted(b);
  progress.RunFinished(a, {Verdict::kPass, 0.25, ""});
  progress.RunFinished(b, {Verdict::kFail, 1.5, "b.pkt:4: error: no"});
  EXPECT_TRUE(progress.SuiteEnded({{}, 2, 1, false, ""}));
  EXPECT_EQ(
      "ok    a.pkt (ipv4) 0.250 s\n"
      "FAIL  b.pkt (ipv4) 1.500 s\n",
      out.str());
  EXPECT_EQ("b.pkt:4: error: no\n", err.str());
}

TEST(ProgressTest, DifferenceFollowsTheSecondRunsLine) {
  std::ostringstream out, err;
  Progress progress(out, err, false, 80, 2, false, false);
  const ReportedRun kernel = RunNamed(0, "a.pkt (ipv4) [kernel]");
  ReportedRun stack = RunNamed(1, "a.pkt (ipv4) [stack]");
  stack.difference = "line 4: kernel: ok at 0.1 s; stack: error: x";
  progress.RunFinished(kernel, {Verdict::kPass, 0.5, ""});
  progress.RunFinished(stack, {Verdict::kPass, 0.5, ""});
  EXPECT_EQ(
      "ok    a.pkt (ipv4) [kernel] 0.500 s\n"
      "ok    a.pkt (ipv4) [stack] 0.500 s\n"
      "DIFF  a.pkt (ipv4): line 4: kernel: ok at 0.1 s; stack: error: x\n",
      out.str());
}

TEST(ProgressTest, RetryIsSaidInALog) {
  std::ostringstream out, err;
  Progress progress(out, err, false, 80, 1, false, false);
  const ReportedRun a = RunNamed(0, "a.pkt (ipv4)");
  progress.RunStarted(a);
  progress.RunRetrying(a, {Verdict::kFail, 1, "a.pkt:3: error: timing: late"});
  EXPECT_EQ("again a.pkt (ipv4): a.pkt:3: error: timing: late (timing: runs "
            "again alone)\n",
            out.str());
}

// A lone run is shown as its output alone, even when it passed.
TEST(ProgressTest, LoneRunShowsItsOutputOnly) {
  std::ostringstream out, err;
  Progress progress(out, err, false, 80, 1, false, /*single=*/true);
  const ReportedRun a = RunNamed(0, "a.pkt (ipv4)");
  progress.RunStarted(a);
  progress.RunFinished(a, {Verdict::kPass, 0.25, "a.pkt: warning: w\n"});
  EXPECT_EQ("", out.str());
  EXPECT_EQ("a.pkt: warning: w\n", err.str());
}

TEST(ProgressTest, ResultLine) {
  EXPECT_EQ("ok    a.pkt (ipv4) 1.234 s",
            ResultLine("a.pkt (ipv4)", {Verdict::kPass, 1.234, ""}));
  RunResult again{Verdict::kPass, 1, ""};
  again.first_output = "late";
  EXPECT_EQ("ok    a.pkt 1.000 s (run again alone after a timing failure)",
            ResultLine("a.pkt", again));
}

}  // namespace
}  // namespace synack::cli
