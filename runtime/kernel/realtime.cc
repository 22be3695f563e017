// DeferRealtime and EnterDeferredRealtime: sched_setscheduler, and the
// default attributes of later threads.
#include "runtime/kernel/realtime.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>

namespace synack::kernel {

namespace {

// The priority EnterDeferredRealtime takes; 0 when there is none to take.
int deferred_priority = 0;

}  // namespace

bool DeferRealtime(int priority) {
  sched_param param{};
  param.sched_priority = priority;
  if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &param) != 0) {
    return false;
  }
  sched_param idle{};
  sched_setscheduler(0, SCHED_IDLE, &idle);  // any thread may lower itself
  deferred_priority = priority;
  // Threads keep their own policy: the ones started from now on (the tick
  // measurement during the init command, blocking calls) start at SCHED_FIFO.
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
  pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
  pthread_attr_setschedparam(&attr, &param);
  pthread_setattr_default_np(&attr);
  pthread_attr_destroy(&attr);
  return true;
}

void EnterDeferredRealtime() {
  if (deferred_priority == 0) return;
  sched_param param{};
  param.sched_priority = deferred_priority;
  sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &param);
  deferred_priority = 0;
}

int CommandRealtimePriority() {
  sched_param param{};
  const int policy = sched_getscheduler(0);
  if (policy < 0 || (policy & ~SCHED_RESET_ON_FORK) != SCHED_FIFO) return 0;
  if (sched_getparam(0, &param) != 0) return 0;
  return std::max(param.sched_priority - 1, sched_get_priority_min(SCHED_FIFO));
}

void EnterCommandPriority(int priority) {
  if (priority <= 0) return;
  sched_param param{};
  param.sched_priority = priority;
  sched_setscheduler(0, SCHED_FIFO, &param);
}

}  // namespace synack::kernel
