// StackShell: backtick commands on the stack backend. The lines that set
// or read sysctls (sysctl, echo > /proc/sys/..., packetdrill's
// set_sysctls.py and its restore script, shell scripts made of such lines
// like the corpus's defaults.sh), `ss` and `nstat` with `grep`, `cat` and
// `grep` of /proc/net/tcp and tcp6, `dd if=/dev/zero` and `rm` on the
// backend's own files, `sleep`,
// `ethtool -K` (segmentation offload), `ip tcp_metrics flush` and FIFO
// qdiscs from `tc` act on the stack; any other command is not modelled
// here and is skipped, with one line saying so.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/stack/route.h"
#include "runtime/stack/stack.h"
#include "runtime/stack/tcp_time.h"

namespace synack::stack {

// What the shell acts on: the stack behind the backend's lock, and its clock.
class ShellHost {
 public:
  virtual ~ShellHost() = default;
  // Sysctls::Set and Get: an error message ("EINVAL: ...", "ENOENT: ..."),
  // empty on success.
  virtual std::string SetSysctl(const std::string& name,
                                const std::string& value) = 0;
  virtual std::string GetSysctl(const std::string& name,
                                std::string* value) = 0;
  virtual std::vector<SocketSummary> Sockets() = 0;
  // The counters by nstat name (Stack::Counters()).
  virtual std::map<std::string, int64_t> Counters() = 0;
  // `sleep`: lets the virtual clock run on.
  virtual void Sleep(Duration duration) = 0;
  // `ethtool -K tun0 tso on|off`: the device's segmentation offload.
  virtual void SetDeviceTso(bool on) = 0;
  // `ip link set dev tun0 mtu N`: the device's MTU.
  virtual void SetDeviceMtu(int mtu) = 0;
  // `ip tcp_metrics flush`: forgets per-peer state (Fast Open cookies).
  virtual void FlushTcpMetrics() = 0;
  // `tc qdisc add dev tun0 root pfifo limit N` (nullopt: the default).
  virtual void SetQdiscLimit(std::optional<int> limit) = 0;
  // `ip route change|replace|add DST ...`: the route's metrics (DST as
  // written; false when it is not an address).
  virtual bool SetRoute(const std::string& dst, const RouteMetrics& metrics) = 0;
  // `dd ... of=FILE` and `rm FILE`: the backend's files (FileTable), never
  // the host's. RemoveFile says whether there was one.
  virtual void PutFile(const std::string& path, std::vector<uint8_t> data) = 0;
  virtual bool RemoveFile(const std::string& path) = 0;
  virtual std::optional<std::vector<uint8_t>> GetFile(const std::string& path) = 0;
};

struct ShellResult {
  int exit_status = 0;
  std::string output;  // stdout, then stderr
  // Each command skipped as not modelled on this backend, as written.
  std::vector<std::string> skipped;
};

class StackShell {
 public:
  explicit StackShell(ShellHost& host) : host_(host) {}

  // Runs `command` (one or more lines of /bin/sh) the way /bin/sh would,
  // for the commands above. `env` adds to the process environment;
  // PACKETDRILL_PID also answers ${PPID}, the shell's parent on the kernel
  // backend. A leading `cd DIR` sets the directory scripts resolve from.
  ShellResult Run(const std::string& command,
                  const std::map<std::string, std::string>& env);

  // The skipped commands as the one line a report shows.
  static std::string SkippedLine(const std::vector<std::string>& skipped);

 private:
  friend class ShellRun;
  ShellHost& host_;
  // What set_sysctls.py changed and the values before, oldest first: its
  // restore script (/tmp/sysctl_restore_<pid>.sh) puts them back.
  std::vector<std::pair<std::string, std::string>> saved_;
  // nstat's history file: the counters it last showed.
  std::map<std::string, int64_t> nstat_history_;
};

// `nstat [-a] [-s] [-n] [-r] [-z] [PATTERN...]` as iproute2 prints it: the
// change in each counter since `history`, non-zero ones only unless -z;
// `history` becomes `counters` unless -s. Returns the exit status.
int NstatCommand(const std::vector<std::string>& args,
                 const std::map<std::string, int64_t>& counters,
                 std::map<std::string, int64_t>* history, std::string* out,
                 std::string* err);

// The text of /proc/net/tcp (ipv6 false: AF_INET sockets) or
// /proc/net/tcp6 (AF_INET6 sockets, IPv4-mapped ones included).
std::string ProcNetTcp(const std::vector<SocketSummary>& sockets, bool ipv6);

// `ss` as Linux's iproute2 prints it for the options scripts use
// (-H -t -n -a -l, `state NAME`). Returns the exit status; the listing goes
// to `out`, errors to `err`.
int SsCommand(const std::vector<std::string>& args,
              const std::vector<SocketSummary>& sockets, std::string* out,
              std::string* err);

}  // namespace synack::stack
