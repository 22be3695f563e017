// `nstat` over the stack's counters, as iproute2 prints them: the change
// since the last `nstat` of the run (the kernel backend gives each run its
// own NSTAT_HISTORY), or absolute values with -a.
#include <fnmatch.h>

#include <cstdio>

#include "runtime/stack/stack_shell.h"

namespace synack::stack {

int NstatCommand(const std::vector<std::string>& args,
                 const std::map<std::string, int64_t>& counters,
                 std::map<std::string, int64_t>* history, std::string* out,
                 std::string* err) {
  bool absolute = false, update = true, output = true, zeros = false;
  std::vector<std::string> patterns;
  for (const std::string& arg : args) {
    if (arg == "-a" || arg == "--ignore") {
      absolute = true;
    } else if (arg == "-s" || arg == "--noupdate") {
      update = false;
    } else if (arg == "-n" || arg == "--nooutput") {
      output = false;
    } else if (arg == "-r" || arg == "--reset") {
      history->clear();  // a new history: counts from zero
    } else if (arg == "-z" || arg == "--zeros") {
      zeros = true;
    } else if (!arg.empty() && arg[0] == '-') {
      *err += "nstat: option '" + arg + "' is not modelled on the stack backend\n";
      return 255;
    } else {
      patterns.push_back(arg);
    }
  }
  if (output) {
    *out += "#kernel\n";
    for (const auto& [name, value] : counters) {
      bool match = patterns.empty();
      for (const std::string& p : patterns) {
        match = match || fnmatch(p.c_str(), name.c_str(), 0) == 0;
      }
      if (!match) continue;
      int64_t shown = value;
      if (!absolute) {
        auto it = history->find(name);
        if (it != history->end()) shown -= it->second;
      }
      if (shown == 0 && !zeros) continue;
      // nstat's dump_kern_db(): "%-32s%-16llu%6.1f" (the rate is 0 here:
      // there is no daemon measuring it).
      char line[128];
      std::snprintf(line, sizeof line, "%-32s%-16lld%6.1f\n", name.c_str(),
                    static_cast<long long>(shown), 0.0);
      *out += line;
    }
  }
  if (update) *history = counters;
  return 0;
}

}  // namespace synack::stack
