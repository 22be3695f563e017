#include "interpreter/timeline.h"

#include <gtest/gtest.h>

namespace synack::interpreter {
namespace {

using grammar::EventTime;
using grammar::TimeKind;

TEST(ToleranceTest, Table) {
  struct Case {
    int64_t usecs;
    double percent;
    int64_t event, previous;
    int64_t want;
  } cases[] = {
      {4000, 12.5, 100000, 0, 12500},       // 12.5% of 0.1 s beats 4 ms
      {4000, 12.5, 10000, 0, 4000},         // 12.5% of 10 ms is 1.25 ms
      {4000, 12.5, 1000000, 900000, 12500}, // only the gap counts
      {4000, 12.5, 32000, 0, 4000},         // exactly 4 ms either way
      {10000, 0, 5000000, 0, 10000},        // no percentage
      {0, 50, 300, 100, 100},
      {4000, 12.5, 100, 200, 4000},         // events out of order: no gap
      {4000, 12.5, 33333, 0, 4167},         // rounds to the nearest usec
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ToleranceUsecs(c.usecs, c.percent, c.event, c.previous), c.want)
        << c.usecs << " " << c.percent << " " << c.event << " " << c.previous;
  }
}

TEST(FormatSecondsTest, MicrosecondDigits) {
  EXPECT_EQ(FormatSeconds(0), "0.000000");
  EXPECT_EQ(FormatSeconds(150201), "0.150201");
  EXPECT_EQ(FormatSeconds(134000000), "134.000000");
  EXPECT_EQ(FormatSeconds(-2500), "-0.002500");
}

TEST(TimelineTest, RelativeTimesCountFromThePreviousActualTime) {
  Timeline timeline;
  ExpectedTime first = timeline.Resolve({TimeKind::kAbsolute, 1000000});
  EXPECT_EQ(first.start_us, 1000000);
  // A retransmission expected at 1 s came at 1.0156 s (within tolerance):
  // the next `+.01` counts from there, as the stack's timers do.
  timeline.Advance(1015600);
  ExpectedTime second = timeline.Resolve({TimeKind::kRelative, 10000});
  EXPECT_FALSE(second.any);
  EXPECT_FALSE(second.is_range());
  EXPECT_EQ(second.start_us, 1025600);
  EXPECT_EQ(second.end_us, 1025600);
}

TEST(TimelineTest, AbsoluteTimesIgnoreTheBase) {
  Timeline timeline;
  timeline.Advance(500000);
  EXPECT_EQ(timeline.Resolve({TimeKind::kAbsolute, 700000}).start_us, 700000);
}

TEST(TimelineTest, AnyTime) {
  Timeline timeline;
  timeline.Advance(100000);
  ExpectedTime any = timeline.Resolve({TimeKind::kAny});
  EXPECT_TRUE(any.any);
  timeline.Advance(1234567);
  EXPECT_EQ(timeline.Resolve({TimeKind::kRelative, 10000}).start_us, 1244567);
}

TEST(TimelineTest, RangesResolveBothEnds) {
  Timeline timeline;
  timeline.Advance(1000000);
  ExpectedTime range =
      timeline.Resolve({TimeKind::kRelativeRange, 210000, 215000});
  EXPECT_TRUE(range.is_range());
  EXPECT_EQ(range.start_us, 1210000);
  EXPECT_EQ(range.end_us, 1215000);
  ExpectedTime absolute = timeline.Resolve({TimeKind::kRange, 1000, 2000});
  EXPECT_EQ(absolute.start_us, 1000);
  EXPECT_EQ(absolute.end_us, 2000);
}

TEST(TimelineTest, BlockingEndSharesTheStartsBase) {
  Timeline timeline;
  timeline.Advance(300000);
  // `+.1...0.200 read(...)` after an event at 0.3: starts at 0.4, ends 0.5.
  EventTime start{TimeKind::kRelative, 100000};
  EXPECT_EQ(timeline.Resolve(start).start_us, 400000);
  EXPECT_EQ(timeline.ResolveEnd(start, 200000), 500000);
  // `0.4...0.5 read(...)`: both absolute.
  EXPECT_EQ(timeline.ResolveEnd({TimeKind::kAbsolute, 400000}, 500000),
            500000);
}

TEST(TimelineTest, ToleranceUsesTheGapFromThePreviousEvent) {
  Timeline timeline;
  timeline.Advance(1000000);
  ExpectedTime next = timeline.Resolve({TimeKind::kRelative, 400000});
  EXPECT_EQ(timeline.Tolerance(next, 4000, 12.5), 50000);
}

TEST(CheckTimingTest, OnTimeWithinTolerance) {
  ExpectedTime at{false, 100000, 100000};
  EXPECT_EQ(CheckTiming("outbound packet", at, 4000, 104000), "");
  EXPECT_EQ(CheckTiming("outbound packet", at, 4000, 96000), "");
}

TEST(CheckTimingTest, LateMessage) {
  ExpectedTime at{false, 100000, 100000};
  EXPECT_EQ(CheckTiming("outbound packet", at, 4000, 150201),
            "timing error: expected outbound packet at 0.100000 sec "
            "(+/- 0.004000), actual 0.150201 sec (late by 0.046201 sec)");
}

TEST(CheckTimingTest, EarlyMessage) {
  ExpectedTime at{false, 1000000, 1000000};
  EXPECT_EQ(CheckTiming("accept() to return", at, 125000, 500000),
            "timing error: expected accept() to return at 1.000000 sec "
            "(+/- 0.125000), actual 0.500000 sec (early by 0.375000 sec)");
}

TEST(CheckTimingTest, RangeWidenedByTolerance) {
  ExpectedTime range{false, 210000, 215000};
  EXPECT_EQ(CheckTiming("outbound packet", range, 4000, 206000), "");
  EXPECT_EQ(CheckTiming("outbound packet", range, 4000, 219000), "");
  EXPECT_EQ(CheckTiming("outbound packet", range, 4000, 220000),
            "timing error: expected outbound packet between 0.210000 and "
            "0.215000 sec (+/- 0.004000), actual 0.220000 sec (late by "
            "0.001000 sec)");
}

TEST(CheckTimingTest, AnyTimeAlwaysPasses) {
  ExpectedTime any{true, 0, 0};
  EXPECT_EQ(CheckTiming("outbound packet", any, 4000, 99000000), "");
}

}  // namespace
}  // namespace synack::interpreter
