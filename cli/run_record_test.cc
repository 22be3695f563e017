// Tests for a run's record: its text form, through a file descriptor, and
// the first difference between a kernel run and a stack run.
#include "cli/run_record.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace synack::cli {
namespace {

RunRecord Record(std::vector<std::string> trace,
                 std::vector<RunRecord::Failure> failures) {
  RunRecord record;
  for (const std::string& line : trace) record.events.push_back(ParseTraceLine(line));
  record.failures = std::move(failures);
  return record;
}

TEST(RunRecordTest, ParsesTraceLines) {
  const RunRecord::Event event =
      ParseTraceLine("line 12: 0.100211 > S. 0:0(0) ack 1 <mss 1460>");
  EXPECT_EQ(12, event.line);
  EXPECT_EQ("0.100211", event.seconds);
  EXPECT_EQ("> S. 0:0(0) ack 1 <mss 1460>", event.text);
}

TEST(RunRecordTest, TextRoundTrip) {
  const RunRecord record =
      Record({"line 3: 0.000000 socket(..., SOCK_STREAM, IPPROTO_TCP)",
              "line 7: 0.100400 > S 0:0(0) <mss 1460>"},
             {{7, "outbound packet mismatch\n  script packet: > S."},
              {0, "cannot write --pcap"}});
  const std::string text = SerializeRecord(record);
  EXPECT_EQ(
      "E line 3: 0.000000 socket(..., SOCK_STREAM, IPPROTO_TCP)\n"
      "E line 7: 0.100400 > S 0:0(0) <mss 1460>\n"
      "F 7 outbound packet mismatch\n"
      "F 0 cannot write --pcap\n",
      text);
  EXPECT_EQ(text, SerializeRecord(ParseRecord(text)));
  EXPECT_EQ("outbound packet mismatch", ParseRecord(text).FailureAt(7)->message);
  EXPECT_EQ(nullptr, ParseRecord(text).FailureAt(3));
}

TEST(RunRecordTest, ThroughAFileDescriptor) {
  const int fd = static_cast<int>(syscall(SYS_memfd_create, "record", 0));
  ASSERT_GE(fd, 0);
  const RunRecord record = Record({"line 4: 0.200000 < . 1:1(0) ack 1"}, {});
  WriteRecord(fd, record);
  EXPECT_EQ(SerializeRecord(record), SerializeRecord(ReadRecord(fd)));
  close(fd);
}

TEST(RunRecordTest, AgreeingRunsHaveNoDifference) {
  const RunRecord run = Record({"line 3: 0.000000 a", "line 4: 0.100000 b"}, {});
  EXPECT_EQ("", FirstDifference(run, run));
  // Times may differ: the runs agree on what passed.
  EXPECT_EQ("", FirstDifference(run, Record({"line 3: 0.000000 a",
                                             "line 4: 0.100300 b"},
                                            {})));
}

TEST(RunRecordTest, FirstEventThatOneRunFailed) {
  const RunRecord kernel = Record({"line 3: 0.000000 a", "line 4: 0.100000 b"}, {});
  const RunRecord stack = Record({"line 3: 0.000000 a", "line 4: 0.100000 b"},
                                 {{4, "outbound packet mismatch: <flags>"}});
  EXPECT_EQ("line 4: kernel: ok at 0.100000 s; stack: error: outbound packet "
            "mismatch: <flags>",
            FirstDifference(kernel, stack));
}

TEST(RunRecordTest, FirstEventThatOneRunDidNotReach) {
  const RunRecord kernel = Record({"line 3: 0.000000 a", "line 4: 0.100000 b"}, {});
  const RunRecord stack = Record({"line 3: 0.000000 a"}, {{0, "crashed"}});
  EXPECT_EQ("line 4: kernel: ok at 0.100000 s; stack: not reached (stopped: "
            "crashed)",
            FirstDifference(kernel, stack));
  EXPECT_EQ("line 4: kernel: not reached; stack: ok at 0.100000 s",
            FirstDifference(Record({"line 3: 0.000000 a"}, {}), kernel));
}

TEST(RunRecordTest, FailureAtTheEndOfOneRun) {
  const RunRecord kernel = Record({"line 3: 0.000000 a"}, {});
  const RunRecord stack = Record({"line 3: 0.000000 a"}, {{0, "unexpected packet"}});
  EXPECT_EQ("end of run: kernel: ok; stack: error: unexpected packet",
            FirstDifference(kernel, stack));
}

}  // namespace
}  // namespace synack::cli
