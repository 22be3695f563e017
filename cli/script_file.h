// Reading a script file and turning it into a checked syntax tree.
#pragma once

#include <string>
#include <vector>

#include "grammar/ast.h"
#include "grammar/checker.h"
#include "grammar/diagnostics.h"

namespace synack::cli {

struct LoadedScript {
  std::string path;
  std::string text;
  grammar::Script script;
  std::vector<grammar::Diagnostic> diagnostics;  // parse, then check
  std::string read_error;  // the file could not be read

  bool ok() const {
    return read_error.empty() && !grammar::HasErrors(diagnostics);
  }
  // The diagnostics (or the read error) as text for stderr.
  std::string RenderProblems() const;
};

// Reads, parses and (when it parses) checks `path` with `defines`;
// `sketches`: outbound packets may be flags alone (run --update).
LoadedScript LoadScript(const std::string& path,
                        const grammar::Defines& defines, bool sketches = false);

// Reads, parses; no checking (for fmt).
LoadedScript ParseScriptFile(const std::string& path);

}  // namespace synack::cli
