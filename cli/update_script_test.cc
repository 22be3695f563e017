// The updater, in the shape of scripts: a script, what a run of it noted,
// the script it becomes.
#include "cli/update_script.h"

#include <gtest/gtest.h>

#include "grammar/parser.h"

namespace synack::cli {
namespace {

struct UpdateCase {
  const char* name;
  const char* script;
  const char* record;  // SerializeRecord's form
  const char* updated;
  bool changed = true;
};

const UpdateCase kCases[] = {
    {"sketch_gets_every_field",
     "0 `true`\n"
     "+0 < S 0:0(0) win 1000 <mss 1000>\n"
     "+0 > S. // the answer\n",
     "E line 1: 0.000000 base\n"
     "E line 2: 0.000000 base\n"
     "E line 3: 0.000120 actual > S. 0:0(0) ack 1 win 65535 <mss 1460,nop>\n"
     "E line 3: 0.000120 base\n",
     "     0 `true`\n"
     "    +0 < S 0:0(0) win 1000 <mss 1000>\n"
     "    +0 > S. 0:0(0) ack 1 win 65535 <mss 1460,nop> // the answer\n"},
    {"what_the_line_left_open_stays_open",
     "0 > . 1:1(0) ack 9 <...>\n",
     "E line 1: 0.000000 actual > . 1:1(0) ack 1 win 200 <nop,nop,TS val 5 ecr 0>\n"
     "E line 1: 0.000000 base\n",
     "     0 > . 1:1(0) ack 1 <...>\n"},
    {"late_packet_is_retimed_and_the_next_line_keeps_its_time",
     "0 > .\n"
     "+.1 < . 1:1(0) ack 1 win 100\n",
     "E line 1: 0.040210 actual > . 1:1(0) ack 1 win 200\n"
     "E line 1: 0.040210 base\n"
     "E line 2: 0.140210 base\n",
     "  0.04 > . 1:1(0) ack 1 win 200\n"
     "  +0.1 < . 1:1(0) ack 1 win 100\n"},
    {"packet_no_line_foresaw_is_written_in_where_it_came",
     "0 write(4, ..., 10) = 10\n"
     "+.2 < . 1:1(0) ack 11 win 100\n"
     "+0 > F.\n",
     "E line 1: 0.000000 base\n"
     "E line 2: 0.200000 base\n"
     "E line 3: 0.000050 extra > P. 1:11(10) ack 1 win 200\n"
     "E line 3: 0.200100 actual > F. 11:11(0) ack 1 win 200\n"
     "E line 3: 0.200100 base\n",
     "     0 write(4, ..., 10) = 10\n"
     "    +0 > P. 1:11(10) ack 1 win 200\n"
     "  +0.2 < . 1:1(0) ack 11 win 100\n"
     "    +0 > F. 11:11(0) ack 1 win 200\n"},
    {"line_whose_packet_never_came_becomes_a_comment",
     "0 close(4) = 0\n"
     "+0 > F. // the FIN\n"
     "+.1 < . 1:1(0) ack 1 win 100\n",
     "E line 1: 0.000000 base\n"
     "E line 2: 0.008000 missing\n"
     "E line 2: 0.008000 base\n"
     "E line 3: 0.108000 base\n",
     "     0 close(4) = 0\n"
     "// synack run --update: no packet came for `+0 > F.` // the FIN\n"
     "+0.108 < . 1:1(0) ack 1 win 100\n"},
    {"system_call_result_and_errno",
     "0 read(4, ..., 10) = 10\n"
     "+0 close(4) = 0\n",
     "E line 1: 0.000000 returned -1 EAGAIN (Resource temporarily unavailable)\n"
     "E line 1: 0.000000 base\n"
     "E line 2: 0.000000 base\n",
     "     0 read(4, ..., 10) = -1 EAGAIN (Resource temporarily unavailable)\n"
     "    +0 close(4) = 0\n"},
    {"a_run_that_did_what_the_script_says_changes_nothing",
     "0 close(4) = 0\n"
     "+0 > F. 1:1(0) ack 1\n",
     "E line 1: 0.000000 base\n"
     "E line 2: 0.000100 matched\n"
     "E line 2: 0.000100 base\n",
     "     0 close(4) = 0\n"
     "    +0 > F. 1:1(0) ack 1\n",
     false},
    {"lines_the_run_never_reached_stay",
     "0 close(4) = 0\n"
     "+0 > F.\n",
     "E line 1: 0.000000 returned -1 EBADF (Bad file descriptor)\n",
     "     0 close(4) = 0\n"
     "    +0 > F.\n",
     false},
};

class UpdateTableTest : public testing::TestWithParam<UpdateCase> {};

TEST_P(UpdateTableTest, Updates) {
  const UpdateCase& c = GetParam();
  grammar::ParseResult parsed = grammar::Parse(c.script);
  ASSERT_TRUE(parsed.ok()) << c.script;
  UpdateOutcome outcome =
      UpdateScript(std::move(parsed.script), ParseRecord(c.record), 4000);
  EXPECT_EQ(c.updated, outcome.text);
  EXPECT_EQ(c.changed, outcome.changed);
}

INSTANTIATE_TEST_SUITE_P(
    Table, UpdateTableTest, testing::ValuesIn(kCases),
    [](const testing::TestParamInfo<UpdateCase>& param_info) {
      return std::string(param_info.param.name);
    });

// The script's own layout stays: comments, blank lines, spacing and the
// lines the update did not change, byte for byte; the changed line and the
// one written in are laid out as the lines there. Updated again after a
// run that did what it says, nothing changes.
TEST(UpdateScriptTextTest, KeepsTheLayoutOfWhatItDoesNotChange) {
  const std::string sketch =
      "// odd layout, kept\n"
      "--tolerance_usecs=4000\n"
      "\n"
      "0   write(4, ..., 10)=10      // no blanks around =\n"
      "      +.2    < . 1:1(0) ack 11 win 100\n"
      "\n"
      "/* a block\n"
      "   comment */\n"
      "  +0 >   F.     // the FIN\n"
      "+.1 < . 1:1(0) ack 2 win 100\n"
      "+0 %{\n"
      "x = 1\n"
      "}%\n"
      "// the end";
  const UpdateOutcome first = UpdateScriptText(
      sketch,
      ParseRecord("E line 4: 0.000000 base\n"
                  "E line 5: 0.200000 base\n"
                  "E line 9: 0.000050 extra > P. 1:11(10) ack 1 win 200\n"
                  "E line 9: 0.200100 actual > F. 11:11(0) ack 1 win 200\n"
                  "E line 9: 0.200100 base\n"
                  "E line 10: 0.300100 base\n"
                  "E line 11: 0.300100 base\n"),
      4000);
  EXPECT_TRUE(first.changed);
  EXPECT_EQ(
      "// odd layout, kept\n"
      "--tolerance_usecs=4000\n"
      "\n"
      "0   write(4, ..., 10)=10      // no blanks around =\n"
      "       +0    > P. 1:11(10) ack 1 win 200\n"
      "      +.2    < . 1:1(0) ack 11 win 100\n"
      "\n"
      "/* a block\n"
      "   comment */\n"
      "  +0 > F. 11:11(0) ack 1 win 200 // the FIN\n"
      "+.1 < . 1:1(0) ack 2 win 100\n"
      "+0 %{\n"
      "x = 1\n"
      "}%\n"
      "// the end",
      first.text);
  const UpdateOutcome second = UpdateScriptText(
      first.text,
      ParseRecord("E line 4: 0.000000 base\n"
                  "E line 5: 0.000050 matched\n"
                  "E line 5: 0.000050 base\n"
                  "E line 6: 0.200050 base\n"
                  "E line 10: 0.200100 matched\n"
                  "E line 10: 0.200100 base\n"
                  "E line 11: 0.300100 base\n"
                  "E line 12: 0.300100 base\n"),
      4000);
  EXPECT_FALSE(second.changed);
  EXPECT_EQ(first.text, second.text);
}

// A line whose packet never came becomes the comment alone; the comments
// before it stay where they were.
TEST(UpdateScriptTextTest, AMissingPacketsLineIsReplacedByItsComment) {
  const UpdateOutcome outcome = UpdateScriptText(
      "0 close(4) = 0\n"
      "// before the FIN\n"
      "\t+0\t> F.\n"
      "  +.1  < . 1:1(0) ack 1 win 100\n",
      ParseRecord("E line 1: 0.000000 base\n"
                  "E line 3: 0.008000 missing\n"
                  "E line 3: 0.008000 base\n"
                  "E line 4: 0.108000 base\n"),
      4000);
  EXPECT_EQ(
      "0 close(4) = 0\n"
      "// before the FIN\n"
      "// synack run --update: no packet came for `+0 > F.`\n"
      "+0.108  < . 1:1(0) ack 1 win 100\n",
      outcome.text);
}

// Where a run (the own stack's, of a script holding the kernel's answers)
// does otherwise, line by line: a packet sent otherwise, one that never
// came, one no line foresaw; a call with the result written, a packet as
// written and a late one within the tolerance are no difference.
TEST(DifferencesFromTest, EachLineWhereTheRunDidOtherwise) {
  const std::vector<LineDifference> differences = DifferencesFrom(
      "0 close(4) = 0\n"
      "+0 > F. 1:1(0) ack 1 win 100\n"
      "+.1 < F. 1:1(0) ack 2 win 100\n"
      "+0 > . 2:2(0) ack 2 win 100 // the last ACK\n"
      "+0 read(4, ..., 10) = 0\n",
      ParseRecord("E line 1: 0.000000 base\n"
                  "E line 2: 0.001000 actual > F. 1:1(0) ack 1 win 200\n"
                  "E line 2: 0.001000 base\n"
                  "E line 3: 0.101000 base\n"
                  "E line 4: 0.102000 missing\n"
                  "E line 4: 0.102000 base\n"
                  "E line 5: 0.102000 extra > R. 2:2(0) ack 2 win 0\n"
                  "E line 5: 0.102000 base\n"),
      4000);
  ASSERT_EQ(3u, differences.size());
  EXPECT_EQ(2, differences[0].line);
  EXPECT_EQ("+0 > F. 1:1(0) ack 1 win 100", differences[0].script);
  EXPECT_EQ("+0 > F. 1:1(0) ack 1 win 200", differences[0].run);
  EXPECT_EQ(4, differences[1].line);
  EXPECT_EQ("+0 > . 2:2(0) ack 2 win 100 // the last ACK",
            differences[1].script);
  EXPECT_EQ("", differences[1].run);
  EXPECT_EQ(5, differences[2].line);
  EXPECT_EQ("", differences[2].script);
  EXPECT_EQ("+0 > R. 2:2(0) ack 2 win 0", differences[2].run);
}

TEST(RoundTimeTest, AsCoarseAsStaysWithinTheSlack) {
  EXPECT_EQ(0, RoundTime(213, 1000));
  EXPECT_EQ(40000, RoundTime(40210, 1000));
  EXPECT_EQ(200000, RoundTime(200900, 1000));
  EXPECT_EQ(202000, RoundTime(201600, 1000));
  EXPECT_EQ(1234567, RoundTime(1234567, 0));
}

}  // namespace
}  // namespace synack::cli
