// StackShell: the command forms that set sysctls, defaults.sh-style files,
// set_sysctls.py and its restore script, ss | grep, and skipped commands.
#include "runtime/stack/stack_shell.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace synack::stack {
namespace {

// Sysctls of a real table; sockets as the test sets them; sleeps added up.
class FakeHost : public ShellHost {
 public:
  std::string SetSysctl(const std::string& name, const std::string& value) override {
    writes.push_back(name + "=" + value);
    return sysctls.Set(name, value);
  }
  std::string GetSysctl(const std::string& name, std::string* value) override {
    return sysctls.Get(name, value);
  }
  std::vector<SocketSummary> Sockets() override { return sockets; }
  std::map<std::string, int64_t> Counters() override { return counters; }
  void Sleep(Duration duration) override { slept += duration; }
  void SetDeviceTso(bool on) override { tso = on; }
  void SetDeviceMtu(int mtu) override { device_mtu = mtu; }
  void FlushTcpMetrics() override { ++flushes; }
  void SetQdiscLimit(std::optional<int> limit) override { qdisc_limit = limit; }
  bool SetRoute(const std::string&, const RouteMetrics&) override { return true; }
  void PutFile(const std::string& path, std::vector<uint8_t> data) override {
    files[path] = std::move(data);
  }
  bool RemoveFile(const std::string& path) override { return files.erase(path) != 0; }
  std::optional<std::vector<uint8_t>> GetFile(const std::string& path) override {
    auto it = files.find(path);
    if (it == files.end()) return std::nullopt;
    return it->second;
  }

