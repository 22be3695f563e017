// Booting the suite's VMs and pointing their runs at them.
#include "cli/vm_machines.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <ostream>

#include "cli/sharding.h"

namespace synack::cli {

namespace {

std::string SelfPath() {
  std::error_code ec;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("synack") : path.string();
}

}  // namespace

std::vector<std::string> GuestArgs(const std::vector<std::string>& args,
                                   int shard_index, int shard_count) {
  std::vector<std::string> guest = {"run"};
  bool shard_given = false;
  for (const std::string& arg : args) {
    if (arg.rfind("--kernel=", 0) == 0 || arg.rfind("--vm-accel=", 0) == 0) {
      continue;
    }
    if (arg.rfind("--shard-", 0) == 0) shard_given = true;
    guest.push_back(arg);
  }
  if (!shard_given && shard_count > 1) {
    // Before any "--": options after it would be files.
    const auto end = std::find(guest.begin(), guest.end(), "--");
    guest.insert(end, {"--shard-index=" + std::to_string(shard_index),
                       "--shard-count=" + std::to_string(shard_count)});
  }
  return guest;
}

std::unique_ptr<VmMachines> VmMachines::Start(SuitePlan& plan,
                                              const CommandLine& cl,
                                              std::ostream& out) {
  std::vector<size_t> guests;  // kernels that boot a VM
  for (size_t k = 0; k < plan.kernels.size(); ++k) {
    if (plan.kernels[k].kind != vm::KernelSource::Kind::kHost) {
      guests.push_back(k);
    }
  }
  if (guests.empty()) return nullptr;
  auto machines = std::unique_ptr<VmMachines>(new VmMachines());
  std::string error;
  // A directory with a name in the host's file system, kept by a reaper:
  // the guest reaches it through its 9p view of the host's root, where an
  // unmounted tmpfs (/proc/PID/fd/N) is not to be seen.
  machines->cleanup_ =
      SuiteCleanup::Start(&error, SuiteCleanup::Kind::kReaper);
  std::vector<std::string> failed(plan.kernels.size());
  std::string shard_error;
  const std::optional<Shard> shard = ResolveShard(
      cl.suite.shard_index, cl.suite.shard_count, GetEnv, &shard_error);
  std::vector<std::string> plan_fields = {
      std::filesystem::current_path().string()};
  for (const std::string& arg :
       GuestArgs(cl.args, shard ? shard->index : 0, shard ? shard->count : 1)) {
    plan_fields.push_back(arg);
  }
  std::vector<std::string> socket_names(plan.kernels.size());
  std::vector<std::string> work_dirs(plan.kernels.size());
  std::vector<int> keeper_of(plan.kernels.size(), -1);
  for (size_t k : guests) {
    if (!machines->cleanup_) {
      failed[k] = "no temporary directory for the VM: " + error;
      continue;
    }
    vm::VmSpec spec;
    spec.kernel = plan.kernels[k];
    spec.work_dir = machines->cleanup_->dir() + "/vm" + std::to_string(k);
    std::error_code ec;
    std::filesystem::create_directories(spec.work_dir, ec);
    spec.synack = SelfPath();
    spec.accel = cl.vm_accel;
    spec.plan = plan_fields;
    spec.socket_name = "synack-vm/" + std::to_string(getpid()) + "/" +
                       std::to_string(k);
    vm::VmKeeper keeper;
    if (!vm::VmKeeper::Start(spec, &keeper, &error)) {
      failed[k] = error;
      continue;
    }
    keeper_of[k] = static_cast<int>(machines->keepers_.size());
    machines->keepers_.push_back(keeper);
    socket_names[k] = spec.socket_name;
    work_dirs[k] = spec.work_dir;
  }
  // They boot side by side; each is waited for in turn.
  for (size_t k : guests) {
    if (keeper_of[k] < 0) continue;
    const vm::VmBoot boot =
        machines->keepers_[static_cast<size_t>(keeper_of[k])].WaitForBoot();
    if (!boot.ok) {
      failed[k] = boot.error;
      continue;
    }
    char line[256];
    std::snprintf(line, sizeof line,
                  "synack: %s: booted under %s in %.1f s (qemu's CPU time "
                  "%.1f s; prepared in %.1f s, planned in %.1f s)\n",
                  plan.kernels[k].release.c_str(), boot.accel.c_str(),
                  boot.boot_seconds, boot.boot_cpu_seconds,
                  boot.prepare_seconds, boot.plan_seconds);
    out << line << std::flush;
  }
  for (size_t i = 0; i < plan.jobs.size(); ++i) {
    PlannedJob& job = plan.jobs[i];
    if (!InVm(plan, job) || plan.suite_jobs[i].decided) continue;
    const size_t k = static_cast<size_t>(job.kernel);
    if (!failed[k].empty()) {
      plan.suite_jobs[i].decided =
          RunResult{Verdict::kError, 0,
                    "synack: the VM of " + plan.kernels[k].release +
                        " did not start: " + failed[k] + "\n"};
      continue;
    }
    job.vm_socket = socket_names[k];
    job.vm_work_dir = work_dirs[k];
  }
  return machines;
}

VmMachines::~VmMachines() {
  for (vm::VmKeeper& keeper : keepers_) keeper.Stop();
  // Then the reaper removes the work directories (cleanup_'s destructor).
}

}  // namespace synack::cli
