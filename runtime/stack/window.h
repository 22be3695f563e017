// Receive-window arithmetic after Linux: space to window, the initial
// window and window-scale choice of tcp_select_initial_window().
#pragma once

#include <cstdint>

#include "runtime/stack/sysctls.h"

namespace synack::stack {

// tcp_win_from_space() with the default scaling_ratio of 128/256: half the
// buffer is window. Measured: with tcp_rmem[1] = 87380 the SYN offers
// 42340 = rounddown(43690, 1460); with 131072, 64240 = rounddown(65536, 1460).
inline uint32_t WinFromSpace(int64_t space) {
  return space <= 0 ? 0 : static_cast<uint32_t>((space * 128) >> 8);
}

struct InitialWindow {
  uint32_t rcv_wnd = 0;       // may exceed 65535; a SYN carries min(it, 65535)
  uint32_t window_clamp = 0;
  uint8_t rcv_wscale = 0;
};

// tcp_select_initial_window(): `space` is tcp_full_space() of the socket,
// `mss` the MSS less the timestamp option when one will be sent,
// `window_clamp` 0 for none. The scale covers max(space, tcp_rmem[2],
// rmem_max) so the window can grow later: 32 MB tcp_rmem[2] gives wscale 10
// (measured), 6 MB gives 7.
InitialWindow SelectInitialWindow(uint32_t space, uint32_t mss,
                                  uint32_t window_clamp, bool wscale_ok,
                                  const Sysctls& sysctls);

}  // namespace synack::stack
