// Diagnostics: problems found in a script, with where they are, and the
// rendering that shows the source line and a caret under the spot.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "grammar/ast.h"

namespace synack::grammar {

enum class Severity { kError, kWarning, kNote };

struct Diagnostic {
  Severity severity = Severity::kError;
  Location loc;
  std::string message;  // "expected ')', found 'x'"
  std::string hint;     // optional: "did you mean 'SOCK_STREAM'?"
};

// Renders one diagnostic as
//   file:line:col: error: message
//     <the source line>
//         ^
//   hint: ...          (only when there is a hint)
// `source` is the whole script text the locations refer to.
std::string Render(const Diagnostic& diagnostic, std::string_view filename,
                   std::string_view source);

// Renders them all, in order, each ending with a newline.
std::string RenderAll(const std::vector<Diagnostic>& diagnostics,
                      std::string_view filename, std::string_view source);

bool HasErrors(const std::vector<Diagnostic>& diagnostics);

}  // namespace synack::grammar
