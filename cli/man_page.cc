// synack(1) from the help pages.
#include "cli/man_page.h"

#include <sstream>
#include <vector>

#include "cli/help.h"

namespace synack::cli {

namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

size_t Indent(const std::string& line) {
  return line.find_first_not_of(' ');
}

// Text for a roff text line: a backslash is roff's escape, so it is
// written \e; '-' is written \- so that options print as the minus signs
// one can copy into a shell (groff otherwise may print a hyphen); and a
// line that would start with a control character ('.' or '\'') is
// protected by the zero-width \&.
std::string Escape(const std::string& text) {
  std::string out;
  if (!text.empty() && (text[0] == '.' || text[0] == '\'')) out = "\\&";
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  return out;
}

// A page's Usage line and the text after it (the blank line dropped).
struct Page {
  std::string usage;
  std::string body;
};

Page SplitUsage(const std::string& text) {
  Page page;
  std::istringstream in(text);
  std::string line;
  std::string rest;
  bool found = false;
  while (std::getline(in, line)) {
    if (!found && line.rfind("Usage: ", 0) == 0) {
      page.usage = line.substr(7);
      found = true;
      if (in.peek() == '\n') in.get();
      continue;
    }
    if (found) page.body += line + "\n";
  }
  return page;
}

}  // namespace

std::string RoffFromHelp(const std::string& text) {
  const std::vector<std::string> lines = Lines(text);
  std::string out;
  size_t item_indent = 0;  // of the current .TP item's tag line; 0: none
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.empty()) {
      item_indent = 0;
      continue;
    }
    const size_t indent = Indent(line);
    if (indent == 0) {
      item_indent = 0;
      const bool starts = i == 0 || lines[i - 1].empty() ||
                          Indent(lines[i - 1]) != 0;
      const bool ends = i + 1 == lines.size() || lines[i + 1].empty() ||
                        Indent(lines[i + 1]) != 0;
      if (starts) out += ".PP\n";
      if (starts && ends && line.back() == ':') {
        out += "\\fB" + Escape(line) + "\\fR\n";
      } else {
        out += Escape(line) + "\n";
      }
      continue;
    }
    if (item_indent != 0 && indent > item_indent) {
      out += Escape(line.substr(indent)) + "\n";
      continue;
    }
    item_indent = indent;
    const std::string content = line.substr(indent);
    const size_t gap = content.find("  ");
    out += ".TP\n\\fB" + Escape(content.substr(0, gap)) + "\\fR\n";
    if (gap != std::string::npos) {
      out += Escape(content.substr(content.find_first_not_of(' ', gap))) +
             "\n";
    }
  }
  return out;
}

std::string ManPage(const std::string& version) {
  const Page overview = SplitUsage(HelpText(""));
  // The overview's first line is "synack: what it is.", its body from the
  // Usage line on.
  std::string summary = HelpText("");
  summary = summary.substr(0, summary.find('\n'));
  summary = summary.substr(summary.find(": ") + 2);
  if (!summary.empty() && summary.back() == '.') summary.pop_back();

  std::string out = ".\\\" Generated from synack's help pages (cli/help.cc) by"
                    " synack_man; edit those.\n";
  out += ".TH SYNACK 1 \"\" \"synack " + Escape(version) +
         "\" \"User Commands\"\n";
  out += ".SH NAME\nsynack \\- " + Escape(summary) + "\n";
  out += ".SH SYNOPSIS\n.nf\n";
  out += Escape(overview.usage) + "\n";
  for (const std::string& command : HelpCommands()) {
    out += Escape(SplitUsage(HelpText(command)).usage) + "\n";
  }
  out += ".fi\n.SH DESCRIPTION\n" + RoffFromHelp(overview.body);
  out += ".SH COMMANDS\n";
  for (const std::string& command : HelpCommands()) {
    out += ".SS \"synack " + command + "\"\n" +
           RoffFromHelp(SplitUsage(HelpText(command)).body);
  }
  return out;
}

}  // namespace synack::cli
