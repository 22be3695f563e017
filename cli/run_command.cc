// `synack run`: each script in each of its IP variants, each run in a child
// process of its own that enters a private network namespace. A child that
// runs too long is killed; its namespace and TUN device die with it.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <ostream>

#include "cli/commands.h"
#include "cli/script_file.h"
#include "cli/variants.h"
#include "interpreter/run.h"
#include "runtime/kernel/kernel_backend.h"

namespace synack::cli {

namespace {

using interpreter::IpVersion;
using interpreter::RunConfig;

enum class Verdict { kPass, kFail, kError, kTimeout, kInterrupted };

struct RunOutcome {
  Verdict verdict = Verdict::kError;
  double seconds = 0;
};

std::optional<IpVersion> ParseIpVersion(const std::string& text) {
  if (text == "ipv4") return IpVersion::kIpv4;
  if (text == "ipv6") return IpVersion::kIpv6;
  if (text == "ipv4-mapped-ipv6") return IpVersion::kIpv4MappedIpv6;
  return std::nullopt;
}

// The variants to run `path` in: an explicit --ip_version wins, then -4/-6/
// --ipv4-mapped (in the script-name rule's order), then the script-name rule.
std::vector<IpVersion> SelectVariants(const CommandLine& cl,
                                      const std::string& path) {
  for (const auto& [name, value] : cl.flags) {
    if (name == "ip_version") {
      if (auto version = ParseIpVersion(value)) return {*version};
    }
  }
  std::vector<IpVersion> chosen = VariantsForScript(path);
  if (cl.variants.empty()) return chosen;
  std::vector<IpVersion> selected;
  for (IpVersion version : chosen) {
    for (IpVersion wanted : cl.variants) {
      if (version == wanted) {
        selected.push_back(version);
        break;
      }
    }
  }
  return selected;
}

// The run's configuration. The variant's flags are what packetdrill's
// runner puts on its command line, and packetdrill's command line overrides
// a script's option lines (which is why the corpus's
// fastopen/server/simple*.pkt, written for other addresses, fail under its
// runner); synack's own command line comes last.
std::string BuildConfig(const CommandLine& cl, const LoadedScript& loaded,
                        IpVersion version, const VariantDefaults& variant,
                        RunConfig* config) {
  std::vector<interpreter::Flag> command_line;
  for (const auto& [name, value] : variant.flags) {
    command_line.push_back({name, value});
  }
  for (const auto& [name, value] : cl.flags) {
    if (name != "ip_version") command_line.push_back({name, value});
  }
  command_line.push_back({"ip_version", VariantName(version)});
  std::string error = interpreter::ResolveConfig(
      command_line, loaded.script.options, config);
  if (!error.empty()) return loaded.path + ": " + error;
  config->defines = variant.defines;
  for (const auto& [name, value] : cl.defines) config->defines[name] = value;
  config->verbose = cl.verbose;
  return "";
}

// In the child: enter the namespace, run, exit with the verdict.
[[noreturn]] void RunChild(const LoadedScript& loaded, const RunConfig& config) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);

  namespace fs = std::filesystem;
  const std::string dir =
      fs::absolute(fs::path(loaded.path)).parent_path().string();
  if (chdir(dir.c_str()) != 0) {
    std::fprintf(stderr, "synack: cannot enter %s\n", dir.c_str());
    _exit(2);
  }
  std::string error;
  auto backend = kernel::KernelBackend::Create(config.net, &error);
  if (!backend) {
    std::fprintf(stderr, "synack: %s: %s\n", loaded.path.c_str(),
                 error.c_str());
    _exit(2);
  }
  interpreter::TraceFn trace;
  if (config.verbose) {
    trace = [&loaded](const std::string& line) {
      std::fprintf(stderr, "%s: %s\n", loaded.path.c_str(), line.c_str());
    };
  }
  interpreter::RunReport report =
      interpreter::Run(loaded.script, *backend, config, dir, trace);
  const std::string text = interpreter::RenderReport(report, loaded.path);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
  backend.reset();
  _exit(report.passed ? 0 : 1);
}

// Waits for `child` at most `timeout_seconds`, killing it on a timeout or on
// SIGINT/SIGTERM (read from `signal_fd`).
Verdict WaitForChild(pid_t child, double timeout_seconds, int signal_fd) {
  const int pid_fd = static_cast<int>(syscall(SYS_pidfd_open, child, 0));
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(timeout_seconds));
  Verdict killed_for = Verdict::kError;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd fds[2] = {{pid_fd, POLLIN, 0}, {signal_fd, POLLIN, 0}};
    const int ready =
        poll(fds, 2, static_cast<int>(std::max<int64_t>(0, left.count())));
    if (ready == 0 && killed_for == Verdict::kError) {
      killed_for = Verdict::kTimeout;
      kill(child, SIGKILL);
      continue;
    }
    if (ready > 0 && (fds[1].revents & POLLIN)) {
      signalfd_siginfo info;
      if (read(signal_fd, &info, sizeof info) > 0) {
        killed_for = Verdict::kInterrupted;
        kill(child, SIGKILL);
      }
      continue;
    }
    if (ready > 0 && (fds[0].revents & POLLIN)) break;
    if (ready < 0 && errno != EINTR) break;
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (pid_fd >= 0) close(pid_fd);
  if (killed_for != Verdict::kError) return killed_for;
  if (WIFEXITED(status)) {
    switch (WEXITSTATUS(status)) {
      case 0:
        return Verdict::kPass;
      case 1:
        return Verdict::kFail;
      default:
        return Verdict::kError;
    }
  }
  return Verdict::kError;
}

