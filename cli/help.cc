// Help pages for synack and each of its commands.
#include "cli/help.h"

namespace synack::cli {

namespace {

constexpr const char* kOverview = R"(synack: a scripted conformance tester for TCP/IP stacks.

Usage: synack COMMAND [OPTIONS] FILE...

Commands:
  check   check scripts for syntax and meaning errors
  fmt     print scripts in canonical form
  run     run scripts against the Linux kernel (needs root) or synack's
          own TCP/IP stack (needs nothing)
  list    list the runs run would make, one a line, for other tools
  import  write a draft script from a capture (pcap, pcapng) of one TCP
          connection
  help    show help for a command: synack help run
  packetdrill ARGS...
          packetdrill's own command line, flags and exit statuses (also
          when synack is started through a link named packetdrill)

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
packets, system calls and expressions spelled one way. Comments and blank
lines are kept. Parsing the output gives the same script.

Options:
  -w      write the result back to the file instead of printing it

Exit status: 0 on success, 1 when a script has syntax errors, 2 on a usage
error or an unreadable file.
)";

constexpr const char* kRun = R"(Usage: synack run [OPTIONS] FILE...

Runs each script against the running Linux kernel, each in its own private
network namespace with a TUN device named tun0, in real time. Needs root
(CAP_NET_ADMIN). The host's network and sysctls are never touched.

With --backend=stack, runs each script against synack's own TCP/IP stack
instead: in a child process, with no privileges, on a virtual clock that
jumps from event to event (a script that spans minutes of TCP timers
finishes in milliseconds), the same way every time. There, backtick
commands that set sysctls (sysctl, echo > /proc/sys/..., set_sysctls.py,
shell scripts of such lines such as defaults.sh), `ss` piped to `grep`,
`sleep`, `ethtool -K tun0 tso off`, `ip tcp_metrics flush`, `ip link set
dev tun0 mtu N` and FIFO qdiscs from `tc` act on the stack; any other
command is skipped with a warning.

Each script runs in packetdrill's IP variants: ipv4, ipv6 and
ipv4-mapped-ipv6, only ipv6 for names ending v6.pkt, only ipv4 and
ipv4-mapped-ipv6 for names ending v4.pkt, only the one that a script's own
--ip_version= line names; each variant with the addresses and -D symbols
that packetdrill's runner (run_all.py) passes.

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
  --mss=BYTES        inject TCP packets as GSO packets of BYTES-byte
                     segments (a virtio-net gso_size)
  --send_omit_free   keep send(), sendto() and sendmsg() buffers until
                     the run ends, as packetdrill does
  --debug            the same as -v; --speed and the packetdrill flags
                     synack cannot honour are refused by name
  -D NAME=value, --define NAME=value   define a symbol
  -v, --verbose      print each event as it runs

