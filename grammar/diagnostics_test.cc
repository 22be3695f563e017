// Golden text for diagnostic rendering: header, source line, caret, hint.
#include "grammar/diagnostics.h"

#include "gtest/gtest.h"

namespace synack::grammar {
namespace {

Diagnostic Make(Severity severity, int line, int column, std::string message,
                std::string hint = "") {
  Diagnostic d;
  d.severity = severity;
  d.loc = Location{line, column};
  d.message = std::move(message);
  d.hint = std::move(hint);
  return d;
}

TEST(DiagnosticsTest, RendersLineCaretAndHint) {
  const char* source = "0 close(3) = 0\n+0 < S 0:0(0) wn 5\n";
  EXPECT_EQ(Render(Make(Severity::kError, 2, 15, "expected X, found 'wn'",
                        "try this"),
                   "a.pkt", source),
            "a.pkt:2:15: error: expected X, found 'wn'\n"
            "  +0 < S 0:0(0) wn 5\n"
            "                ^\n"
            "  hint: try this\n");
}

TEST(DiagnosticsTest, NoHintLineWithoutHint) {
  EXPECT_EQ(Render(Make(Severity::kWarning, 1, 1, "careful"), "a.pkt", "abc"),
            "a.pkt:1:1: warning: careful\n"
            "  abc\n"
            "  ^\n");
}

TEST(DiagnosticsTest, TabsLineUpTheCaret) {
  EXPECT_EQ(Render(Make(Severity::kError, 1, 5, "m"), "t.pkt", "\t+0\tx\n"),
            "t.pkt:1:5: error: m\n"
            "  \t+0\tx\n"
            "  \t  \t^\n");
}

TEST(DiagnosticsTest, CaretPastTheEndOfTheLine) {
  EXPECT_EQ(Render(Make(Severity::kNote, 1, 6, "here"), "t.pkt", "ab\r\ncd"),
            "t.pkt:1:6: note: here\n"
            "  ab\n"
            "       ^\n");
}

TEST(DiagnosticsTest, LocationOutsideTheSource) {
  EXPECT_EQ(Render(Make(Severity::kError, 9, 2, "gone", "h"), "t.pkt", "a\n"),
            "t.pkt:9:2: error: gone\n"
            "  hint: h\n");
  EXPECT_EQ(Render(Make(Severity::kError, 0, 0, "whole file"), "t.pkt", "a"),
            "t.pkt: error: whole file\n");
}

TEST(DiagnosticsTest, RenderAllAndHasErrors) {
  std::vector<Diagnostic> diagnostics = {
      Make(Severity::kWarning, 1, 1, "w"), Make(Severity::kError, 2, 2, "e")};
  EXPECT_EQ(RenderAll(diagnostics, "f", "x\nyz\n"),
            "f:1:1: warning: w\n  x\n  ^\n"
            "f:2:2: error: e\n  yz\n   ^\n");
  EXPECT_TRUE(HasErrors(diagnostics));
  diagnostics.pop_back();
  EXPECT_FALSE(HasErrors(diagnostics));
  EXPECT_FALSE(HasErrors({}));
}

}  // namespace
}  // namespace synack::grammar
