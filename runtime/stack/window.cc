// tcp_select_initial_window() for the own stack.
#include "runtime/stack/window.h"

#include <algorithm>
#include <bit>

namespace synack::stack {

InitialWindow SelectInitialWindow(uint32_t space, uint32_t mss,
                                  uint32_t window_clamp, bool wscale_ok,
                                  const Sysctls& sysctls) {
  constexpr uint32_t kMaxWscale = 14;
  InitialWindow out;
  if (window_clamp == 0) window_clamp = 65535u << kMaxWscale;
  space = std::min(window_clamp, space);
  // Quantize the offer to a multiple of the MSS.
  if (mss > 0 && space > mss) space = space / mss * mss;
  out.rcv_wnd = sysctls.tcp_workaround_signed_windows != 0
                    ? std::min<uint32_t>(space, 32767)
                    : space;
  if (wscale_ok) {
    uint32_t max_space = std::max<uint32_t>(
        space, static_cast<uint32_t>(std::max(0, sysctls.tcp_rmem[2])));
    max_space =
        std::max<uint32_t>(max_space, static_cast<uint32_t>(sysctls.rmem_max));
    max_space = std::min(max_space, window_clamp);
    const int log = max_space == 0 ? 0 : std::bit_width(max_space) - 1;
    out.rcv_wscale = static_cast<uint8_t>(
        std::clamp<int>(log - 15, 0, static_cast<int>(kMaxWscale)));
  }
  out.window_clamp =
      std::min<uint32_t>(65535u << out.rcv_wscale, window_clamp);
  return out;
}

}  // namespace synack::stack
