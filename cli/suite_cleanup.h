// The suite's temporary directory (nstat's histories, the files of %{ }%
// blocks), which nothing outlives however synack ends, SIGKILL included.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

namespace synack::cli {

// A SIGKILLed synack runs no code, so nothing it does at its end can remove
// the directory. Where it may (root: CAP_SYS_ADMIN), the directory is the
// root of a tmpfs mounted nowhere (fsopen, fsmount): a file descriptor of
// synack's holds it, and its path is /proc/PID/fd/N, which commands and
// python3 reach as synack's children do. No name of it is in any file
// system and no process keeps it: the kernel frees it, files and all, when
// the last process holding it (synack, or a run forked from it) has exited,
// whichever process is killed when.
//
// Elsewhere a small process of its own, the reaper, keeps the directory: it
// makes it, then reads a pipe whose write end only synack and its forked
// runs hold (close-on-exec: no command or python3 holds it). The pipe ends
// when they have all exited, however; the reaper then removes the directory
// with everything in it and exits. It leads a session of its own, so a
// SIGKILL of synack's process group, a ^C or a terminal's hangup leaves it
// to do its work; a SIGKILL of the reaper too (`pkill -9 synack`) leaves
// the directory.
class SuiteCleanup {
 public:
  enum class Kind {
    kUnmountedTmpfs,  // else the reaper
    kReaper,
  };
  // Makes the directory: a tmpfs mounted nowhere when `kind` allows and the
  // kernel lets synack, else synack-XXXXXX in $TMPDIR (else /tmp) kept by a
  // reaper. Call it while synack has one thread. Null, and `error` set, when
  // neither can be made.
  static std::unique_ptr<SuiteCleanup> Start(
      std::string* error, Kind kind = Kind::kUnmountedTmpfs);

  // Unmounted: lets go of the tmpfs (freed once no run holds it). Else
  // tells the reaper that synack is ending (every run has been reaped) and
  // waits until it has removed the directory.
  ~SuiteCleanup();
  SuiteCleanup(const SuiteCleanup&) = delete;
  SuiteCleanup& operator=(const SuiteCleanup&) = delete;

  const std::string& dir() const { return dir_; }
  pid_t reaper() const { return reaper_; }  // -1 for the unmounted tmpfs

 private:
  SuiteCleanup(pid_t reaper, int fd, std::string dir)
      : reaper_(reaper), fd_(fd), dir_(std::move(dir)) {}
  pid_t reaper_;
  int fd_;  // the pipe's write end, or the tmpfs's mount
  std::string dir_;
};

}  // namespace synack::cli
