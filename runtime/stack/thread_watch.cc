// ThreadWatch: threads of the process from /proc/self/task.
#include "runtime/stack/thread_watch.h"

#include <dirent.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace synack::stack {

std::set<pid_t> ThreadWatch::Live() {
  std::set<pid_t> tids;
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return tids;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    tids.insert(static_cast<pid_t>(std::atoi(entry->d_name)));
  }
  closedir(dir);
  return tids;
}

pid_t CurrentTid() {
  // The id as /proc names it: a process in a new PID namespace whose /proc
  // is still the parent's (synack's runner forks runs that way) lists its
  // threads under ids that gettid() does not return. /proc/thread-self
  // links to "<pid>/task/<tid>" in /proc's own numbering.
  char link[64];
  const ssize_t n = readlink("/proc/thread-self", link, sizeof link - 1);
  if (n > 0) {
    link[n] = '\0';
    if (const char* task = std::strstr(link, "/task/")) {
      return static_cast<pid_t>(std::atoi(task + 6));
    }
  }
  return static_cast<pid_t>(syscall(SYS_gettid));
}

void ThreadWatch::Baseline() {
  for (pid_t tid : Live()) baseline_.insert(tid);
  has_baseline_ = true;
}

std::set<pid_t> ThreadWatch::Unseen(const std::set<pid_t>& live) const {
  std::set<pid_t> unseen;
  if (!has_baseline_) return unseen;
  for (pid_t tid : live) {
    if (baseline_.count(tid) == 0 && seen_.count(tid) == 0) unseen.insert(tid);
  }
  return unseen;
}

}  // namespace synack::stack
