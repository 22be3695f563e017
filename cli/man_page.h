// synack(1): the man page, rendered as roff from the help pages (help.cc),
// so that `man synack` and `synack help` say the same thing.
#pragma once

#include <string>

namespace synack::cli {

// One help page's text, after its Usage line, as man(7) requests: a
// paragraph (lines at column 0) is filled text after .PP, a one-line
// paragraph ending in ':' a bold heading; an indented line starts a .TP
// item whose tag is the text up to two spaces and whose body is the rest
// and the lines indented further below it.
std::string RoffFromHelp(const std::string& text);

// The whole page: NAME and DESCRIPTION from the overview, SYNOPSIS from
// every page's Usage line, then COMMANDS with one subsection per command.
std::string ManPage(const std::string& version);

}  // namespace synack::cli