  Sysctls sysctls;
  std::vector<std::string> writes;
  std::vector<SocketSummary> sockets;
  std::map<std::string, int64_t> counters;
  std::map<std::string, std::vector<uint8_t>> files;
  Duration slept{0};
  bool tso = true;
  int device_mtu = 1500;
  int flushes = 0;
  std::optional<int> qdisc_limit;
};

class StackShellTest : public ::testing::Test {
 protected:
  StackShellTest() : shell_(host_) {
    dir_ = std::filesystem::temp_directory_path() /
           ("synack-shell-test-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_ / "common");
    std::filesystem::create_directories(dir_ / "sub");
  }
  ~StackShellTest() override { std::filesystem::remove_all(dir_); }

  void WriteFile(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  // As the interpreter sends a command: into the script's directory first.
  ShellResult Run(const std::string& command, const std::string& subdir = "sub") {
    return shell_.Run("cd -- '" + (dir_ / subdir).string() + "' || exit 127\n" + command,
                      {{"PACKETDRILL_PID", "4242"}});
  }

  std::string Get(const std::string& name) {
    std::string value;
    EXPECT_EQ(host_.sysctls.Get(name, &value), "") << name;
    return value;
  }

  FakeHost host_;
  StackShell shell_;
  std::filesystem::path dir_;
};

TEST_F(StackShellTest, SysctlForms) {
  struct Case {
    const char* command;
    int status;
    const char* output;
    const char* name;
    const char* value;  // as /proc/sys shows it afterwards
  };
  const Case cases[] = {
      {"sysctl -q net.ipv4.tcp_sack=0", 0, "", "net.ipv4.tcp_sack", "0"},
      {"sysctl -w net.ipv4.tcp_sack=0", 0, "net.ipv4.tcp_sack = 0\n",
       "net.ipv4.tcp_sack", "0"},
      {"sysctl net.ipv4.tcp_syn_retries=3", 0, "net.ipv4.tcp_syn_retries = 3\n",
       "net.ipv4.tcp_syn_retries", "3"},
      {"sysctl -q net/ipv4/tcp_syn_retries=2", 0, "", "net.ipv4.tcp_syn_retries", "2"},
      // Several names on one line; quoted vectors; arithmetic.
      {"sysctl -q net.ipv4.tcp_timestamps=0 net.ipv4.tcp_window_scaling=0", 0, "",
       "net.ipv4.tcp_window_scaling", "0"},
      {"sysctl -q net.ipv4.tcp_rmem=\"4096 540000 $((15*1024*1024))\"", 0, "",
       "net.ipv4.tcp_rmem", "4096\t540000\t15728640"},
      {"sysctl -q net.ipv4.tcp_wmem='4096 262144 4194304'", 0, "",
       "net.ipv4.tcp_wmem", "4096\t262144\t4194304"},
      {"echo 1 > /proc/sys/net/ipv4/tcp_abort_on_overflow", 0, "",
       "net.ipv4.tcp_abort_on_overflow", "1"},
      {"echo \"4096 87380 6291456\" > /proc/sys/net/ipv4/tcp_rmem", 0, "",
       "net.ipv4.tcp_rmem", "4096\t87380\t6291456"},
      {"sysctl -q net.core.somaxconn=16 && echo 0 > /proc/sys/net/ipv4/tcp_syncookies",
       0, "", "net.ipv4.tcp_syncookies", "0"},
      // Errors as procps-ng and dash report them; nothing changes.
      {"sysctl -q net.ipv4.tcp_syn_retries=0", 1,
       "sysctl: setting key \"net.ipv4.tcp_syn_retries\": Invalid argument\n",
       "net.ipv4.tcp_syn_retries", "6"},
      {"sysctl -q net.ipv4.no_such_thing=1", 1,
       "sysctl: cannot stat /proc/sys/net/ipv4/no_such_thing: No such file or "
       "directory\n",
       "net.ipv4.tcp_syn_retries", "6"},
      {"sysctl -e -q net.ipv4.no_such_thing=1", 0, "", "net.ipv4.tcp_sack", "1"},
      {"echo 300 > /proc/sys/net/ipv4/tcp_syn_retries", 1,
       "sh: write error: Invalid argument\n", "net.ipv4.tcp_syn_retries", "6"},
      // Reading.
      {"sysctl net.ipv4.tcp_rmem", 0, "net.ipv4.tcp_rmem = 4096 131072 33554432\n",
       "net.ipv4.tcp_sack", "1"},
      {"sysctl -n net.ipv4.tcp_sack", 0, "1\n", "net.ipv4.tcp_sack", "1"},
      {"cat /proc/sys/net/ipv4/tcp_syn_retries", 0, "6\n", "net.ipv4.tcp_sack", "1"},
      {"sysctl -q net.ipv4.tcp_sack=0 > /dev/null 2>&1", 0, "", "net.ipv4.tcp_sack",
       "0"},
  };
  for (const Case& c : cases) {
    host_.sysctls = Sysctls{};
    const ShellResult result = Run(c.command);
    EXPECT_EQ(result.exit_status, c.status) << c.command;
    EXPECT_EQ(result.output, c.output) << c.command;
    EXPECT_TRUE(result.skipped.empty()) << c.command;
    EXPECT_EQ(Get(c.name), c.value) << c.command;
  }
}

// A shell script of sysctl lines, found relative to the script's
// directory (through a symlink, as the corpus's tcp/common/defaults.sh),
// with the commands that mean nothing here named once.
TEST_F(StackShellTest, DefaultsShStyleFile) {
  WriteFile("common/defaults.sh",
            "#!/bin/bash\n"
            "# Set standard values.\n"
            "\n"
            "ip tcp_metrics flush all > /dev/null 2>&1\n"
            "sysctl -q net.ipv4.tcp_rmem=\"4096 540000 $((15*1024*1024))\"\n"
            "sysctl -q net.ipv4.tcp_wmem=\"4096 $((256*1024)) 4194304\"\n"
            "sysctl -q net.ipv4.tcp_syn_retries=5\n"
            "sysctl -q net.ipv4.tcp_early_retrans=4 net.ipv4.tcp_recovery=1\n"
            "sysctl -q net.ipv4.tcp_congestion_control=cubic\n"
            "sysctl -q net.ipv4.tcp_notsent_lowat=4294967295 > /dev/null 2>&1\n"
            "tc qdisc add dev tun0 root pfifo\n");
  std::filesystem::create_directories(dir_ / "tcp");
  std::filesystem::create_symlink("../common/defaults.sh", dir_ / "tcp" / "defaults.sh");
  const ShellResult result = Run("../tcp/defaults.sh");
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_EQ(result.output, "");
  EXPECT_EQ(Get("net.ipv4.tcp_rmem"), "4096\t540000\t15728640");
  EXPECT_EQ(Get("net.ipv4.tcp_wmem"), "4096\t262144\t4194304");
  EXPECT_EQ(Get("net.ipv4.tcp_syn_retries"), "5");
  EXPECT_EQ(Get("net.ipv4.tcp_early_retrans"), "4");
  EXPECT_EQ(Get("net.ipv4.tcp_congestion_control"), "cubic");
  EXPECT_EQ(host_.flushes, 1);
  EXPECT_TRUE(result.skipped.empty());
}

// `&>` as dash reads it: `cmd &` and then `> FILE`, an empty command that
// succeeds, so what follows `||` does not run (as on the kernel backend).
TEST_F(StackShellTest, AmpersandGreaterIsBackgroundThenRedirect) {
  const ShellResult result =
      Run("sysctl -q net.ipv4.tcp_timestamps=0 &> /dev/null || sysctl -q net.ipv4.tcp_sack=0");
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_EQ(Get("net.ipv4.tcp_timestamps"), "0");
  EXPECT_EQ(Get("net.ipv4.tcp_sack"), "1");
}

// A script that names its own path (what tcp/common/defaults.sh holds in a
// copy of the corpus that lost its symlinks) fails instead of recursing
// until the process's stack runs out.
TEST_F(StackShellTest, ScriptRunningItselfStops) {
  WriteFile("common/defaults.sh", "../common/defaults.sh");
  const ShellResult result = Run("../common/defaults.sh");
  EXPECT_EQ(result.exit_status, 2);
}

// A backtick spanning lines, as blocking-write.pkt's: defaults.sh, then
// set_sysctls.py; the restore script at the end puts the old value back.
TEST_F(StackShellTest, SetSysctlsPyAndItsRestoreScript) {
  WriteFile("common/defaults.sh", "sysctl -q net.ipv4.tcp_timestamps=1\n");
  WriteFile("common/set_sysctls.py", "#!/usr/bin/env python3\nimport os\n");
  ShellResult set = Run(
      "../common/defaults.sh\n"
      " ../common/set_sysctls.py /proc/sys/net/ipv4/tcp_timestamps=0 "
      "/proc/sys/net/ipv4/tcp_min_tso_segs=10\n");
  EXPECT_EQ(set.exit_status, 0);
  EXPECT_TRUE(set.skipped.empty());
  EXPECT_EQ(Get("net.ipv4.tcp_timestamps"), "0");
  EXPECT_EQ(Get("net.ipv4.tcp_min_tso_segs"), "10");
  ShellResult restore = Run("/tmp/sysctl_restore_${PPID}.sh");
  EXPECT_EQ(restore.exit_status, 0);
  EXPECT_TRUE(restore.skipped.empty());
  EXPECT_EQ(Get("net.ipv4.tcp_timestamps"), "1");
  EXPECT_EQ(Get("net.ipv4.tcp_min_tso_segs"), "2");
}

TEST_F(StackShellTest, OtherCommandsAreSkippedWithOneLine) {
  struct Case {
    const char* command;
    const char* line;
  };
  const Case cases[] = {
      {"tc qdisc add dev tun0 root netem delay 10ms",
       "not modelled by the stack backend, so skipped: `tc qdisc add "
       "dev tun0 root netem delay 10ms`"},
      {"ethtool -k tun0; sysctl -q net.ipv4.tcp_sack=1",
       "not modelled by the stack backend, so skipped: `ethtool -k "
       "tun0`"},
      {"python3 -c 'print(1)'",
       "not modelled by the stack backend, so skipped: `python3 -c "
       "'print(1)'`"},
      {"../common/set_sysctls.py.bak x",
       "not modelled by the stack backend, so skipped: "
       "`../common/set_sysctls.py.bak x`"},
      {"echo hello > /tmp/somewhere",
       "not modelled by the stack backend, so skipped: `echo hello > "
       "/tmp/somewhere`"},
  };
  WriteFile("common/set_sysctls.py.bak", "#!/usr/bin/python3\n");
  for (const Case& c : cases) {
    const ShellResult result = Run(c.command);
    EXPECT_EQ(result.exit_status, 0) << c.command;
    EXPECT_EQ(StackShell::SkippedLine(result.skipped), c.line) << c.command;
  }
}

// A FIFO qdisc's limit: 0 drops everything (user-timeout-probe.pkt's
// local congestion); deleting the root qdisc restores the default.
TEST_F(StackShellTest, TcFifoLimit) {
  ShellResult result =
      Run("tc qdisc delete dev tun0 root 2>/dev/null ; tc qdisc add dev tun0 root pfifo limit 0");
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_TRUE(result.skipped.empty());
  EXPECT_EQ(host_.qdisc_limit, 0);
  Run("tc qdisc del dev tun0 root");
  EXPECT_EQ(host_.qdisc_limit, std::nullopt);
  Run("tc qdisc add dev tun0 root pfifo");
  EXPECT_EQ(host_.qdisc_limit, std::nullopt);
}

// `ip link set dev tun0 mtu N` sets the device's MTU, with ip's errors
// (measured in a namespace: 68 to 65535); another device or change is
// skipped.
TEST_F(StackShellTest, IpLinkSetMtu) {
  ShellResult result = Run("ip link set dev tun0 mtu 9000");
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_TRUE(result.skipped.empty());
  EXPECT_EQ(host_.device_mtu, 9000);
  result = Run("ip link set tun0 mtu 1280");
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_EQ(host_.device_mtu, 1280);
  result = Run("ip link set dev tun0 mtu 50");
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_EQ(result.output, "Error: mtu less than device minimum.\n");
  result = Run("ip link set dev tun0 mtu 70000");
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_EQ(result.output, "Error: mtu greater than device maximum.\n");
  result = Run("ip link set dev tun0 mtu abc");
  EXPECT_EQ(result.exit_status, 255);
  EXPECT_EQ(result.output, "Error: argument \"abc\" is wrong: Invalid \"mtu\" value\n");
  EXPECT_EQ(host_.device_mtu, 1280);
  result = Run("ip link set dev lo mtu 9000");
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_EQ(StackShell::SkippedLine(result.skipped),
            "not modelled by the stack backend, so skipped: `ip link set dev lo mtu 9000`");
  EXPECT_EQ(host_.device_mtu, 1280);
}

// `ethtool -K` turns the device's segmentation offload off and on; the
// features that do not change what TUN shows are accepted.
TEST_F(StackShellTest, EthtoolOffloads) {
  ShellResult result = Run("ethtool -K tun0 tso off gso off");
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_TRUE(result.skipped.empty());
  EXPECT_FALSE(host_.tso);
  result = Run("ethtool -K tun0 gro off tso on");
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_TRUE(host_.tso);
  result = Run("ethtool -K tun0 tx off");
  EXPECT_FALSE(host_.tso);
  result = Run("ethtool -K tun0 tso maybe");
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_EQ(result.output, "ethtool: bad command line argument(s)\n");
}

TEST_F(StackShellTest, ShellSyntax) {
  struct Case {
    const char* command;
    int status;
    const char* output;
  };
  const Case cases[] = {
      {"echo a b; echo c", 0, "a b\nc\n"},
      {"false || echo fallback", 0, "fallback\n"},
      {"true && false", 1, ""},
      {"! false", 0, ""},
      {"echo 'x  y' \"$((2+3*4))\" \\$HOME", 0, "x  y 14 $HOME\n"},
      {"echo ${PPID} $PACKETDRILL_PID", 0, "4242 4242\n"},
      {"echo one \\\n two", 0, "one two\n"},
      {"exit 3; echo not reached", 3, ""},
      {"sleep 1.5", 0, ""},
      {"echo 'unterminated", 2, "sh: unterminated quote\n"},
      {"cd /no/such/dir || exit 127", 127, "sh: cd: can't cd to /no/such/dir\n"},
  };
  for (const Case& c : cases) {
    const ShellResult result = Run(c.command);
    EXPECT_EQ(result.exit_status, c.status) << c.command;
    EXPECT_EQ(result.output, c.output) << c.command;
  }
  EXPECT_EQ(host_.slept, std::chrono::milliseconds(1500));
}

// nstat shows what changed since the run's last nstat, non-zero only, in
// iproute2's columns; -a absolute, -z zeros, -n only updates the history,
// a pattern selects (fastopen/server/icmp-before-accept.pkt's
// `nstat > /dev/null` then `nstat | grep TcpExtOutOfWindowIcmps`).
TEST_F(StackShellTest, NstatShowsChangesSinceItsLastRun) {
  host_.counters = {{"IcmpInMsgs", 2}, {"TcpExtOutOfWindowIcmps", 0}, {"TcpInSegs", 5}};
  EXPECT_EQ(Run("nstat").output,
            "#kernel\n"
            "IcmpInMsgs                      2                  0.0\n"
            "TcpInSegs                       5                  0.0\n");
  host_.counters["TcpExtOutOfWindowIcmps"] = 1;
  host_.counters["TcpInSegs"] = 7;
  EXPECT_EQ(Run("nstat | grep TcpExtOutOfWindowIcmps > /dev/null").exit_status, 0);
  EXPECT_EQ(Run("nstat | grep TcpExtOutOfWindowIcmps > /dev/null").exit_status, 1);
  EXPECT_EQ(Run("nstat -a 'Tcp*'").output,
            "#kernel\n"
            "TcpExtOutOfWindowIcmps          1                  0.0\n"
            "TcpInSegs                       7                  0.0\n");
  host_.counters["IcmpInMsgs"] = 3;
  EXPECT_EQ(Run("nstat -n").output, "");
  EXPECT_EQ(Run("nstat -z Icmp*").output,
            "#kernel\n"
            "IcmpInMsgs                      0                  0.0\n");
  EXPECT_EQ(Run("nstat -j").exit_status, 255);
}

// /proc/net/tcp and tcp6 in tcp4_seq_show()'s layout (as measured:
// `0200A8C0:1F90 00000000:0000 0A` for a listener on 192.168.0.2:8080),
// with grep over several files prefixing each line with its file
// (md5/md5-only-on-client-ack.pkt's `grep " 0A " /proc/net/tcp /proc/net/tcp6`).
TEST_F(StackShellTest, ProcNetTcpWithCatAndGrep) {
  SocketSummary listener;
  listener.state = TcpState::kListen;
  listener.local_addr = wire::IpAddress::Parse("192.168.0.2");
  listener.local_port = 8080;
  listener.recv_q = 1;
  listener.send_q = 128;
  SocketSummary established = listener;
  established.state = TcpState::kEstablished;
  established.remote_addr = wire::IpAddress::Parse("192.0.2.1");
  established.remote_port = 48000;
  established.recv_q = 10;
  established.send_q = 0;
  SocketSummary mapped = listener;
  mapped.domain = AF_INET6;
  host_.sockets = {listener, established, mapped};

  const std::string header =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when"
      " retrnsmt   uid  timeout inode";
  const std::string row0 =
      "   0: 0200A8C0:1F90 00000000:0000 0A 00000000:00000001 00:00000000 00000000"
      "     0        0 0 0 0000000000000000 0 0 0 0 0";
  const std::string row1 =
      "   1: 0200A8C0:1F90 010200C0:BB80 01 00000000:0000000A 00:00000000 00000000"
      "     0        0 0 0 0000000000000000 0 0 0 0 0";
  auto padded = [](const std::string& line) {
    return line + std::string(149 - line.size(), ' ') + "\n";
  };
  EXPECT_EQ(Run("cat /proc/net/tcp").output, padded(header) + padded(row0) + padded(row1));
  const std::string row6 =
      "   0: 0000000000000000FFFF00000200A8C0:1F90 "
      "00000000000000000000000000000000:0000 0A 00000000:00000001 00:00000000 00000000"
      "     0        0 0 0 0000000000000000 0 0 0 0 0\n";
  const ShellResult grep = Run("grep \" 0A \" /proc/net/tcp /proc/net/tcp6 | grep \":1F90\"");
  EXPECT_EQ(grep.exit_status, 0);
  EXPECT_EQ(grep.output, "/proc/net/tcp:" + padded(row0) + "/proc/net/tcp6:" + row6);
  EXPECT_EQ(Run("grep -c \" 01 \" /proc/net/tcp").output, "1\n");
  EXPECT_EQ(Run("grep \" 0A \" /proc/net/tcp /etc/hostname").skipped.size(), 1u);
}

// dd from /dev/zero and rm act on the backend's files, never the host's
// (sendfile/sendfile-simple.pkt's init command); other dd forms are skipped.
TEST_F(StackShellTest, DdAndRmOnTheBackendsFiles) {
  EXPECT_EQ(Run("/bin/rm -f /tmp/testfile\n"
                "/bin/dd bs=1 count=5 if=/dev/zero of=/tmp/testfile status=none")
                .exit_status,
            0);
  ASSERT_EQ(host_.files.count("/tmp/testfile"), 1u);
  EXPECT_EQ(host_.files["/tmp/testfile"], std::vector<uint8_t>(5, 0));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "sub" / "zeros"));
  EXPECT_EQ(Run("dd if=/dev/zero of=zeros count=2").exit_status, 0);
  EXPECT_EQ(host_.files[(dir_ / "sub" / "zeros").string()].size(), 1024u);
  EXPECT_EQ(Run("rm /tmp/testfile").exit_status, 0);
  EXPECT_EQ(host_.files.count("/tmp/testfile"), 0u);
  EXPECT_EQ(Run("rm /tmp/testfile").exit_status, 1);
  EXPECT_EQ(Run("rm -f /tmp/testfile").exit_status, 0);
  host_.files["/tmp/ones"] = std::vector<uint8_t>(4, 1);
  EXPECT_EQ(Run("dd if=/dev/zero of=/tmp/ones bs=2 count=1 conv=notrunc").exit_status, 0);
  EXPECT_EQ(host_.files["/tmp/ones"], (std::vector<uint8_t>{0, 0, 1, 1}));
  EXPECT_EQ(Run("dd if=/dev/urandom of=/tmp/x count=1").skipped.size(), 1u);
  EXPECT_EQ(host_.files.count("/tmp/x"), 0u);
}

TEST_F(StackShellTest, SsWithGrep) {
  SocketSummary listener;
  listener.state = TcpState::kListen;
  listener.local_port = 8080;
  listener.send_q = 1;
  SocketSummary fin_wait;
  fin_wait.state = TcpState::kFinWait1;
  fin_wait.local_addr = wire::IpAddress::Parse("192.168.0.1");
  fin_wait.local_port = 8080;
  fin_wait.remote_addr = wire::IpAddress::Parse("192.0.2.1");
  fin_wait.remote_port = 40000;
  fin_wait.send_q = 1;
  SocketSummary time_wait = fin_wait;
  time_wait.state = TcpState::kTimeWait;
  time_wait.domain = AF_INET6;
  time_wait.send_q = 0;
  time_wait.local_port = 9000;
  host_.sockets = {listener, fin_wait, time_wait};

  struct Case {
    const char* command;
    int status;
    const char* output;
  };
  const Case cases[] = {
      {"ss -Htn", 0, "FIN-WAIT-1 0      1      192.168.0.1:8080 192.0.2.1:40000\n"},
      {"ss -Htan", 0,
       "LISTEN     0      1                   0.0.0.0:8080            0.0.0.0:*    \n"
       "FIN-WAIT-1 0      1               192.168.0.1:8080          192.0.2.1:40000\n"
       "TIME-WAIT  0      0      [::ffff:192.168.0.1]:9000 [::ffff:192.0.2.1]:40000\n"},
      {"ss -Htn state time-wait", 0,
       "0      0      [::ffff:192.168.0.1]:9000 [::ffff:192.0.2.1]:40000\n"},
      {"ss -Htn state fin-wait-1 | grep -q ':8080 '", 0, ""},
      {"ss -Htn state fin-wait-2 | grep -q ':8080 '", 1, ""},
      {"! ss -Htn | grep -q ':9000 '", 0, ""},
      {"ss -Htln | grep -c 8080", 0, "1\n"},
      {"ss -Htn sport = :8080", 1,
       "ss: 'sport' is not supported on the stack backend\n"},
  };
  for (const Case& c : cases) {
    const ShellResult result = Run(c.command);
    EXPECT_EQ(result.exit_status, c.status) << c.command;
    EXPECT_EQ(result.output, c.output) << c.command;
    EXPECT_TRUE(result.skipped.empty()) << c.command;
  }
}

// A listener with one connection queued, somaxconn=2 capping listen(fd,
// 128), and a request: the kernel's `ss` output, byte for byte (iproute2
// 6.1 on Linux 6.18).
TEST_F(StackShellTest, SsListenerTableAsIproute2) {
  SocketSummary listener;
  listener.state = TcpState::kListen;
  listener.local_addr = wire::IpAddress::Parse("192.168.0.2");
  listener.local_port = 8080;
  listener.recv_q = 1;
  listener.send_q = 2;
  SocketSummary established;
  established.state = TcpState::kEstablished;
  established.local_addr = listener.local_addr;
  established.local_port = 8080;
  established.remote_addr = wire::IpAddress::Parse("192.0.2.1");
  established.remote_port = 48000;
  SocketSummary request = established;
  request.state = TcpState::kSynRecv;
  request.remote_port = 40001;
  host_.sockets = {listener, established, request};

  EXPECT_EQ(Run("ss -Hltn").output,
            "LISTEN 1      2      192.168.0.2:8080 0.0.0.0:*\n");
  EXPECT_EQ(Run("ss -ltn").output,
            "State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n"
            "LISTEN 1      2        192.168.0.2:8080      0.0.0.0:*          \n");
  EXPECT_EQ(Run("ss -tan").output,
            "State    Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n"
            "LISTEN   1      2        192.168.0.2:8080      0.0.0.0:*           \n"
            "ESTAB    0      0        192.168.0.2:8080    192.0.2.1:48000       \n"
            "SYN-RECV 0      0        192.168.0.2:8080    192.0.2.1:40001       \n");
  EXPECT_EQ(Run("ss -tn").output,
            "State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n"
            "ESTAB 0      0        192.168.0.2:8080    192.0.2.1:48000       \n");
}

}  // namespace
}  // namespace synack::stack
