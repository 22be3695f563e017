// The run's settings: packetdrill's command-line flags, overridden by a
// script's option lines, plus synack's own.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <vector>

#include "grammar/ast.h"
#include "grammar/flow_pattern.h"
#include "runtime/wire/packet.h"

namespace synack::interpreter {

enum class IpVersion { kIpv4, kIpv6, kIpv4MappedIpv6 };

// Addresses and ports as the stack under test sees them. For
// kIpv4MappedIpv6 the sockets are AF_INET6 with ::ffff:a.b.c.d addresses and
// the packets on the wire are IPv4.
struct NetConfig {
  IpVersion ip_version = IpVersion::kIpv4;
  wire::IpAddress local_ip;    // the stack's address (on tun0)
  wire::IpAddress remote_ip;   // the script's side
  wire::IpAddress gateway_ip;
  wire::IpAddress netmask_ip;  // IPv4 only
  int prefix_len = 16;         // IPv6 only (and derived from netmask for IPv4)
  int mtu = 1500;
  // --mss: every injected TCP packet goes to the kernel behind a virtio-net
  // header with this gso_size (packetdrill's run_packet.c and netdev.c);
  // 0: none.
  int mss = 0;
  uint16_t bind_port = 8080;
  uint16_t connect_port = 8080;

  // The socket address family scripts' sockets use.
  int socket_family() const;
  // The IP version of packets on the wire: AF_INET or AF_INET6.
  int wire_family() const;
};

struct RunConfig {
  NetConfig net;
  int64_t tolerance_usecs = 4000;
  double tolerance_percent = 12.5;
  int64_t tcp_ts_tick_usecs = 0;  // 0: outbound TS val is not checked
  bool tcp_ts_ecr_scaled = false;
  bool strict_segments = false;
  // --send_omit_free: the buffers of send(), sendto() and sendmsg() live
  // until the run ends, as packetdrill then never frees them
  // (run_system_call.c's sendcall_may_free()): pages a MSG_ZEROCOPY send
  // pinned are not handed to a later call while the kernel may still read
  // them.
  bool send_omit_free = false;
  // --ignore_flows: flows whose packets may go unmatched by any line, as
  // the default flow's may (Runner::CheckUnmatched).
  std::vector<grammar::FlowPattern> ignore_flows;
  std::map<std::string, std::string> defines;  // -D NAME=value
  bool verbose = false;
  std::string pcap_path;  // --pcap=FILE; empty: none
  // --non_fatal=packet,syscall: such failures become warnings and the run
  // goes on.
  bool non_fatal_packet = false;
  bool non_fatal_syscall = false;
  // For `synack run --update`: the run goes on past packet and system call
  // failures and tells its trace what actually happened at each line (see
  // Run() in run.h); an outbound line takes the next packet of its flow
  // with its flags, whatever its other fields.
  bool update = false;
  // A BlockServer's client_fd that runs the %{ }% blocks; -1: a python3 of
  // the run's own.
  int block_server_fd = -1;
  // NSTAT_HISTORY for the run's commands; empty: the environment's.
  std::string nstat_history;
  // Where the run makes its temporary files (a directory of the suite's
  // that is removed however synack ends); empty: $TMPDIR, else /tmp.
  std::string temp_dir;
  // --tick-phase: where in the kernel's timer tick the script's time 0
  // lies, as a fraction of the tick (Clock::ScriptStart); negative: where
  // the init command happens to end. A timer armed by an event fires on a
  // later tick (a bare FIN's ACK, delayed with ato 0, on the next one), so
  // an event just after a tick waits almost a jiffy, at the edge of the
  // 4 ms tolerance, and one just before it almost none. packetdrill's
  // scripts put events 10 ms (2.5 jiffies at HZ=250) apart, each some
  // 0.1 to 0.4 ms late: from 0.25, events land near 0.3 and 0.8 of a
  // tick, clear of the edge both ways (from 0.4, the +10 ms ones came at
  // 0.99 to 1.08: close-remote-fin-then-close's ACK 3.7 to 4.2 ms after
  // the FIN, failing as often as not). bench/tick_phase.sh measures it.
  double tick_phase = 0.25;
};

// Sets `config` from one flag as on packetdrill's command line or a script's
// option line (`name` without the leading `--`). Returns an error message,
// empty on success: unknown flag, bad value.
std::string ApplyOption(RunConfig& config, const std::string& name,
                        const std::string& value);

// packetdrill's defaults for an IP version (addresses, mtu), applied before
// any flag.
RunConfig DefaultConfig(IpVersion version);

// One flag from the command line: `--name=value` (value empty for a bare
// `--name`), or `-D NAME=value` as name "define".
struct Flag {
  std::string name;
  std::string value;
};

// The run's settings for a script: the defaults of the IP version (the
// command line's, else the script's, else ipv4), then the script's option
// lines, then the command-line flags. The command line wins, as in
// packetdrill, so a suite can widen every script's tolerance; a script line
// it overrides is skipped unchecked. Returns an error message, empty on
// success.
std::string ResolveConfig(const std::vector<Flag>& command_line,
                          const std::vector<grammar::OptionLine>& script_options,
                          RunConfig* config);

}  // namespace synack::interpreter
