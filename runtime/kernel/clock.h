// RealClock: the kernel backend's clock, CLOCK_MONOTONIC.
#pragma once

#include <future>
#include <optional>
#include <string>

#include "interpreter/clock.h"
#include "runtime/kernel/tick.h"

namespace synack::kernel {

class RealClock final : public interpreter::Clock {
 public:
  // The script's time 0 lies this far into a tick, as a fraction of the
  // tick: measured on packetdrill's corpus (HZ=250), the start phase that
  // keeps its timer-driven packets nearest to the times the scripts (written
  // on HZ=1000 kernels) expect. See bench/tick_phase.sh.
  static constexpr double kStartPhase = 0.3;

  interpreter::Instant Now() override;
  // Sleeps to an absolute deadline, so wake-up lateness does not add up
  // from one wait to the next.
  void WaitUntil(interpreter::Instant deadline) override;
  // CLOCK_REALTIME minus CLOCK_MONOTONIC, read when asked.
  interpreter::Duration RealtimeOffset() override;
  // kStartPhase into the first tick after `earliest` (once the tick is
  // measured: waits for StartMeasuringTick's result). `earliest` itself
  // when the tick is unknown.
  interpreter::Instant ScriptStart(interpreter::Instant earliest) override;

  // Measures the tick in the background (a few jiffies of sleep on another
  // thread), to be ready when the script starts: call before the init
  // command. Without it, ScriptStart measures then.
  void StartMeasuringTick();
  // The measured tick, or why it is unknown; waits for the measurement.
  const std::optional<TickGrid>& tick(std::string* why_unknown = nullptr);

 private:
  struct Measurement {
    std::optional<TickGrid> grid;
    std::string error;
  };
  std::future<Measurement> pending_;
  std::optional<Measurement> measured_;
};

}  // namespace synack::kernel
