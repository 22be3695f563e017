// Tests for synack(1)'s rendering of the help pages.
#include "cli/man_page.h"

#include <gtest/gtest.h>

#include "cli/help.h"

namespace synack::cli {
namespace {

TEST(ManPageTest, ParagraphsAreFilledAndOneLineOnesEndingInColonAreHeadings) {
  EXPECT_EQ(".PP\nRuns each script\nagainst the kernel.\n"
            ".PP\n\\fBOptions:\\fR\n"
            ".PP\nExit status: 0 when\nall pass.\n",
            RoffFromHelp("Runs each script\nagainst the kernel.\n\nOptions:\n\n"
                         "Exit status: 0 when\nall pass.\n"));
}

TEST(ManPageTest, IndentedLinesAreItemsTaggedUpToTwoSpaces) {
  EXPECT_EQ(".PP\n\\fBOptions:\\fR\n"
            ".TP\n\\fB\\-w\\fR\nwrite the result back\n"
            ".TP\n\\fB\\-\\-backend=kernel|stack\\fR\nthe stack under test\n"
            "(default kernel)\n"
            ".TP\n\\fB\\-\\-strict_segments \\-\\-send_omit_free\\fR\n"
            ".PP\nAfter.\n",
            RoffFromHelp("Options:\n"
                         "  -w      write the result back\n"
                         "  --backend=kernel|stack\n"
                         "              the stack under test\n"
                         "              (default kernel)\n"
                         "  --strict_segments --send_omit_free\n"
                         "\nAfter.\n"));
}

TEST(ManPageTest, RoffsControlCharactersAreEscaped) {
  // A backslash would start an escape, a leading '.' or '\'' a request.
  EXPECT_EQ(".PP\na \\e b\n\\&.TH is not a request\n\\&'also not\n",
            RoffFromHelp("a \\ b\n.TH is not a request\n'also not\n"));
}

TEST(ManPageTest, HasTheSectionsAndEveryCommandsPage) {
  const std::string page = ManPage("1.2.3");
  EXPECT_NE(std::string::npos,
            page.find(".TH SYNACK 1 \"\" \"synack 1.2.3\" \"User Commands\"\n"));
  EXPECT_NE(std::string::npos,
            page.find(".SH NAME\nsynack \\- a scripted conformance tester for "
                      "TCP/IP stacks\n.SH SYNOPSIS\n.nf\n"
                      "synack COMMAND [OPTIONS] FILE...\n"
                      "synack check [\\-D NAME=value]... FILE...\n"));
  EXPECT_NE(std::string::npos, page.find(".SH DESCRIPTION\n"));
  for (const std::string& command : HelpCommands()) {
    EXPECT_NE(std::string::npos,
              page.find(".SS \"synack " + command + "\"\n"))
        << command;
  }
  // The run page's options, as items.
  EXPECT_NE(std::string::npos,
            page.find(".TP\n\\fB\\-\\-backend=kernel|stack|both\\fR\n"));
  EXPECT_NE(std::string::npos,
            page.find(".TP\n\\fB\\-\\-timeout=SECONDS\\fR\nkill a script"));
}

TEST(ManPageTest, HelpCommandsAreThoseWithAPage) {
  for (const std::string& command : HelpCommands()) {
    EXPECT_NE(HelpText(""), HelpText(command)) << command;
  }
  EXPECT_EQ(6u, HelpCommands().size());
}

}  // namespace
}  // namespace synack::cli
