// Keeping a script's blocking calls on the processor of the thread that
// runs the script.
//
// A blocking call waits on its own thread (RunningCall) while the script
// goes on and injects packets. The kernel processes an injected packet in
// the injecting thread, and wakes the call's thread on the way: on another
// processor, the woken call can look at the socket halfway through (a
// poll() on a Fast Open client woken between the connection's
// establishment and the queueing of the SYN-ACK's data returns POLLOUT
// without POLLIN, as fastopen/client/synack-data.pkt saw under load). On
// the same processor, a woken real-time thread of the same priority waits
// until the script's thread sleeps: the packet has been processed whole,
// as on a machine with one processor.
#pragma once

#include <sched.h>

namespace synack::interpreter {

class CallCpu {
 public:
  // Pins the calling thread to the processor it runs on (if not pinned
  // already) and returns that processor; -1, and nothing pinned, when it
  // cannot.
  int PinHere();
  // Gives the calling thread back the processors it had before PinHere.
  void Release();

 private:
  bool pinned_ = false;
  int cpu_ = -1;
  cpu_set_t before_{};
};

// Pins the calling thread to processor `cpu`; nothing for -1.
void PinThreadTo(int cpu);

}  // namespace synack::interpreter
