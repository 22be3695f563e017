// PrepareForRealTime: sched_setscheduler and mlockall.
#include "runtime/kernel/realtime.h"

#include <sched.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstring>

namespace synack::kernel {

std::string PrepareForRealTime() {
  std::string problems;
  auto failed = [&](const char* what) {
    if (!problems.empty()) problems += "; ";
    problems += std::string(what) + ": " + std::strerror(errno);
  };
  sched_param param{};
  param.sched_priority = sched_get_priority_min(SCHED_RR);
  if (sched_setscheduler(0, SCHED_RR, &param) != 0) {
    failed("sched_setscheduler(SCHED_RR)");
  }
  // Two calls: MCL_ONFAULT would apply to the current mappings too, and
  // those should be faulted in now, not while a script runs. A call with
  // MCL_FUTURE alone leaves the current mappings' locks as they are.
  if (mlockall(MCL_CURRENT) != 0) {
    failed("mlockall(MCL_CURRENT)");
  } else if (mlockall(MCL_FUTURE | MCL_ONFAULT) != 0) {
    failed("mlockall(MCL_FUTURE | MCL_ONFAULT)");
  }
  return problems;
}

}  // namespace synack::kernel