synack's own options:
  --backend=kernel|stack|both
                     the stack under test (default kernel); both runs
                     each script on the kernel and on the own stack and
                     reports the first event where their verdicts differ
                     (a DIFF line); a script passes when it passes on both
  --seed=N           the own stack's key for ISNs, timestamps, SYN
                     cookies and ports (default 1): one seed, one run
  --pcap=FILE        write every packet in and out to FILE (pcap; a
                     variant's name is added when several run, and the
                     backend's with --backend=both)
  --timeout=SECONDS  kill a script that runs longer (default 300)
  --kernel=IMAGE     run the scripts on that kernel, in a qemu virtual
                     machine (repeatable: one VM per kernel, side by
                     side, each run named with the kernel's release, and
                     the summary ends with the scripts whose verdicts
                     differ between the kernels). IMAGE is a vmlinuz (its
                     modules from /lib/modules/RELEASE), a Debian
                     linux-image-*.deb, or host (the running kernel, no
                     VM). The guest sees the host's files read-only and
                     runs this synack; needs qemu-system-x86 and
                     busybox-static (tools/install-deps --vm)
  --vm-accel=auto|kvm|tcg
                     how guests run: auto tries KVM for 10 s and falls
                     back to qemu's TCG emulation (said in the output)
  --tick-phase=F     on the kernel, start each script F (0 to below 1) of
                     a timer tick after a tick (default 0.25), so that its
                     jiffy-based timers fire at the same script times run
                     after run; off: start where the init command ends, at
                     any phase, as packetdrill does
  --update[=dry]     rewrite FILE so that it passes, from what the stack
                     did (one variant): each outbound line gets what was
                     sent and when (`+0 > S.`, flags alone, is a sketch to
                     fill; `win` left out and `<...>` stay open), packets
                     no line foresaw are written in, lines whose packet
                     never came become comments, system calls get their
                     results; runs again until nothing changes (4 runs at
                     most). dry: print a unified diff, write nothing.
                     Lines it does not change stay as written. With
                     --backend=both: the kernel's answers are written and
                     each line where the own stack does otherwise is said
                     (exit 1)

Suites (directories are searched for *.pkt files, recursively):
  -j N, --jobs=N     runs at once (default: 8 per processor on the
                     kernel, one per processor on the own stack). A
                     script runs at real-time priority from its time 0,
                     its commands at normal priority, and its set-up
                     before that (namespace, TUN device, init command) at
                     idle priority, so that one run's set-up cannot make
                     another, or its commands, late
  --no-realtime      run everything at normal priority
  --filter=REGEX     only the scripts whose path matches REGEX (RE2
                     syntax, anywhere in the path)
  --timing-retries=N a run on the kernel that fails on timing alone (an
                     event early or late, nothing else wrong) runs again,
                     up to N times, alone: after all runs have started and
                     set up, one at a time, and from the second time on
                     once no other run is left. Its verdict is the last
                     run's; the summary and the reports name the runs
                     that passed only so. Default 2 in a suite, 0 for a
                     single run, with --repeat and on the own stack (whose
                     clock is its own)
  --repeat=N         run each script and variant N times in a row (to hunt
                     flaky scripts: the summary lists those whose verdicts
                     differ)
  --fail-fast        stop at the first run that does not pass; the runs
                     under way are stopped and all others reported skipped
  --shard-index=I --shard-count=N
                     run only shard I (from 0) of N: every Nth (script,
                     variant) after --filter, from the Ith, the same for
                     the same files and options on every machine. Without
                     these flags, Bazel's TEST_SHARD_INDEX and
                     TEST_TOTAL_SHARDS (synack touches
                     TEST_SHARD_STATUS_FILE) or GoogleTest's
                     GTEST_SHARD_INDEX and GTEST_TOTAL_SHARDS choose it
  --tap=FILE         write the results to FILE as TAP version 13
  --junit=FILE       write the results to FILE as JUnit XML: a testcase
                     per script and variant, its classname the script's
                     directory, a failure's diagnostics as its text
                     (with --html, a link to the run's place in the page)
  --html=DIR         write DIR/index.html: one page, no network needed,
                     with a ladder diagram of each failing run (what the
                     script expected, what the stack did, the first
                     difference marked) and the passing runs' times
  --pcap-dir=DIR     write one pcap per script and variant, named
                     DIR/DIRECTORY/SCRIPT.VARIANT.pcap

Output: a line per run on stdout ("ok", "FAIL", "ERROR", "TIMEOUT" or
"SKIP", the path, the variant, the seconds it took) and each failing run's
diagnostics on stderr after its line, once and whole; on a terminal, a
status line instead of the lines of runs that pass. Then a summary: the
counts, the wall time, the five slowest runs, with --repeat the runs
whose verdicts differ, and the runs that passed only when run again alone.

Every packet the stack sends is examined. A packet line is compared with
the next packet of its own flow; packets of other flows wait for their own
lines, so two flows that send at the same instant match in either order. A
packet on a flow named by ports (`8080>40003`), or on one no line has
mentioned, that no line has matched fails the run once it is older than
the tolerance when an inbound packet, a system call, a command or a %{ }%
block comes, and at the end of the script (which waits one tolerance for
stragglers when there are several flows). Flows that lines without ports
are about (packetdrill's socket under test, now or earlier) keep
packetdrill's rule: their packets are compared with their later lines in
order, and those after their last line are not examined. To let some flows'
other packets go unmatched, name them in an option line or flag:
  --ignore_flows=LOCAL>REMOTE[,...]
                     each side a port, FIRST-LAST or *, the stack's port
                     first: --ignore_flows=8080>40000-40999. Lines about
                     these flows still match their packets in order

On the kernel, each script starts at the same phase of the kernel's timer
tick (--tick-phase; the tick is measured while its init command runs): the
kernel's delayed ACK, RTO, TLP and RACK timers fire on ticks, a whole
4 ms apart at HZ=250, and the phase decides between on time and late.

Exit status: 0 when every script passes in every variant, 1 when one
fails, 2 on a usage error or a script with errors.
)";

constexpr const char* kList = R"(Usage: synack list [-4] [-6] [--ipv4-mapped] FILE...

Lists the runs that synack run would make of the same files and variant
flags, one a line, in its order, four fields separated by tabs: the
script's name (as reports name it: a directory argument's own name, then
the path under it), the variant, the script's length in whole seconds
when every event comes on time ("-" when the script does not parse) and
the path to run. For tools that register each run as a test of their own,
such as the CMake module (find_package(synack) and synack_add_tests()).

Exit status: 0 on success, 2 on a usage error or a path that does not
exist.
)";

