// How long a script should take on a real clock, from its event times: what
// the suite runner orders its runs by.
#pragma once

#include <cstdint>

#include "grammar/ast.h"

namespace synack::cli {

// The time of the script's last event (or a blocking call's end), in
// microseconds after its init command, when every event happens on time.
// Commands and `%{ }%` blocks count as taking no time.
int64_t NominalDurationUsecs(const grammar::Script& script);

}  // namespace synack::cli
