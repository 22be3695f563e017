// NominalDurationUsecs: the script's timeline with every event on time.
#include "cli/script_duration.h"

#include <algorithm>
#include <variant>

#include "interpreter/timeline.h"

namespace synack::cli {

int64_t NominalDurationUsecs(const grammar::Script& script) {
  interpreter::Timeline timeline;
  int64_t last = 0;
  for (const grammar::Event& event : script.events) {
    const interpreter::ExpectedTime expected = timeline.Resolve(event.time);
    // A range's event comes at its start at the earliest; its end is the
    // estimate's safe side.
    const int64_t at = expected.end_us;
    last = std::max(last, at);
    if (const auto* call = std::get_if<grammar::SyscallEvent>(&event.action)) {
      if (call->end_usecs) {
        last = std::max(last, timeline.ResolveEnd(event.time, *call->end_usecs));
      }
    }
    timeline.Advance(at);
  }
  return last;
}

}  // namespace synack::cli
