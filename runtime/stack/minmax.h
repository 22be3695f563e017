// A windowed minimum (Kathleen Nichols' algorithm, Linux's lib/minmax.c):
// the best, second best and third best samples over a sliding window, so
// that the minimum of the last `win` ticks is known in constant space. The
// stack keeps the min RTT this way (tcp_update_rtt_min, tcp_min_rtt_wlen).
#pragma once

#include <array>
#include <cstdint>

namespace synack::stack {

class WindowedMin {
 public:
  struct Sample {
    uint32_t t = 0, v = ~0u;
  };
  uint32_t Get() const { return s_[0].v; }
  uint32_t Reset(uint32_t t, uint32_t v) {
    s_.fill(Sample{t, v});
    return v;
  }
  // minmax_running_min(): takes sample v at time t.
  uint32_t Update(uint32_t win, uint32_t t, uint32_t v) {
    const Sample val{t, v};
    // A new minimum, or nothing left in the window: start over.
    if (val.v <= s_[0].v || val.t - s_[2].t > win) return Reset(t, v);
    if (val.v <= s_[1].v) {
      s_[2] = s_[1] = val;
    } else if (val.v <= s_[2].v) {
      s_[2] = val;
    }
    return SubwinUpdate(win, val);
  }

 private:
  uint32_t SubwinUpdate(uint32_t win, const Sample& val) {
    // minmax_subwin_update(): the best sample has aged out, or the second
    // and third are stale for their quarter and half of the window.
    const uint32_t dt = val.t - s_[0].t;
    if (dt > win) {
      s_[0] = s_[1];
      s_[1] = s_[2];
      s_[2] = val;
      if (val.t - s_[0].t > win) {
        s_[0] = s_[1];
        s_[1] = s_[2];
        s_[2] = val;
      }
    } else if (s_[1].t == s_[0].t && dt > win / 4) {
      s_[2] = s_[1] = val;
    } else if (s_[2].t == s_[1].t && dt > win / 2) {
      s_[2] = val;
    }
    return s_[0].v;
  }
  std::array<Sample, 3> s_{};
};

}  // namespace synack::stack
