// CommandRunner: runs a script's shell commands (backtick lines) with
// /bin/sh in the current network namespace, capturing their output, and
// makes sure none of them outlives synack.
#pragma once

#include <sys/types.h>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "interpreter/backend.h"
#include "interpreter/clock.h"
#include "runtime/kernel/unique_fd.h"

namespace synack::kernel {

// Each command runs as `/bin/sh -c COMMAND` with stdin from /dev/null,
// stdout and stderr into one pipe, the environment plus `env`, none of
// synack's descriptors, and default signal dispositions.
//
// Cleanup: the shell gets PR_SET_PDEATHSIG(SIGKILL), but that reaches only
// the shell, not what it leaves running in the background (`sleep 100 &`).
// So all commands join one process group led by a small guard process,
// forked on first use, which blocks reading a pipe only synack holds. When
// synack ends, however it ends (SIGKILL included), the pipe closes and the
// guard kills the whole group, itself with it. The group stays valid while
// the guard lives, so no reused process-group id is ever signalled.
class CommandRunner {
 public:
  CommandRunner() = default;
  CommandRunner(const CommandRunner&) = delete;
  CommandRunner& operator=(const CommandRunner&) = delete;
  // Kills every command still running (backgrounded ones included),
  // reaps the guard, and removes the sysctl restore files its commands
  // made (RestoreFileOf).
  ~CommandRunner();

  // Runs `command` and waits for the shell to exit; output written by
  // background processes after that is not collected. After `timeout` the
  // shell is killed (exit status 137) and a note is added to the output.
  // A failure to start gives exit status 127 and the reason as output.
  // Thread-safe: calls are serialized.
  interpreter::CommandResult Run(
      const std::string& command,
      const std::map<std::string, std::string>& env,
      std::optional<interpreter::Duration> timeout = std::nullopt);

 private:
  std::string StartGuard();
  // Run's body, with mutex_ held and the guard started.
  interpreter::CommandResult RunLocked(
      const std::string& command,
      const std::map<std::string, std::string>& env,
      std::optional<interpreter::Duration> timeout);

  std::mutex mutex_;
  pid_t guard_ = -1;
  // Restore files that did not exist before a command of ours made them.
  std::vector<std::string> restore_files_;
  UniqueFd guard_pipe_;  // write end; closing it ends the group
};

// packetdrill's set_sysctls.py (which the corpus's defaults.sh runs) saves
// the sysctls it changes as a shell script named after PACKETDRILL_PID, for
// the script to run at its end: /tmp/sysctl_restore_PID.sh. The sysctls it
// restores are the run's own namespace's, gone with it, so the file is of
// no use after the run. Empty without PACKETDRILL_PID in `env`.
std::string RestoreFileOf(const std::map<std::string, std::string>& env);

// waitpid's status as a shell reports it: the exit code, or 128 + signal.
int DecodeWaitStatus(int status);

}  // namespace synack::kernel
