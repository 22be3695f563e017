// Rendering a run's verdict as compiler-style text.
#include "interpreter/run.h"

namespace synack::interpreter {

std::string RenderReport(const RunReport& report,
                         const std::string& filename) {
  std::string out;
  for (const Failure& failure : report.failures) {
    out += filename;
    if (failure.loc.line > 0) out += ":" + std::to_string(failure.loc.line);
    out += ": error: ";
    // Continuation lines are indented so each report stays one block.
    for (char c : failure.message) {
      out += c;
      if (c == '\n') out += "  ";
    }
    out += "\n";
  }
  for (const std::string& warning : report.warnings) {
    out += filename + ": warning: ";
    for (char c : warning) {
      out += c;
      if (c == '\n') out += "  ";
    }
    out += "\n";
  }
  return out;
}

}  // namespace synack::interpreter
