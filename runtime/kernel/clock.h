// RealClock: the kernel backend's clock, CLOCK_MONOTONIC.
#pragma once

#include "interpreter/clock.h"

namespace synack::kernel {

class RealClock final : public interpreter::Clock {
 public:
  interpreter::Instant Now() override;
  // Sleeps to an absolute deadline, so wake-up lateness does not add up
  // from one wait to the next.
  void WaitUntil(interpreter::Instant deadline) override;
  // CLOCK_REALTIME minus CLOCK_MONOTONIC, read when asked.
  interpreter::Duration RealtimeOffset() override;
};

}  // namespace synack::kernel
