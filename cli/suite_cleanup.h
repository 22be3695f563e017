// The suite's temporary directory (nstat's histories, the files of %{ }%
// blocks) and the process that removes it however synack ends, SIGKILL
// included.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

namespace synack::cli {

// A SIGKILLed synack runs no code, so a small process of its own, the
// reaper, keeps the directory: it makes it, then reads a pipe whose write
// end only synack and its forked runs hold (close-on-exec: no command or
// python3 holds it). The pipe ends when they have all exited, however;
// the reaper then removes the directory with everything in it and exits.
// It leads a session of its own, so a SIGKILL of synack's process group, a
// ^C or a terminal's hangup leaves it to do its work.
class SuiteCleanup {
 public:
  // Starts the reaper, which makes synack-XXXXXX in $TMPDIR (else /tmp).
  // Call it while synack has one thread. Null, and `error` set, when either
  // cannot be made.
  static std::unique_ptr<SuiteCleanup> Start(std::string* error);

  // Tells the reaper that synack is ending (every run has been reaped) and
  // waits until it has removed the directory.
  ~SuiteCleanup();
  SuiteCleanup(const SuiteCleanup&) = delete;
  SuiteCleanup& operator=(const SuiteCleanup&) = delete;

  const std::string& dir() const { return dir_; }
  pid_t reaper() const { return reaper_; }

 private:
  SuiteCleanup(pid_t reaper, int life_fd, std::string dir)
      : reaper_(reaper), life_fd_(life_fd), dir_(std::move(dir)) {}
  pid_t reaper_;
  int life_fd_;  // the pipe's write end
  std::string dir_;
};

}  // namespace synack::cli
