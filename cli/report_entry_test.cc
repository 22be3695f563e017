// Tests for what the reports share: class names, first error lines.
#include "cli/report_entry.h"

#include <gtest/gtest.h>

namespace synack::cli {
namespace {

TEST(ReportEntryTest, ClassNames) {
  EXPECT_EQ("tcp.close", ClassNameFor("tcp/close/a.pkt"));
  EXPECT_EQ("synack", ClassNameFor("a.pkt"));
  EXPECT_EQ("synack", ClassNameFor("/a.pkt"));
}

TEST(ReportEntryTest, FirstErrorLine) {
  EXPECT_EQ("x.pkt:3: error: no", FirstErrorLine({Verdict::kFail, 1,
                                                   "\nwarning: w\n"
                                                   "x.pkt:3: error: no\n"}));
  EXPECT_EQ("warning: w", FirstErrorLine({Verdict::kFail, 1, "  \nwarning: w\n"}));
  EXPECT_EQ("TIMEOUT", FirstErrorLine({Verdict::kTimeout, 1, ""}));
  EXPECT_EQ(200u, FirstErrorLine({Verdict::kFail, 1, std::string(500, 'e')}).size());
}

TEST(ReportEntryTest, Seconds) {
  EXPECT_EQ("1.500", ReportSeconds(1.5));
  EXPECT_EQ("0.000", ReportSeconds(0));
}

}  // namespace
}  // namespace synack::cli