// fork() into a new PID namespace: the child is its namespace's init, so when
// it dies, however it dies, the kernel kills every process it left (the
// commands a script started and their children). Raw clone() like fork():
// synack's parent process is single-threaded here.
pid_t ForkIntoNewPidNamespace() {
  return static_cast<pid_t>(
      syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, nullptr, nullptr, nullptr, 0));
}

const char* VerdictWord(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "ok";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kError:
      return "ERROR";
    case Verdict::kTimeout:
      return "TIMEOUT";
    case Verdict::kInterrupted:
      return "INTERRUPTED";
  }
  return "?";
}

std::vector<std::string> ExpandPaths(const std::vector<std::string>& paths,
                                     std::ostream& err, bool* ok) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::recursive_directory_iterator(path, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".pkt") {
          found.push_back(entry.path().string());
        }
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(path, ec)) {
      files.push_back(path);
    } else {
      err << "synack: " << path << ": no such file or directory\n";
      *ok = false;
    }
  }
  return files;
}

}  // namespace

int RunCommand(const CommandLine& cl, std::ostream& out, std::ostream& err) {
  bool paths_ok = true;
  const std::vector<std::string> files = ExpandPaths(cl.files, err, &paths_ok);
  if (!paths_ok) return 2;

  // SIGINT and SIGTERM are read through a signalfd so that the child is
  // killed (and its namespace with it) before synack exits.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
  const int signal_fd = signalfd(-1, &stop_signals, SFD_CLOEXEC);

  int passed = 0, failed = 0, runs = 0;
  bool script_errors = false, interrupted = false;
  for (const std::string& path : files) {
    for (IpVersion version : SelectVariants(cl, path)) {
      if (interrupted) break;
      ++runs;
      const VariantDefaults variant = RunnerDefaults(version);
      grammar::Defines defines = variant.defines;
      for (const auto& [name, value] : cl.defines) defines[name] = value;
      LoadedScript loaded = LoadScript(path, defines);
      err << loaded.RenderProblems();
      RunConfig config;
      std::string config_error;
      if (loaded.ok()) {
        config_error = BuildConfig(cl, loaded, version, variant, &config);
        if (!config_error.empty()) err << "synack: " << config_error << "\n";
      }
      if (!loaded.ok() || !config_error.empty()) {
        script_errors = true;
        ++failed;
        out << "ERROR " << path << " (" << VariantName(version) << ")\n";
        continue;
      }
      if (!cl.pcap_path.empty()) {
        config.pcap_path = cl.pcap_path;
        if (files.size() > 1 || SelectVariants(cl, path).size() > 1) {
          config.pcap_path += std::string(".") + VariantName(version);
        }
      }

      std::fflush(nullptr);
      out.flush();
      err.flush();
      const auto start = std::chrono::steady_clock::now();
      const pid_t child = ForkIntoNewPidNamespace();
      if (child < 0) {
        err << "synack: cannot start a run: " << std::strerror(errno) << "\n";
        return 2;
      }
      if (child == 0) RunChild(loaded, config);
      const Verdict verdict = WaitForChild(child, cl.timeout_seconds, signal_fd);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
              .count();
      if (verdict == Verdict::kPass) {
        ++passed;
      } else {
        ++failed;
      }
      if (verdict == Verdict::kTimeout) {
        err << path << ": error: timed out after " << cl.timeout_seconds
            << " s (" << VariantName(version) << ")\n";
      }
      if (verdict == Verdict::kInterrupted) interrupted = true;
      if (runs > 1 || files.size() > 1 || SelectVariants(cl, path).size() > 1 ||
          cl.verbose) {
        out << std::left << std::setw(5) << VerdictWord(verdict) << " " << path
            << " (" << VariantName(version) << ") " << std::fixed
            << std::setprecision(3) << seconds << " s\n";
      }
    }
  }
  if (runs > 1) {
    out << passed << " passed, " << failed << " failed\n";
  }
  if (signal_fd >= 0) close(signal_fd);
  if (interrupted) return 130;
  if (failed == 0) return 0;
  return script_errors && passed + failed == 1 ? 2 : 1;
}

}  // namespace synack::cli
