// Reading, parsing and checking script files.
#include "cli/script_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "grammar/parser.h"

namespace synack::cli {

namespace {

bool ReadWholeFile(const std::string& path, std::string* text,
                   std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    *error = path + ": cannot read: " + std::strerror(errno);
    return false;
  }
  *text = buffer.str();
  return true;
}

}  // namespace

std::string LoadedScript::RenderProblems() const {
  if (!read_error.empty()) return "synack: " + read_error + "\n";
  return grammar::RenderAll(diagnostics, path, text);
}

LoadedScript ParseScriptFile(const std::string& path) {
  LoadedScript loaded;
  loaded.path = path;
  if (!ReadWholeFile(path, &loaded.text, &loaded.read_error)) return loaded;
  grammar::ParseResult parsed = grammar::Parse(loaded.text);
  loaded.script = std::move(parsed.script);
  loaded.diagnostics = std::move(parsed.diagnostics);
  return loaded;
}

LoadedScript LoadScript(const std::string& path,
                        const grammar::Defines& defines, bool sketches) {
  LoadedScript loaded = ParseScriptFile(path);
  if (!loaded.ok()) return loaded;
  grammar::CheckOptions options;
  options.defines = defines;
  options.sketches = sketches;
  std::vector<grammar::Diagnostic> problems =
      grammar::Check(loaded.script, options);
  loaded.diagnostics.insert(loaded.diagnostics.end(), problems.begin(),
                            problems.end());
  return loaded;
}

}  // namespace synack::cli
