// ThreadWatch: the threads started since a run began that have not yet
// reached the stack, so the virtual clock can wait for a blocking call's
// thread to make its call before moving on.
#pragma once

#include <dirent.h>
#include <sys/types.h>

#include <cstddef>
#include <optional>
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
  ThreadWatch() = default;
  ~ThreadWatch();
  ThreadWatch(const ThreadWatch&) = delete;
  ThreadWatch& operator=(const ThreadWatch&) = delete;

  // Takes the threads alive now as not the run's calls (the interpreter's
  // own thread, its watchdog, calls abandoned by an earlier run).
  void Baseline();
  bool has_baseline() const { return has_baseline_; }
  bool InBaseline(pid_t tid) const { return baseline_.count(tid) != 0; }
  // A thread reached the stack.
  void Seen(pid_t tid) { seen_.insert(tid); }
  // The threads alive now. The stack asks before and after every event,
  // so /proc/self/task stays open and is read again from its start
  // (opened anew in a forked child).
  std::set<pid_t> Live();
  // How many threads the process has, from one fstat() (procfs counts
  // them in the task directory's link count); nullopt before Live().
  std::optional<size_t> Count() const;
  // Of `live`, the threads not in the baseline and not seen.
  std::set<pid_t> Unseen(const std::set<pid_t>& live) const;
  // Stops waiting for `tid` (a thread that never reaches the stack).
  void Ignore(pid_t tid) { baseline_.insert(tid); }

 private:
  std::set<pid_t> baseline_, seen_;
  bool has_baseline_ = false;
  DIR* task_dir_ = nullptr;
  pid_t task_dir_pid_ = 0;  // the process whose task directory it is
};

// The calling thread's id as /proc/self/task lists it (read once per
// thread and process).
pid_t CurrentTid();

}  // namespace synack::stack
