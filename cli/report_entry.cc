// Names, first error lines and files, shared by the reports.
#include "cli/report_entry.h"

#include <cstdio>
#include <fstream>
#include <ostream>

namespace synack::cli {

std::string ClassNameFor(const std::string& name) {
  const size_t slash = name.rfind('/');
  if (slash == std::string::npos || slash == 0) return "synack";
  std::string dir = name.substr(0, slash);
  std::string out;
  for (char c : dir) out += c == '/' ? '.' : c;
  return out;
}

std::string FirstErrorLine(const RunResult& result) {
  std::string first_line;
  size_t start = 0;
  const std::string& text = result.output;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    if (line.find("error:") != std::string::npos) {
      first_line = line;
      break;
    }
    if (first_line.empty() && line.find_first_not_of(" \t") != std::string::npos) {
      first_line = line;
    }
    start = end + 1;
  }
  if (first_line.empty()) first_line = VerdictWord(result.verdict);
  if (first_line.size() > 200) first_line = first_line.substr(0, 197) + "...";
  return first_line;
}

std::string ReportSeconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", seconds);
  return text;
}

bool WriteReportFile(const std::string& path, const std::string& text,
                     std::ostream& err) {
  if (path.empty()) return true;
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    err << "synack: cannot write " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace synack::cli
