// Tests for the HTML report: a script's events as ladder rows, and the
// page's structure for a failing run (its ladder, the first difference
// marked, the failure text) and a passing one (listed with its time).
#include "cli/html_report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/junit_report.h"

namespace synack::cli {
namespace {

const std::string kGood = std::string(SYNACK_SOURCE_DIR) + "/tests/cli/good.pkt";

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

// good.pkt on a stack that answers the SYN with another window scale: the
// run completed lines 2 to 6 and failed at line 7, the SYN-ACK.
ReportedRun FailingRun() {
  ReportedRun run;
  run.index = 0;
  run.entry.label = "tests/cli/good.pkt (ipv4)";
  run.script = std::make_shared<const LoadedScript>(LoadScript(kGood, {}));
  for (const char* line :
       {"line 2: 0.000000 socket(...)", "line 3: 0.000000 setsockopt(...)",
        "line 4: 0.000000 bind(...)", "line 5: 0.000000 listen(3, 1)",
        "line 6: 0.100000 < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>",
        "line 7: 0.100000 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>"}) {
    run.record.events.push_back(ParseTraceLine(line));
  }
  run.record.failures = {{7, "outbound packet mismatch: options"}};
  run.entry.result = {Verdict::kFail, 1.5,
                      "good.pkt:7: error: outbound packet mismatch: options\n"
                      "  script packet: > S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>\n"
                      "  actual packet: > S. 0:0(0) ack 1 win 64240 <mss "
                      "1460,nop,wscale 10> at 0.100000 sec\n"};
  return run;
}

ReportedRun PassingRun() {
  ReportedRun run;
  run.index = 1;
  run.entry.label = "tests/cli/suite/pass.pkt (ipv4)";
  run.entry.result = {Verdict::kPass, 0.25, ""};
  return run;
}

TEST(HtmlReportTest, ScriptEventsAsLadderRows) {
  const LoadedScript script = LoadScript(kGood, {});
  ASSERT_TRUE(script.ok()) << script.RenderProblems();
  const std::vector<LadderRow> rows = LadderRows(script);
  ASSERT_EQ(11u, rows.size());
  EXPECT_EQ(2, rows[0].line);
  EXPECT_EQ(LadderRow::Kind::kCall, rows[0].kind);
  EXPECT_EQ("0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3", rows[0].text);
  EXPECT_EQ(LadderRow::Kind::kToStack, rows[4].kind);
  EXPECT_EQ("+.1 < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>", rows[4].text);
  EXPECT_EQ(LadderRow::Kind::kFromStack, rows[5].kind);
  EXPECT_EQ(7, rows[5].line);
}

TEST(HtmlReportTest, FailingRunHasALadderWithTheDifferenceMarked) {
  const std::string html = RenderHtml({FailingRun(), PassingRun()}, 2);
  // Its article, named for the JUnit link, with the verdict.
  EXPECT_NE(std::string::npos,
            html.find("<article class=\"run failing\" id=\"run-1\" "
                      "data-verdict=\"FAIL\">"))
      << html;
  // A row per script event: those done before the difference, the one
  // marked, those never reached.
  EXPECT_EQ(11u, Count(html, "<g class=\"row "));
  EXPECT_EQ(5u, Count(html, "<g class=\"row ok\""));
  EXPECT_EQ(1u, Count(html, "<g class=\"row diverged\""));
  EXPECT_EQ(5u, Count(html, "<g class=\"row unreached\""));
  EXPECT_NE(std::string::npos,
            html.find("<g class=\"row diverged\" data-line=\"7\" "
                      "data-kind=\"from-stack\">"));
  EXPECT_NE(std::string::npos,
            html.find("<g class=\"row ok\" data-line=\"6\" data-kind=\"to-stack\">"));
  EXPECT_NE(std::string::npos, html.find(">0.100000 s</text>"));
  // Two lanes; what the stack sent instead, drawn under the marked row.
  EXPECT_NE(std::string::npos, html.find(">script/peer</text>"));
  EXPECT_NE(std::string::npos, html.find(">stack</text>"));
  EXPECT_NE(std::string::npos,
            html.find("<g class=\"actual\" data-line=\"7\">"));
  EXPECT_NE(std::string::npos,
            html.find("actual: &gt; S. 0:0(0) ack 1 win 64240 &lt;mss"));
  // The failure text beside it, escaped.
  EXPECT_NE(std::string::npos,
            html.find("<pre class=\"output\">good.pkt:7: error: outbound "
                      "packet mismatch: options\n  script packet: &gt; S."));
}

TEST(HtmlReportTest, PassingRunIsListedWithItsTime) {
  const std::string html = RenderHtml({FailingRun(), PassingRun()}, 2);
  EXPECT_NE(std::string::npos,
            html.find("<tr id=\"run-2\" class=\"passed\"><td>ok</td><td>"
                      "tests/cli/suite/pass.pkt (ipv4)</td><td "
                      "class=\"seconds\">0.250 s</td></tr>"))
      << html;
  EXPECT_EQ(1u, Count(html, "<article"));
  EXPECT_NE(std::string::npos,
            html.find("<p id=\"counts\" data-passed=\"1\" data-failed=\"1\" "
                      "data-skipped=\"0\">1 passed, 1 failed, 0 skipped; 2 "
                      "runs in 2.000 s</p>"));
}

// Nothing the page shows comes from elsewhere: no links, sources, imports
// or fetched fonts.
TEST(HtmlReportTest, PageIsSelfContained) {
  const std::string html = RenderHtml({FailingRun(), PassingRun()}, 2);
  for (const char* outside :
       {"http:", "https:", "//", "<link", "src=", "@import", "@font-face"}) {
    EXPECT_EQ(std::string::npos, html.find(outside)) << outside;
  }
  // url() only for the page's own arrowheads; the one script inline.
  EXPECT_EQ(Count(html, "url("), Count(html, "url(#"));
  EXPECT_EQ(1u, Count(html, "<script>"));
  EXPECT_EQ(1u, Count(html, "<script"));
}

// A run stopped without a failure tied to a line (killed after --timeout):
// the first row it did not reach is where it parted.
TEST(HtmlReportTest, RunThatStoppedIsMarkedWhereItStopped) {
  ReportedRun run = FailingRun();
  run.record.events.resize(3);
  run.record.failures.clear();
  run.entry.result = {Verdict::kTimeout, 2, "synack: timed out after 2 s\n"};
  const std::string html = RenderHtml({run}, 2);
  EXPECT_NE(std::string::npos,
            html.find("<g class=\"row diverged\" data-line=\"5\""));
  EXPECT_EQ(0u, Count(html, "<g class=\"actual\""));
}

TEST(HtmlReportTest, ReporterWritesIndexHtmlInItsDirectory) {
  const std::string dir =
      (std::filesystem::path(::testing::TempDir()) / "html_report" / "new")
          .string();
  std::filesystem::remove_all(dir);
  std::ostringstream err;
  HtmlReporter reporter(dir, err);
  const std::vector<ReportedRun> runs = {FailingRun(), PassingRun()};
  EXPECT_TRUE(reporter.SuiteEnded({runs, 2, 1, false, ""}));
  std::ifstream file(dir + "/index.html");
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_EQ(RenderHtml(runs, 2), text.str());
  EXPECT_EQ("", err.str());
}

// The JUnit report links each testcase to its run's place in the page.
TEST(HtmlReportTest, JUnitLinksToThePage) {
  const std::vector<ReportedRun> runs = {FailingRun(), PassingRun()};
  const std::string xml =
      RenderJUnit(EntriesOf(runs), 2, "report/index.html");
  EXPECT_NE(std::string::npos,
            xml.find("<properties><property name=\"html\" "
                     "value=\"report/index.html#run-1\"/></properties>\n"
                     "      <failure"))
      << xml;
  EXPECT_NE(std::string::npos,
            xml.find("value=\"report/index.html#run-2\""));
  EXPECT_EQ(std::string::npos, RenderJUnit(EntriesOf(runs), 2).find("<properties>"));
}

}  // namespace
}  // namespace synack::cli
