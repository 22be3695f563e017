// `synack check` and `synack fmt`.
#include <fstream>
#include <ostream>

#include "cli/commands.h"
#include "cli/script_file.h"
#include "cli/variants.h"
#include "grammar/printer.h"

namespace synack::cli {

int CheckCommand(const CommandLine& cl, std::ostream& out, std::ostream& err) {
  // The runner's symbols are known, as when the script runs; the user's -D
  // values win.
  grammar::Defines defines =
      RunnerDefaults(interpreter::IpVersion::kIpv4).defines;
  for (const auto& [name, value] : cl.defines) defines[name] = value;

  int status = 0;
  int valid = 0;
  for (const std::string& path : cl.files) {
    LoadedScript loaded = LoadScript(path, defines);
    if (!loaded.read_error.empty()) {
      err << loaded.RenderProblems();
      status = 2;
      continue;
    }
    err << loaded.RenderProblems();  // warnings too
    if (loaded.ok()) {
      ++valid;
    } else if (status == 0) {
      status = 1;
    }
  }
  if (cl.verbose || cl.files.size() > 1) {
    out << valid << " of " << cl.files.size() << " scripts are valid\n";
  }
  return status;
}

int FmtCommand(const CommandLine& cl, std::ostream& out, std::ostream& err) {
  int status = 0;
  for (const std::string& path : cl.files) {
    LoadedScript loaded = ParseScriptFile(path);
    if (!loaded.ok()) {
      err << loaded.RenderProblems();
      status = loaded.read_error.empty() ? std::max(status, 1) : 2;
      continue;
    }
    const std::string text = grammar::Print(loaded.script);
    if (!cl.fmt_in_place) {
      out << text;
      continue;
    }
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    if (!file.flush()) {
      err << "synack: " << path << ": cannot write\n";
      status = 2;
    }
  }
  return status;
}

}  // namespace synack::cli
