// Rendering diagnostics: the `file:line:col: error: message` line, the source
// line, a caret under the column, and the hint.
#include "grammar/diagnostics.h"

#include <optional>
#include <string>

namespace synack::grammar {
namespace {

const char* SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kNote: return "note";
  }
  return "error";
}

// The 1-based line `line` of `source`, without its line break; nullopt when
// the source has no such line.
std::optional<std::string_view> SourceLine(std::string_view source, int line) {
  if (line < 1) return std::nullopt;
  size_t start = 0;
  for (int i = 1; i < line; ++i) {
    size_t newline = source.find('\n', start);
    if (newline == std::string_view::npos) return std::nullopt;
    start = newline + 1;
  }
  if (start > source.size()) return std::nullopt;
  size_t end = source.find('\n', start);
  if (end == std::string_view::npos) end = source.size();
  std::string_view text = source.substr(start, end - start);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

}  // namespace

std::string Render(const Diagnostic& diagnostic, std::string_view filename,
                   std::string_view source) {
  const Location& loc = diagnostic.loc;
  std::string out(filename);
  if (loc.line > 0) {
    out += ":" + std::to_string(loc.line);
    if (loc.column > 0) out += ":" + std::to_string(loc.column);
  }
  out += ": ";
  out += SeverityName(diagnostic.severity);
  out += ": ";
  out += diagnostic.message;
  out += "\n";

  if (std::optional<std::string_view> line = SourceLine(source, loc.line)) {
    out += "  ";
    out += *line;
    out += "\n";
    if (loc.column > 0) {
      // Copy tabs from the source line so the caret lines up however wide
      // the reader's tabs are.
      out += "  ";
      for (size_t i = 0; i + 1 < static_cast<size_t>(loc.column); ++i) {
        out += i < line->size() && (*line)[i] == '\t' ? '\t' : ' ';
      }
      out += "^\n";
    }
  }
  if (!diagnostic.hint.empty()) {
    out += "  hint: ";
    out += diagnostic.hint;
    out += "\n";
  }
  return out;
}

std::string RenderAll(const std::vector<Diagnostic>& diagnostics,
                      std::string_view filename, std::string_view source) {
  std::string out;
  for (const Diagnostic& diagnostic : diagnostics) {
    out += Render(diagnostic, filename, source);
  }
  return out;
}

bool HasErrors(const std::vector<Diagnostic>& diagnostics) {
  for (const Diagnostic& diagnostic : diagnostics) {
    if (diagnostic.severity == Severity::kError) return true;
  }
  return false;
}

}  // namespace synack::grammar
