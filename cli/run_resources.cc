// The suite's shared resources: temporary directory, block server, signals.
#include "cli/run_resources.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <variant>

#include "interpreter/python_blocks.h"

namespace synack::cli {

bool HasCodeBlocks(const grammar::Script& script) {
  return std::any_of(script.events.begin(), script.events.end(),
                     [](const grammar::Event& event) {
                       return std::holds_alternative<grammar::CodeEvent>(
                           event.action);
                     });
}

bool HasCommands(const grammar::Script& script) {
  return script.init_command || script.cleanup_command ||
         std::any_of(script.events.begin(), script.events.end(),
                     [](const grammar::Event& event) {
                       return std::holds_alternative<grammar::CommandEvent>(
                           event.action);
                     });
}

std::unique_ptr<SuiteResources> SuiteResources::Acquire(SuitePlan& plan,
                                                        bool own_nstat) {
  auto resources = std::unique_ptr<SuiteResources>(new SuiteResources());
  std::vector<PlannedJob>& jobs = plan.jobs;
  // The suite's temporary files go in one directory that nothing outlives
  // however synack ends (SuiteCleanup), made only when a run needs
  // it: for its %{ }% blocks' files, and for nstat's history. nstat keeps
  // the counters it last showed in one file per user (/tmp/.nstat.u0):
  // runs side by side, each with its own namespace's counters, would take
  // each other's for their own and print wrong differences
  // (fastopen/server/icmp-before-accept.pkt's `nstat | grep`), so each
  // run's commands get a file of their own, unless the user chose one.
  // Before the block server: a reaper (without root) is forked while
  // synack has one thread and nothing else started.
  auto needs_files = [own_nstat](const PlannedJob& job) {
    const grammar::Script& script = job.loaded->script;
    return HasCodeBlocks(script) ||
           (own_nstat && job.kind == BackendKind::kKernel &&
            HasCommands(script));
  };
  std::unique_ptr<SuiteCleanup>& cleanup = resources->cleanup_;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (plan.suite_jobs[i].decided || !needs_files(jobs[i])) continue;
    if (!cleanup) {
      std::string error;
      cleanup = SuiteCleanup::Start(&error);
      // Without it, blocks' files go to $TMPDIR and runs share nstat's.
      if (!cleanup) break;
    }
    jobs[i].config.temp_dir = cleanup->dir();
    if (own_nstat) {
      jobs[i].config.nstat_history =
          cleanup->dir() + "/nstat." + std::to_string(i);
    }
  }

  // python3's start-up costs a tenth of a second of CPU (more through a
  // shim such as pyenv's): stack runs take milliseconds, and on the kernel
  // the CPU it takes makes the runs beside it late. %{ }% blocks go to one
  // python3 started here, which forks for each run; its worker enters the
  // run's network namespace, so that a block sees the run's network
  // (/proc/net, `ss`) and not synack's.
  std::unique_ptr<interpreter::BlockServer>& block_server =
      resources->block_server_;
  for (size_t i = 0; i < jobs.size(); ++i) {
    PlannedJob& job = jobs[i];
    if (plan.suite_jobs[i].decided || !HasCodeBlocks(job.loaded->script)) {
      continue;
    }
    if (!block_server) {
      block_server = interpreter::BlockServer::Start(
          "python3", interpreter::PythonDriver());
      if (!block_server) break;
    }
    job.config.block_server_fd = block_server->client_fd();
  }

  // SIGINT and SIGTERM are read through a signalfd so that the children are
  // killed (and their namespaces with them) before synack exits.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
  resources->stop_fd_ = signalfd(-1, &stop_signals, SFD_CLOEXEC);
  return resources;
}

SuiteResources::~SuiteResources() {
  if (stop_fd_ >= 0) close(stop_fd_);
  // Members go in reverse: the block server, then the directory.
}

}  // namespace synack::cli
