// RouteMetrics: what `ip route change DST ... advmss N mtu [lock] N
// initcwnd N` attaches to the route towards a peer (Linux's RTAX_*
// metrics), which TCP reads when a connection looks its route up.
#pragma once

#include <optional>

namespace synack::stack {

struct RouteMetrics {
  std::optional<int> advmss;    // RTAX_ADVMSS: the MSS we announce
  std::optional<int> mtu;       // RTAX_MTU: the path MTU
  bool mtu_lock = false;        // `mtu lock`: PMTU discovery may not lower it
  std::optional<int> initcwnd;  // RTAX_INITCWND: the initial window
};

}  // namespace synack::stack
