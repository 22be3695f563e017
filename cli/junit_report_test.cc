// Tests for the JUnit report: golden XML, and a run made again after a
// timing failure.
#include "cli/junit_report.h"

#include <gtest/gtest.h>

#include "cli/sample_entries_test.h"

namespace synack::cli {
namespace {

TEST(JUnitReportTest, Golden) {
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
      RenderJUnit(SampleEntries(), 3));
}

TEST(JUnitReportTest, RunAgainAfterATimingFailure) {
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
  entry.result.verdict = Verdict::kFail;
  entry.result.output = "x.pkt:3: error: timing error: late again\n";
  EXPECT_NE(std::string::npos,
            RenderJUnit({entry}, 1).find("</failure>\n      <system-out>"));
}

}  // namespace
}  // namespace synack::cli