constexpr const char* kImport = R"(Usage: synack import [OPTIONS] CAPTURE

Reads a pcap or pcapng capture (raw IP, Ethernet, Linux cooked or loopback
frames; IPv4 and IPv6) of one TCP connection and prints a first draft of a
script for it: the peer's packets as < lines and the local side's (the
stack under test) as > lines, with times relative to the line before,
flags, sequence numbers counted from each side's SYN (S 0:0(0), then
1:1001(1000) ack 1), window and options; and the system calls the packets
imply: socket, bind, listen and accept for a passive open, a non-blocking
connect for an active one, a write per write the segments' PSH flags and
timing show, reads of what arrived, shutdown or close before the local FIN
(with SO_LINGER 0 before a RST). Of the sysctls and socket options, those
the wire shows are drafted: tcp_timestamps, tcp_sack, tcp_window_scaling
off (options a SYN leaves out), TCP_MAXSEG (an MSS below a 1500-byte
link's), IP_TOS or IPV6_TCLASS (the DSCP sent), TCP_DEFER_ACCEPT (a
SYN-ACK sent again after the ACK), TCP_SYNCNT (a RST after the SYN-ACK's
retries); what it shows but cannot carry (Fast Open, MD5 keys, a full
queue, a FIN_WAIT_2 timeout) is said in a comment there. Edit the draft.

The local side: with a peer at a documentation address (192.0.2.0/24,
2001:db8::/32, where packetdrill and synack put the script's peer), the
other one; else the one that answers the SYN with a SYN-ACK (a passive
open); else the one that sent the first SYN.

Options:
  --flow ADDR:PORT   the connection with this endpoint ([ADDR]:PORT for
                     IPv6), when the capture holds several (they are
                     listed then)
  --local ADDR       the side under test (ADDR:PORT when both ends share
                     an address)
  -o FILE            write the script to FILE instead of standard output

Exit status: 0 on success, 1 when the capture cannot be read or holds no
single TCP connection, 2 on a usage error.
)";

constexpr const char* kHelp = R"(Usage: synack help [COMMAND]

Shows the overview, or the page of one command (check, fmt, run, list,
import).
)";

// One row per command, in the overview's order: the man page (man_page.cc)
// is made from this table, so a command added here is in both.
struct Page {
  const char* command;
  const char* text;
};
constexpr Page kPages[] = {
    {"check", kCheck}, {"fmt", kFmt},   {"run", kRun},
    {"list", kList},   {"import", kImport}, {"help", kHelp}};

}  // namespace

std::string HelpText(const std::string& topic) {
  for (const Page& page : kPages) {
    if (topic == page.command) return page.text;
  }
  return kOverview;
}

std::vector<std::string> HelpCommands() {
  std::vector<std::string> commands;
  for (const Page& page : kPages) commands.push_back(page.command);
  return commands;
}

}  // namespace synack::cli
