// The host's side of a run in a VM.
#include "cli/vm_run.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/run_record.h"
#include "runtime/vm/keeper.h"

namespace synack::cli {

[[noreturn]] void RunInVm(const PlannedJob& job, int record_fd) {
  namespace fs = std::filesystem;
  // The guest sees the host read-only but for the VM's work directory:
  // its pcap goes there, then here to where it was asked for.
  std::string scratch;
  if (!job.config.pcap_path.empty()) {
    scratch = job.vm_work_dir + "/out/" + std::to_string(getpid()) + ".pcap";
  }
  vm::GuestRun run;
  std::string error;
  if (!vm::RunInGuest(job.vm_socket, job.guest_job, scratch, &run, &error)) {
    std::fprintf(stderr, "synack: %s: %s\n", job.loaded->path.c_str(),
                 error.c_str());
    _exit(2);
  }
  std::fwrite(run.output.data(), 1, run.output.size(), stderr);
  std::fflush(stderr);
  if (record_fd >= 0) WriteRecord(record_fd, ParseRecord(run.record));
  if (!scratch.empty()) {
    std::error_code ec;
    fs::rename(scratch, job.config.pcap_path, ec);
    if (ec) {
      fs::copy_file(scratch, job.config.pcap_path,
                    fs::copy_options::overwrite_existing, ec);
      fs::remove(scratch, ec);
    }
  }
  _exit(run.exit_status);
}

}  // namespace synack::cli
