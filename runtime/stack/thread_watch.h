// ThreadWatch: the threads started since a run began that have not yet
// reached the stack, so the virtual clock can wait for a blocking call's
// thread to make its call before moving on.
#pragma once

#include <sys/types.h>

#include <set>

namespace synack::stack {

// The interpreter starts each blocking call (`+0...0.2 accept(...)`) on a
// new thread and goes on at once. On a real clock the thread makes its call
// within microseconds; a virtual clock could jump seconds ahead before the
// thread has even started. Nothing tells the backend that such a thread
// exists, so it looks: every thread of the process (/proc/self/task) that
// was not there at Baseline() and has not been Seen() is a call on its way.
// Linux's thread ids only repeat after pid_max allocations, so a thread
// seen once stays known.
class ThreadWatch {
 public:
  // Takes the threads alive now as not the run's calls (the interpreter's
  // own thread, its watchdog, calls abandoned by an earlier run).
  void Baseline();
  bool has_baseline() const { return has_baseline_; }
  bool InBaseline(pid_t tid) const { return baseline_.count(tid) != 0; }
  // A thread reached the stack.
  void Seen(pid_t tid) { seen_.insert(tid); }
  // The threads alive now.
  static std::set<pid_t> Live();
  // Of `live`, the threads not in the baseline and not seen.
  std::set<pid_t> Unseen(const std::set<pid_t>& live) const;
  // Stops waiting for `tid` (a thread that never reaches the stack).
  void Ignore(pid_t tid) { baseline_.insert(tid); }

 private:
  std::set<pid_t> baseline_, seen_;
  bool has_baseline_ = false;
};

// The calling thread's id as /proc/self/task lists it.
pid_t CurrentTid();

}  // namespace synack::stack
