// Tests for the TAP and JUnit renderings, golden text, and XML escaping.
#include "cli/reports.h"

#include "cli/progress.h"

#include <gtest/gtest.h>

namespace synack::cli {
namespace {

std::vector<ReportEntry> Entries() {
  std::vector<ReportEntry> entries;
  auto add = [&](std::string name, std::string variant, Verdict verdict,
                 double seconds, std::string output) {
    ReportEntry entry;
    entry.file = "/corpus/" + name;
    entry.class_name = ClassNameFor(name);
    entry.name = name.substr(name.rfind('/') + 1) + " (" + variant + ")";
    entry.label = name + " (" + variant + ")";
    entry.group = entry.label;
    entry.result = {verdict, seconds, output};
    entries.push_back(entry);
  };
  add("tcp/close/a.pkt", "ipv4", Verdict::kPass, 0.25, "");
  add("tcp/close/b#1.pkt", "ipv6", Verdict::kFail, 1.5,
      "tcp/close/b#1.pkt:12: error: outbound packet mismatch: <flags>\n"
      "  script packet: > S. 0:0(0)\n"
      "  actual packet: > R 0:0(0) & \"quoted\"\n");
  add("tcp/open/c.pkt", "ipv4", Verdict::kTimeout, 2,
      "synack: timed out after 2 s (--timeout)\n");
  add("top.pkt", "ipv4", Verdict::kSkipped, 0, "synack: not run: --fail-fast\n");
  add("tcp/open/d.pkt", "ipv4", Verdict::kError, 0,
      "d.pkt:3:1: error: bad\x01 byte \xff here\n");
  return entries;
}

TEST(ReportsTest, TapGolden) {
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
      RenderTap(Entries()));
}

TEST(ReportsTest, JUnitGolden) {
  EXPECT_EQ(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"synack\" tests=\"5\" failures=\"1\" errors=\"2\" "
      "skipped=\"1\" time=\"3.000\">\n"
      "  <testsuite name=\"synack\" tests=\"1\" failures=\"0\" errors=\"0\" "
      "skipped=\"1\" time=\"0.000\">\n"
      "    <testcase name=\"top.pkt (ipv4)\" classname=\"synack\" "
      "file=\"/corpus/top.pkt\" time=\"0.000\">\n"
      "      <skipped message=\"synack: not run: --fail-fast\"/>\n"
      "    </testcase>\n"
      "  </testsuite>\n"
      "  <testsuite name=\"tcp.close\" tests=\"2\" failures=\"1\" errors=\"0\" "
      "skipped=\"0\" time=\"1.750\">\n"
      "    <testcase name=\"a.pkt (ipv4)\" classname=\"tcp.close\" "
      "file=\"/corpus/tcp/close/a.pkt\" time=\"0.250\"/>\n"
      "    <testcase name=\"b#1.pkt (ipv6)\" classname=\"tcp.close\" "
      "file=\"/corpus/tcp/close/b#1.pkt\" time=\"1.500\">\n"
      "      <failure message=\"tcp/close/b#1.pkt:12: error: outbound packet "
      "mismatch: &lt;flags&gt;\" type=\"FAIL\">"
      "tcp/close/b#1.pkt:12: error: outbound packet mismatch: &lt;flags&gt;\n"
      "  script packet: &gt; S. 0:0(0)\n"
      "  actual packet: &gt; R 0:0(0) &amp; \"quoted\"\n"
      "</failure>\n"
      "    </testcase>\n"
      "  </testsuite>\n"
      "  <testsuite name=\"tcp.open\" tests=\"2\" failures=\"0\" errors=\"2\" "
      "skipped=\"0\" time=\"2.000\">\n"
      "    <testcase name=\"c.pkt (ipv4)\" classname=\"tcp.open\" "
      "file=\"/corpus/tcp/open/c.pkt\" time=\"2.000\">\n"
      "      <error message=\"synack: timed out after 2 s (--timeout)\" "
      "type=\"TIMEOUT\">synack: timed out after 2 s (--timeout)\n</error>\n"
      "    </testcase>\n"
      "    <testcase name=\"d.pkt (ipv4)\" classname=\"tcp.open\" "
      "file=\"/corpus/tcp/open/d.pkt\" time=\"0.000\">\n"
      "      <error message=\"d.pkt:3:1: error: bad\xEF\xBF\xBD byte "
      "\xEF\xBF\xBD here\" type=\"ERROR\">d.pkt:3:1: error: bad\xEF\xBF\xBD "
      "byte \xEF\xBF\xBD here\n</error>\n"
      "    </testcase>\n"
      "  </testsuite>\n"
      "</testsuites>\n",
      RenderJUnit(Entries(), 3));
}

TEST(ReportsTest, XmlEscape) {
  EXPECT_EQ("a&amp;b&lt;c&gt;d\"e'f\n\tg", XmlEscape("a&b<c>d\"e'f\n\tg", false));
  EXPECT_EQ("&quot;&apos;&#10;&#9;&#13;", XmlEscape("\"'\n\t\r", true));
  // Valid UTF-8 passes; what XML cannot hold becomes U+FFFD.
  EXPECT_EQ("caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80",
            XmlEscape("caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80", false));
  EXPECT_EQ("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDx",
            XmlEscape(std::string("\x00\x1b\x7f", 3).substr(0, 2) + "\xC3" + "x",
                      false));
  EXPECT_EQ("\xEF\xBF\xBD", XmlEscape("\xC0\x80", false).substr(0, 3));  // overlong
  // A surrogate: each of its bytes is an invalid sequence of its own.
  EXPECT_EQ("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD",
            XmlEscape("\xED\xA0\x80", false));
  EXPECT_EQ("\xEF\xBF\xBD", XmlEscape("\xEF\xBF\xBE", false));  // U+FFFE
}

TEST(ReportsTest, ClassNames) {
  EXPECT_EQ("tcp.close", ClassNameFor("tcp/close/a.pkt"));
  EXPECT_EQ("synack", ClassNameFor("a.pkt"));
  EXPECT_EQ("synack", ClassNameFor("/a.pkt"));
}

TEST(ReportsTest, FirstErrorLine) {
  EXPECT_EQ("x.pkt:3: error: no", FirstErrorLine({Verdict::kFail, 1,
                                                   "\nwarning: w\n"
                                                   "x.pkt:3: error: no\n"}));
  EXPECT_EQ("warning: w", FirstErrorLine({Verdict::kFail, 1, "  \nwarning: w\n"}));
  EXPECT_EQ("TIMEOUT", FirstErrorLine({Verdict::kTimeout, 1, ""}));
  EXPECT_EQ(200u, FirstErrorLine({Verdict::kFail, 1, std::string(500, 'e')}).size());
}

// A run made again alone after a timing failure: its first run's output
// goes with it, in both reports.
TEST(ReportsTest, RunAgainAfterATimingFailure) {
  ReportEntry entry;
  entry.file = "/corpus/tcp/x.pkt";
  entry.class_name = ClassNameFor("tcp/x.pkt");
  entry.name = "x.pkt (ipv4)";
  entry.label = entry.group = "tcp/x.pkt (ipv4)";
  entry.result = {Verdict::kPass, 0.5, ""};
  entry.result.first_output = "x.pkt:3: error: timing error: late\n";
  const std::string junit = RenderJUnit({entry}, 1);
  EXPECT_NE(std::string::npos,
            junit.find("    <testcase name=\"x.pkt (ipv4)\" classname=\"tcp\" "
                       "file=\"/corpus/tcp/x.pkt\" time=\"0.500\">\n"
                       "      <system-out>The first run failed on timing, with "
                       "other runs at once; this verdict is from running it "
                       "again alone. The first run:\n"
                       "x.pkt:3: error: timing error: late\n"
                       "</system-out>\n"
                       "    </testcase>\n"))
      << junit;
  EXPECT_NE(std::string::npos, junit.find("failures=\"0\"")) << junit;
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
  EXPECT_NE(std::string::npos,
            RenderJUnit({entry}, 1).find("</failure>\n      <system-out>"));
}

TEST(ReportsTest, SummaryNamesRunsThatPassedOnlyWhenRunAgain) {
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

}  // namespace
}  // namespace synack::cli
