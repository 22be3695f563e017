// CallCpu: sched_setaffinity on the calling thread.
#include "interpreter/call_cpu.h"

namespace synack::interpreter {

int CallCpu::PinHere() {
  if (pinned_) return cpu_;
  const int cpu = sched_getcpu();
  if (cpu < 0 || sched_getaffinity(0, sizeof before_, &before_) != 0) {
    return -1;
  }
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  if (sched_setaffinity(0, sizeof one, &one) != 0) return -1;
  pinned_ = true;
  cpu_ = cpu;
  return cpu;
}

void CallCpu::Release() {
  if (!pinned_) return;
  sched_setaffinity(0, sizeof before_, &before_);
  pinned_ = false;
  cpu_ = -1;
}

void PinThreadTo(int cpu) {
  if (cpu < 0) return;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  sched_setaffinity(0, sizeof one, &one);
}

}  // namespace synack::interpreter
