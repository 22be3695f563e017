// DeferredRelease: hands the last reference to a file (a socket, a TUN
// device) to the kernel's unix garbage collector, so that closing it costs
// this process nothing.
#pragma once

#include "runtime/kernel/unique_fd.h"

namespace synack::kernel {

// Why: closing an AF_PACKET socket waits for an RCU grace period
// (packet_release calls synchronize_net), about 15 ms on Linux 6.18 on this
// machine, and a process pays it in exit() before its parent sees it end.
// Closing a TUN descriptor takes RTNL, which other namespaces' teardown
// holds for milliseconds at a time. Any descriptor can be held so.
//
// How: a unix datagram socket pair, with the descriptor and the receiving
// end itself sent in flight over it. When this process closes the
// pair (destructor or exit, SIGKILL included) the receiving end is referenced
// only from its own queue: a cycle that the unix garbage collector frees from
// a workqueue (Linux >= 6.10; older kernels collect it synchronously, which
// is still correct, only not faster). If a collection is already running
// when the pair closes, the cycle waits for the next one, which the next
// close of any unix socket on the system schedules: the release is late
// then, never lost. The descriptor itself stays with its
// owner and works as before. Close it before the DeferredRelease
// goes: the other way round the collector may free the cycle first and
// leave the owner's close the last reference again.
class DeferredRelease {
 public:
  DeferredRelease() = default;
  // Best effort: when the cycle cannot be set up, holds nothing and the
  // socket is released the ordinary way.
  static DeferredRelease Hold(int fd);
  bool holding() const { return receiver_.valid(); }

  // Closes `fd` now, its release to follow in the kernel's own time.
  static void Close(UniqueFd fd);

 private:
  UniqueFd sender_, receiver_;
};

}  // namespace synack::kernel
