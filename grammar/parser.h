// The .pkt parser: text in, syntax tree and diagnostics out. Reentrant: all
// state lives in the objects of one Parse call.
#pragma once

#include <string_view>
#include <vector>

#include "grammar/ast.h"
#include "grammar/diagnostics.h"

namespace synack::grammar {

struct ParseResult {
  Script script;
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return !HasErrors(diagnostics); }
};

// Parses a whole script. On a syntax error the parser records a diagnostic,
// skips to the next line and goes on, so one run reports every bad line.
ParseResult Parse(std::string_view text);

}  // namespace synack::grammar
