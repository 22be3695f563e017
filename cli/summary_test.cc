// Tests for the summary of a suite: its text and when it is shown.
#include "cli/summary.h"

#include <gtest/gtest.h>

#include <sstream>

namespace synack::cli {
namespace {

TEST(SummaryTest, SummaryNamesRunsThatPassedOnlyWhenRunAgain) {
  ReportEntry again, plain;
  again.label = again.group = "tcp/x.pkt (ipv4)";
  again.result = {Verdict::kPass, 0.5, ""};
  again.result.first_output =
      "x.pkt:3: error: timing error: late\n  script packet: > .\n";
  plain.label = plain.group = "tcp/y.pkt (ipv4)";
  plain.result = {Verdict::kPass, 0.25, ""};
  const std::string text = SummaryText({again, plain}, 2, 4);
  EXPECT_EQ(0u, text.find("2 passed (1 run again alone), 0 failed; 2 runs in "
                          "2.0 s (-j 4)\n"))
      << text;
  EXPECT_NE(std::string::npos,
            text.find("passed when run again alone, after a timing failure "
                      "with other runs at once:\n"
                      "  tcp/x.pkt (ipv4): x.pkt:3: error: timing error: "
                      "late\n"))
      << text;
}

ReportedRun RunNamed(const std::string& label, Verdict verdict, double seconds) {
  ReportedRun run;
  run.label = label;
  run.entry.label = run.entry.group = label;
  run.entry.result = {verdict, seconds, ""};
  return run;
}

// Several runs get the summary, and with --backend=both the count of
// scripts whose runs differ (each difference is set on one run of a pair).
TEST(SummaryTest, ReporterCountsDifferences) {
  std::vector<ReportedRun> runs = {
      RunNamed("a.pkt (ipv4) [kernel]", Verdict::kPass, 0.5),
      RunNamed("a.pkt (ipv4) [stack]", Verdict::kFail, 0.25)};
  runs[1].difference = "line 4: kernel: ok at 0.1 s; stack: error: x";
  std::ostringstream out, err;
  SummaryReporter reporter(out, err);
  EXPECT_TRUE(reporter.SuiteEnded({runs, 2, 2, true, ""}));
  EXPECT_EQ(
      "1 passed, 1 failed; 2 runs in 2.0 s (-j 2)\n"
      "slowest:\n"
      "  0.500 s  a.pkt (ipv4) [kernel]\n"
      "  0.250 s  a.pkt (ipv4) [stack]\n"
      "1 differ between kernel and stack\n",
      out.str());
  EXPECT_EQ("", err.str());
}

// A lone run's output says it all; no run at all is said; the runner's own
// error goes to stderr.
TEST(SummaryTest, ReporterForOneRunAndNone) {
  std::ostringstream out, err;
  SummaryReporter reporter(out, err);
  const std::vector<ReportedRun> one = {RunNamed("a.pkt (ipv4)", Verdict::kPass, 1)};
  EXPECT_TRUE(reporter.SuiteEnded({one, 1, 1, false, "cannot clone"}));
  EXPECT_EQ("", out.str());
  EXPECT_EQ("synack: cannot clone\n", err.str());
  EXPECT_TRUE(reporter.SuiteEnded({{}, 0, 1, false, ""}));
  EXPECT_EQ("no runs selected\n", out.str());
}

}  // namespace
}  // namespace synack::cli
