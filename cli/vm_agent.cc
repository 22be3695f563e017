// The guest's agent: one poll() over the port and the runs' processes.
#include "cli/vm_agent.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <memory>
#include <sstream>

#include "cli/run_child.h"
#include "cli/run_plan.h"
#include "cli/run_record.h"
#include "cli/run_resources.h"
#include "cli/sharding.h"
#include "runtime/vm/channel.h"
#include "runtime/vm/keeper.h"

namespace synack::cli {

namespace {

// As the run's child would have exited: the host's run process exits so.
int ExitStatusOf(const RunResult& result) {
  switch (result.verdict) {
    case Verdict::kPass:
      return 0;
    case Verdict::kFail:
      return result.timing_failure ? kTimingFailureStatus : 1;
    default:
      return 2;
  }
}

struct GuestRunning {
  RunProcess process;
  int record_fd = -1;
};

}  // namespace

int VmAgentCommand(const std::string& port) {
  const int channel = open(port.c_str(), O_RDWR | O_CLOEXEC);
  if (channel < 0) return 2;
  utsname uts{};
  uname(&uts);
  vm::WriteAll(channel, vm::EncodeFrame({"hello", 0, uts.release}));

  std::optional<SuitePlan> plan;
  std::unique_ptr<SuiteResources> resources;
  uint64_t seed = 1;
  double timeout_seconds = 300;
  std::map<uint64_t, GuestRunning> running;  // by tag
  int record_fd_for_child = -1;  // the next child's, inherited at its fork
  const ChildMain child_main = [&plan, &seed,
                                &record_fd_for_child](size_t job) -> int {
    RunChild(plan->jobs[job], seed, record_fd_for_child);
  };
  vm::FrameReader reader;
  while (true) {
    std::vector<pollfd> fds = {{channel, POLLIN, 0}};
    std::vector<uint64_t> tags;
    for (const auto& [tag, run] : running) {
      fds.push_back({run.process.pid_fd, POLLIN, 0});
      fds.push_back({run.process.output_fd, POLLIN, 0});
      tags.push_back(tag);
    }
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return 2;
    }
    for (size_t i = 0; i < tags.size(); ++i) {
      GuestRunning& run = running[tags[i]];
      if (fds[2 + 2 * i].revents & (POLLIN | POLLHUP)) {
        DrainRunOutput(run.process);
      }
      if (!(fds[1 + 2 * i].revents & POLLIN)) continue;
      const RunResult result = ReapRunProcess(run.process, timeout_seconds);
      vm::GuestRun answer;
      answer.exit_status = ExitStatusOf(result);
      answer.output = result.output;
      if (run.record_fd >= 0) {
        answer.record = SerializeRecord(ReadRecord(run.record_fd));
        close(run.record_fd);
      }
      vm::WriteAll(channel,
                   vm::EncodeFrame({"done", tags[i], EncodeGuestRun(answer)}));
      running.erase(tags[i]);
    }
    if (!(fds[0].revents & (POLLIN | POLLHUP))) continue;
    char buffer[65536];
    const ssize_t n = read(channel, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // The host closed the port: nothing more will come. (A virtio
      // console reads 0 while no host is connected; wait a little.)
      usleep(100000);
      continue;
    }
    reader.Feed(std::string_view(buffer, static_cast<size_t>(n)));
    while (auto frame = reader.Next()) {
      if (frame->kind == "plan") {
        const std::vector<std::string> fields = vm::SplitFields(frame->payload);
        std::ostringstream said;
        if (fields.empty() || chdir(fields[0].c_str()) != 0) {
          vm::WriteAll(channel, vm::EncodeFrame({"error", 0, "cannot enter " +
                                                 (fields.empty() ? "" : fields[0])}));
          continue;
        }
        const ParsedCommandLine parsed =
            ParseCommandLine({fields.begin() + 1, fields.end()});
        if (parsed.command_line) {
          seed = parsed.command_line->seed;
          timeout_seconds = parsed.command_line->timeout_seconds;
          plan = PlanSuite(*parsed.command_line, said);
        }
        if (!plan) {
          vm::WriteAll(channel, vm::EncodeFrame({"error", 0,
                                                 parsed.error + said.str()}));
          continue;
        }
        resources = SuiteResources::Acquire(*plan, !GetEnv("NSTAT_HISTORY"));
        vm::WriteAll(channel,
                     vm::EncodeFrame({"planned", 0,
                                      std::to_string(plan->jobs.size())}));
      } else if (frame->kind == "run" && plan) {
        const std::vector<std::string> fields = vm::SplitFields(frame->payload);
        const size_t job = std::strtoul(fields[0].c_str(), nullptr, 10);
        vm::GuestRun refused;
        if (job >= plan->jobs.size() || plan->suite_jobs[job].decided) {
          refused.output = "synack: the guest has no run " + fields[0] + "\n";
          vm::WriteAll(channel, vm::EncodeFrame({"done", frame->tag,
                                                 EncodeGuestRun(refused)}));
          continue;
        }
        plan->jobs[job].config.pcap_path = fields.size() > 1 ? fields[1] : "";
        GuestRunning run;
        run.record_fd =
            static_cast<int>(syscall(SYS_memfd_create, "synack-run", 0));
        record_fd_for_child = run.record_fd;
        std::string error;
        if (!StartRunProcess(job, plan->suite_jobs[job].realtime,
                             timeout_seconds, child_main, &run.process,
                             &error)) {
          if (run.record_fd >= 0) close(run.record_fd);
          refused.output = "synack: " + error + "\n";
          vm::WriteAll(channel, vm::EncodeFrame({"done", frame->tag,
                                                 EncodeGuestRun(refused)}));
          continue;
        }
        running[frame->tag] = std::move(run);
      } else if (frame->kind == "kill") {
        const auto found = running.find(frame->tag);
        if (found != running.end()) {
          KillRunProcess(found->second.process, Verdict::kInterrupted);
        }
      }
    }
    if (reader.bad()) return 2;
  }
}

}  // namespace synack::cli
