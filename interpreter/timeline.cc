// Script time arithmetic: relative times, tolerance, timing verdicts.
#include "interpreter/timeline.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>

namespace synack::interpreter {

int64_t ToleranceUsecs(int64_t tolerance_usecs, double tolerance_percent,
                       int64_t event_us, int64_t previous_event_us) {
  const int64_t gap = std::max<int64_t>(0, event_us - previous_event_us);
  const auto by_percent =
      static_cast<int64_t>(std::llround(gap * tolerance_percent / 100.0));
  return std::max(tolerance_usecs, by_percent);
}

std::string FormatSeconds(int64_t usecs) {
  const char* sign = usecs < 0 ? "-" : "";
  const int64_t magnitude = usecs < 0 ? -usecs : usecs;
  char text[48];
  std::snprintf(text, sizeof text, "%s%" PRId64 ".%06" PRId64, sign,
                magnitude / 1000000, magnitude % 1000000);
  return text;
}

ExpectedTime Timeline::Resolve(const grammar::EventTime& time) const {
  using grammar::TimeKind;
  ExpectedTime expected;
  switch (time.kind) {
    case TimeKind::kAny:
      expected.any = true;
      expected.start_us = expected.end_us = base_us_;
      break;
    case TimeKind::kAbsolute:
      expected.start_us = expected.end_us = time.usecs;
      break;
    case TimeKind::kRelative:
      expected.start_us = expected.end_us = base_us_ + time.usecs;
      break;
    case TimeKind::kRange:
      expected.start_us = time.usecs;
      expected.end_us = time.end_usecs;
      break;
    case TimeKind::kRelativeRange:
      expected.start_us = base_us_ + time.usecs;
      expected.end_us = base_us_ + time.end_usecs;
      break;
  }
  return expected;
}

int64_t Timeline::ResolveEnd(const grammar::EventTime& time,
                             int64_t end_usecs) const {
  using grammar::TimeKind;
  const bool relative = time.kind == TimeKind::kRelative ||
                        time.kind == TimeKind::kRelativeRange ||
                        time.kind == TimeKind::kAny;
  return relative ? base_us_ + end_usecs : end_usecs;
}

int64_t Timeline::Tolerance(const ExpectedTime& expected,
                            int64_t tolerance_usecs,
                            double tolerance_percent) const {
  return ToleranceUsecs(tolerance_usecs, tolerance_percent, expected.end_us,
                        base_us_);
}

std::string CheckTiming(const std::string& what, const ExpectedTime& expected,
                        int64_t tolerance_us, int64_t actual_us) {
  if (expected.any) return "";
  const int64_t earliest = expected.start_us - tolerance_us;
  const int64_t latest = expected.end_us + tolerance_us;
  if (actual_us >= earliest && actual_us <= latest) return "";
  std::string when =
      expected.is_range()
          ? "between " + FormatSeconds(expected.start_us) + " and " +
                FormatSeconds(expected.end_us) + " sec"
          : "at " + FormatSeconds(expected.start_us) + " sec";
  std::string off = actual_us < earliest
                        ? "early by " + FormatSeconds(earliest - actual_us)
                        : "late by " + FormatSeconds(actual_us - latest);
  return "timing error: expected " + what + " " + when + " (+/- " +
         FormatSeconds(tolerance_us) + "), actual " +
         FormatSeconds(actual_us) + " sec (" + off + " sec)";
}

}  // namespace synack::interpreter
