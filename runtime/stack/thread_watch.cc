// ThreadWatch: threads of the process from /proc/self/task.
#include "runtime/stack/thread_watch.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace synack::stack {

ThreadWatch::~ThreadWatch() {
  if (task_dir_ != nullptr) closedir(task_dir_);
}

std::set<pid_t> ThreadWatch::Live() {
  std::set<pid_t> tids;
  // procfs lists the threads as they are at each read from the start:
  // rewinding is as good as opening again, at a third of the system calls
  // and without the path walk.
  const pid_t pid = getpid();
  if (task_dir_ != nullptr && task_dir_pid_ != pid) {
    closedir(task_dir_);  // inherited across fork(): the parent's threads
    task_dir_ = nullptr;
  }
  if (task_dir_ == nullptr) {
    task_dir_ = opendir("/proc/self/task");
    if (task_dir_ == nullptr) return tids;
    task_dir_pid_ = pid;
  } else {
    rewinddir(task_dir_);
  }
  while (const dirent* entry = readdir(task_dir_)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    tids.insert(static_cast<pid_t>(std::atoi(entry->d_name)));
  }
  return tids;
}

std::optional<size_t> ThreadWatch::Count() const {
  struct stat st;
  if (task_dir_ == nullptr || fstat(dirfd(task_dir_), &st) != 0 || st.st_nlink < 2) {
    return std::nullopt;
  }
  return static_cast<size_t>(st.st_nlink - 2);  // less "." and ".."
}

namespace {

pid_t ReadCurrentTid() {
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

}  // namespace

pid_t CurrentTid() {
  // A thread keeps its id for life; a fork()ed child's thread has a new
  // one (and the old one in its copy of this cache), hence the pid.
  thread_local pid_t cached_pid = 0;
  thread_local pid_t cached_tid = 0;
  const pid_t pid = getpid();
  if (pid != cached_pid) {
    cached_tid = ReadCurrentTid();
    cached_pid = pid;
  }
  return cached_tid;
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
