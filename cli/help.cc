// Help pages for synack and each of its commands.
#include "cli/help.h"

namespace synack::cli {

namespace {

constexpr const char* kOverview = R"(synack: a scripted conformance tester for TCP/IP stacks.

Usage: synack COMMAND [OPTIONS] FILE...

Commands:
  check   check scripts for syntax and meaning errors
  fmt     print scripts in canonical form
  run     run scripts against the Linux kernel (needs root)
  help    show help for a command: synack help run

Options:
  -h, --help   show this help
  --version    show synack's version

Scripts are in packetdrill's .pkt language. Exit status: 0 when every
script passes (or checks clean), 1 when one does not, 2 on a usage error
or a script that cannot be read.
)";

constexpr const char* kCheck = R"(Usage: synack check [-D NAME=value]... FILE...

Parses and checks each script: syntax, unknown system calls, constants and
options, argument counts, times that cannot be met, sequence ranges.
Reports every problem as file:line:col with the source line and a caret.

Options:
  -D NAME=value, --define NAME=value
          define a symbol the script uses (as packetdrill's -D); the
          symbols packetdrill's runner defines (TFO_COOKIE, CMSG_LEVEL_IP,
          CMSG_TYPE_RECVERR) are known without it

Exit status: 0 when all scripts are valid, 1 when one is not, 2 on a usage
error or an unreadable file.
)";

constexpr const char* kFmt = R"(Usage: synack fmt [-w] FILE...

Prints each script in canonical form: one event per line, times aligned,
packets, system calls and expressions spelled one way. Comments are not
kept. Parsing the output gives the same script.

Options:
  -w      write the result back to the file instead of printing it

Exit status: 0 on success, 1 when a script has syntax errors, 2 on a usage
error or an unreadable file.
)";

constexpr const char* kRun = R"(Usage: synack run [OPTIONS] FILE...

Runs each script against the running Linux kernel, each in its own private
network namespace with a TUN device named tun0, in real time. Needs root
(CAP_NET_ADMIN). The host's network and sysctls are never touched.

Each script runs in packetdrill's IP variants: ipv4, ipv6 and
ipv4-mapped-ipv6, only ipv6 for names ending v6.pkt, only ipv4 and
ipv4-mapped-ipv6 for names ending v4.pkt; each variant with the addresses
and -D symbols that packetdrill's runner (run_all.py) passes.

Variant selection:
  -4                 run the ipv4 variant
  -6                 run the ipv6 variant
  --ipv4-mapped      run the ipv4-mapped-ipv6 variant

packetdrill's flags (as with packetdrill, the command line overrides the
script's own option lines; the variant's defaults count as command line,
the flags given here override those too):
  --ip_version=ipv4|ipv6|ipv4-mapped-ipv6
  --local_ip=ADDR --remote_ip=ADDR --gateway_ip=ADDR --netmask_ip=ADDR
  --mtu=BYTES --bind_port=PORT --connect_port=PORT
  --tolerance_usecs=USECS      (default 4000)
  --tolerance_percent=PERCENT  (default 12.5)
      an event passes when |actual - expected| <= max(tolerance_usecs,
      tolerance_percent/100 * (time since the previous event))
  --tcp_ts_tick_usecs=USECS --tcp_ts_ecr_scaled --strict_segments
  --send_omit_free and other packetdrill flags are accepted
  -D NAME=value, --define NAME=value   define a symbol
  -v, --verbose      print each event as it runs

synack's own options:
  --pcap=FILE        write every packet in and out to FILE (pcap; a
                     variant's name is added when several run)
  --timeout=SECONDS  kill a script that runs longer (default 300)

Exit status: 0 when every script passes in every variant, 1 when one
fails, 2 on a usage error or a script with errors.
)";

constexpr const char* kHelp = R"(Usage: synack help [COMMAND]

Shows the overview, or the page of one command (check, fmt, run).
)";

}  // namespace

std::string HelpText(const std::string& topic) {
  if (topic == "check") return kCheck;
  if (topic == "fmt") return kFmt;
  if (topic == "run") return kRun;
  if (topic == "help") return kHelp;
  return kOverview;
}

}  // namespace synack::cli
