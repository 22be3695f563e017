// `synack list`: the runs `synack run` would make of the same files, one a
// line, for tools that register them one by one (cmake/SynackTests.cmake
// makes a ctest test of each).
#include <cmath>
#include <ostream>

#include "cli/commands.h"
#include "cli/script_duration.h"
#include "cli/script_file.h"
#include "cli/suite_plan.h"
#include "cli/variants.h"

namespace synack::cli {

int ListCommand(const CommandLine& cl, std::ostream& out, std::ostream& err) {
  bool paths_ok = true;
  const std::vector<ScriptFile> files = ExpandScripts(cl.files, err, &paths_ok);
  if (!paths_ok) return 2;
  for (const ScriptFile& file : files) {
    // The script's length is its timeline's, as the suite runner estimates
    // a run's; a script that does not parse has none ("-"), and says why
    // when it runs.
    const LoadedScript loaded = ParseScriptFile(file.path);
    std::string seconds = "-";
    if (loaded.ok()) {
      seconds = std::to_string(static_cast<long long>(
          std::ceil(NominalDurationUsecs(loaded.script) / 1e6)));
    }
    for (interpreter::IpVersion variant :
         SelectVariants(file.path, cl.variants)) {
      out << file.name << '\t' << VariantName(variant) << '\t' << seconds
          << '\t' << file.path << '\n';
    }
  }
  return 0;
}

}  // namespace synack::cli
