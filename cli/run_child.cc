// A run's child: its backend, its run, its record and its exit status.
#include "cli/run_child.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/run_record.h"
#include "cli/vm_run.h"
#include "interpreter/run.h"
#include "runtime/kernel/kernel_backend.h"
#include "runtime/stack/stack_backend.h"

namespace synack::cli {

[[noreturn]] void RunChild(const PlannedJob& job, uint64_t seed, int record_fd) {
  const LoadedScript& loaded = *job.loaded;
  const interpreter::RunConfig& config = job.config;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);
  // On another kernel: the VM's guest runs it.
  if (!job.vm_socket.empty()) RunInVm(job, record_fd);

  namespace fs = std::filesystem;
  const std::string dir =
      fs::absolute(fs::path(loaded.path)).parent_path().string();
  if (chdir(dir.c_str()) != 0) {
    std::fprintf(stderr, "synack: cannot enter %s\n", dir.c_str());
    _exit(2);
  }
  std::unique_ptr<interpreter::Backend> backend;
  if (job.kind == BackendKind::kStack) {
    backend = std::make_unique<stack::StackBackend>(config.net, seed);
  } else {
    std::string error;
    backend = kernel::KernelBackend::Create(config.net, &error,
                                            config.tick_phase >= 0);
    if (!backend) {
      std::fprintf(stderr, "synack: %s: %s\n", loaded.path.c_str(),
                   error.c_str());
      _exit(2);
    }
  }
  RunRecord record;
  interpreter::TraceFn trace;
  if (config.verbose || record_fd >= 0) {
    trace = [&loaded, &config, &record, record_fd](const std::string& line) {
      if (config.verbose) {
        std::fprintf(stderr, "%s: %s\n", loaded.path.c_str(), line.c_str());
      }
      if (record_fd >= 0) record.events.push_back(ParseTraceLine(line));
    };
  }
  interpreter::RunReport report =
      interpreter::Run(loaded.script, *backend, config, dir, trace);
  const std::string text = interpreter::RenderReport(report, loaded.path);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
  if (record_fd >= 0) {
    for (const interpreter::Failure& failure : report.failures) {
      record.failures.push_back({failure.loc.line, failure.message});
    }
    WriteRecord(record_fd, record);
  }
  backend.reset();
  _exit(report.passed                 ? 0
        : report.FailedOnTimingOnly() ? kTimingFailureStatus
                                      : 1);
}

}  // namespace synack::cli
