// The second stage of `synack run`: what the suite's runs share, made
// before the first starts and released after the last ends: the temporary
// directory (a tmpfs mounted nowhere, or a reaper's), the python3 block server, and the signalfd
// through which SIGINT and SIGTERM stop the suite.
#pragma once

#include <memory>

#include "cli/run_plan.h"
#include "cli/suite_cleanup.h"
#include "interpreter/block_server.h"

namespace synack::cli {

// A job's script has %{ }% blocks, or commands (init, backticks, cleanup).
bool HasCodeBlocks(const grammar::Script& script);
bool HasCommands(const grammar::Script& script);

class SuiteResources {
 public:
  // Makes what the plan's runs need and points their configurations at it
  // (RunConfig::temp_dir, nstat_history, block_server_fd). `own_nstat`:
  // the user chose no NSTAT_HISTORY, so each run on the kernel with
  // commands gets a file of its own. Runs decided at planning need nothing.
  // What cannot be made is done without (see the .cc).
  static std::unique_ptr<SuiteResources> Acquire(SuitePlan& plan,
                                                 bool own_nstat);
  ~SuiteResources();  // stops the block server, removes the directory

  // Readable when SIGINT or SIGTERM came (both blocked from here on); -1
  // when the signalfd could not be made.
  int stop_fd() const { return stop_fd_; }
  bool has_temp_dir() const { return cleanup_ != nullptr; }
  bool has_block_server() const { return block_server_ != nullptr; }

 private:
  std::unique_ptr<SuiteCleanup> cleanup_;
  std::unique_ptr<interpreter::BlockServer> block_server_;
  int stop_fd_ = -1;
};

}  // namespace synack::cli
