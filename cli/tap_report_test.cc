// Tests for the TAP report: golden text, and a run made again after a
// timing failure.
#include "cli/tap_report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/sample_entries_test.h"

namespace synack::cli {
namespace {

TEST(TapReportTest, Golden) {
  EXPECT_EQ(
      "TAP version 13\n"
      "1..5\n"
      "ok 1 - tcp/close/a.pkt (ipv4)\n"
      "  ---\n"
      "  seconds: 0.250\n"
      "  ...\n"
      "not ok 2 - tcp/close/b\\#1.pkt (ipv6)\n"
      "  ---\n"
      "  verdict: FAIL\n"
      "  seconds: 1.500\n"
      "  output: |\n"
      "    tcp/close/b#1.pkt:12: error: outbound packet mismatch: <flags>\n"
      "      script packet: > S. 0:0(0)\n"
      "      actual packet: > R 0:0(0) & \"quoted\"\n"
      "  ...\n"
      "not ok 3 - tcp/open/c.pkt (ipv4)\n"
      "  ---\n"
      "  verdict: TIMEOUT\n"
      "  seconds: 2.000\n"
      "  output: |\n"
      "    synack: timed out after 2 s (--timeout)\n"
      "  ...\n"
      "ok 4 - top.pkt (ipv4) # SKIP synack: not run: --fail-fast\n"
      "not ok 5 - tcp/open/d.pkt (ipv4)\n"
      "  ---\n"
      "  verdict: ERROR\n"
      "  seconds: 0.000\n"
      "  output: |\n"
      "    d.pkt:3:1: error: bad? byte \xff here\n"
      "  ...\n",
      RenderTap(SampleEntries()));
}

TEST(TapReportTest, RunAgainAfterATimingFailure) {
  ReportEntry entry;
  entry.file = "/corpus/tcp/x.pkt";
  entry.label = entry.group = "tcp/x.pkt (ipv4)";
  entry.result = {Verdict::kPass, 0.5, ""};
  entry.result.first_output = "x.pkt:3: error: timing error: late\n";
  const std::string tap = RenderTap({entry});
  EXPECT_NE(std::string::npos,
            tap.find("ok 1 - tcp/x.pkt (ipv4)\n"
                     "  ---\n"
                     "  seconds: 0.500\n"
                     "  retried: failed on timing, passed run again alone\n"
                     "  first_output: |\n"
                     "    x.pkt:3: error: timing error: late\n"
                     "  ...\n"))
      << tap;
  entry.result.verdict = Verdict::kFail;
  entry.result.output = "x.pkt:3: error: timing error: late again\n";
  EXPECT_NE(std::string::npos,
            RenderTap({entry}).find(
                "  retried: failed on timing, failed again run alone\n"));
}

// The reporter writes the runs' entries, with their results, when the
// suite ends; an unwritable file is an error said on stderr.
TEST(TapReportTest, ReporterWritesTheFile) {
  const std::string path =
      (std::filesystem::path(::testing::TempDir()) / "tap_reporter.tap").string();
  std::vector<ReportedRun> runs(1);
  runs[0].entry = SampleEntries()[1];
  std::ostringstream err;
  TapReporter reporter(path, err);
  EXPECT_TRUE(reporter.SuiteEnded({runs, 1.5, 1, false, ""}));
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_EQ(RenderTap({runs[0].entry}), text.str());
  EXPECT_EQ("", err.str());
  std::filesystem::remove(path);

  TapReporter unwritable("/nonexistent-dir/x.tap", err);
  EXPECT_FALSE(unwritable.SuiteEnded({runs, 1.5, 1, false, ""}));
  EXPECT_EQ("synack: cannot write /nonexistent-dir/x.tap\n", err.str());
}

}  // namespace
}  // namespace synack::cli
