// Whole scripts on StackBackend through the interpreter: blocking calls,
// the two-minute SYN timeout in milliseconds, and byte-identical runs.
#include <gtest/gtest.h>

#include <chrono>

#include "grammar/checker.h"
#include "grammar/parser.h"
#include "interpreter/config.h"
#include "interpreter/run.h"
#include "runtime/stack/stack_backend.h"

namespace synack::stack {
namespace {

using interpreter::Outbound;

grammar::Script Parse(const std::string& text) {
  grammar::ParseResult parsed = grammar::Parse(text);
  EXPECT_TRUE(parsed.ok()) << grammar::RenderAll(parsed.diagnostics, "t.pkt", text);
  std::vector<grammar::Diagnostic> checked = grammar::Check(parsed.script, {});
  EXPECT_FALSE(grammar::HasErrors(checked)) << grammar::RenderAll(checked, "t.pkt", text);
  return std::move(parsed.script);
}

// Forwards to a StackBackend and keeps every packet in and out with its
// virtual time, as a trace to compare runs by.
class RecordingBackend final : public interpreter::Backend {
 public:
  RecordingBackend(const interpreter::NetConfig& net, uint64_t seed) : inner_(net, seed) {}

  interpreter::Clock& clock() override { return inner_.clock(); }
  interpreter::Syscalls& syscalls() override { return inner_.syscalls(); }
  std::string Inject(std::span<const uint8_t> packet) override {
    Record('<', inner_.clock().Now(), packet);
    return inner_.Inject(packet);
  }
  std::optional<Outbound> NextOutbound(Instant deadline) override {
    std::optional<Outbound> out = inner_.NextOutbound(deadline);
    if (out) Record('>', out->time, out->bytes);
    return out;
  }
  interpreter::CommandResult RunCommand(
      const std::string& command, const std::map<std::string, std::string>& env) override {
    return inner_.RunCommand(command, env);
  }
  std::map<std::string, int64_t> Counters() override { return inner_.Counters(); }

  std::string trace;

 private:
  void Record(char direction, Instant time, std::span<const uint8_t> bytes) {
    trace += direction;
    trace += std::to_string(interpreter::ToMicros(time.since_epoch)) + " ";
    static const char kHex[] = "0123456789abcdef";
    for (uint8_t b : bytes) {
      trace += kHex[b >> 4];
      trace += kHex[b & 15];
    }
    trace += '\n';
  }

  StackBackend inner_;
};

struct ScriptRun {
  interpreter::RunReport report;
  std::string trace;
  std::chrono::nanoseconds wall{0};
};

ScriptRun RunOnStack(const std::string& text, uint64_t seed = 1) {
  const grammar::Script script = Parse(text);
  interpreter::RunConfig config;
  EXPECT_EQ(interpreter::ResolveConfig({}, script.options, &config), "");
  RecordingBackend backend(config.net, seed);
  const auto start = std::chrono::steady_clock::now();
  ScriptRun run;
  run.report = interpreter::Run(script, backend, config, "/tmp");
  run.wall = std::chrono::steady_clock::now() - start;
  run.trace = backend.trace;
  return run;
}

std::string Errors(const interpreter::RunReport& report) {
  return interpreter::RenderReport(report, "t.pkt");
}

// Linux 6.18 with tcp_syn_retries=6 and tcp_syn_linear_timeouts=4: six
// SYNs a second apart, then backoff; ETIMEDOUT about 134 s in.
constexpr const char* kSynTimeout = R"(--tolerance_usecs=10000
`sysctl -q net.ipv4.tcp_syn_retries=6 net.ipv4.tcp_syn_linear_timeouts=4`
   0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
  +0...134 connect(3, ..., ...) = -1 ETIMEDOUT (Connection timed out)
  +0 > S 0:0(0) <...>
   1 > S 0:0(0) <...>
   2 > S 0:0(0) <...>
   3 > S 0:0(0) <...>
   4 > S 0:0(0) <...>
   5 > S 0:0(0) <...>
   7 > S 0:0(0) <...>
  11 > S 0:0(0) <...>
  19 > S 0:0(0) <...>
  35 > S 0:0(0) <...>
  67 > S 0:0(0) <...>
)";

TEST(StackScriptsTest, UnansweredConnectTimesOutIn134sOfVirtualTime) {
  const ScriptRun run = RunOnStack(kSynTimeout);
  EXPECT_TRUE(run.report.passed) << Errors(run.report);
  // The issue asks for under 10 ms; allow for a loaded test machine.
  EXPECT_LT(run.wall, std::chrono::milliseconds(100));
}

// The corpus's blocking scripts' shapes: a call blocks on its thread while
// packets go on, and returns when they complete it.
TEST(StackScriptsTest, BlockingCalls) {
  const ScriptRun run = RunOnStack(R"(--tolerance_usecs=10000
   0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
  +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
  +0 bind(3, ..., ...) = 0
  +0 listen(3, 1) = 0
  +0...0.200 accept(3, ..., ...) = 4
 +.1 < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>
  +0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 10>
 +.1 < . 1:1(0) ack 1 win 257
  +0...0.100 read(4, ..., 2000) = 2000
 +.1 < P. 1:2001(2000) ack 1 win 257
  +0 > . 1:1(0) ack 2001
 +.1 write(4, ..., 1000) = 1000
  +0 > P. 1:1001(1000) ack 2001
 +.1 < . 2001:2001(0) ack 1001 win 257
  +0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 5
  +0...0.1 connect(5, ..., ...) = 0
  +0 > S 0:0(0) <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 10>
 +.1 < S. 0:0(0) ack 1 win 5792 <mss 1460,nop,wscale 2,nop,nop,sackOK>
  +0 > . 1:1(0) ack 1
)");
  EXPECT_TRUE(run.report.passed) << Errors(run.report);
}

// A script that uses timers, options and data: the same seed gives the
// same packets at the same times, byte for byte, a hundred times.
constexpr const char* kBusyScript = R"(
   0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
  +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
  +0 bind(3, ..., ...) = 0
  +0 listen(3, 1) = 0
  +0 < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>
  +0 > S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 0 ecr 100,nop,wscale 10>
 +.1 < . 1:1(0) ack 1 win 514 <nop,nop,TS val 110 ecr 0>
  +0 accept(3, ..., ...) = 4
  +0 write(4, ..., 1000) = 1000
  +0 > P. 1:1001(1000) ack 1 <...>
// Nothing acknowledged: a loss probe, then the RTO's retransmissions.
   * > P. 1:1001(1000) ack 1 <...>
   * > P. 1:1001(1000) ack 1 <...>
   * > P. 1:1001(1000) ack 1 <...>
 +.1 < . 1:1(0) ack 1001 win 514 <nop,nop,TS val 300 ecr 0>
  +0 close(4) = 0
  +0 > F. 1001:1001(0) ack 1 <...>
 +.1 < F. 1:1(0) ack 1002 win 514 <nop,nop,TS val 400 ecr 0>
  +0 > . 1002:1002(0) ack 2 <...>
  +0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 5
  +0 fcntl(5, F_SETFL, O_RDWR|O_NONBLOCK) = 0
  +0 connect(5, ..., ...) = -1 EINPROGRESS (Operation now in progress)
  +0 > S 0:0(0) <...>
  +1 > S 0:0(0) <...>
)";

TEST(StackScriptsTest, SameSeedSameTraceAHundredTimes) {
  const ScriptRun first = RunOnStack(kBusyScript);
  ASSERT_TRUE(first.report.passed) << Errors(first.report);
  for (int i = 1; i < 100; ++i) {
    const ScriptRun again = RunOnStack(kBusyScript);
    ASSERT_TRUE(again.report.passed) << "run " << i << "\n" << Errors(again.report);
    ASSERT_EQ(again.trace, first.trace) << "run " << i;
  }
  // The seed is what keys ISNs and timestamps: another one changes them.
  const ScriptRun other = RunOnStack(kBusyScript, 2);
  EXPECT_TRUE(other.report.passed) << Errors(other.report);
  EXPECT_NE(other.trace, first.trace);
}

}  // namespace
}  // namespace synack::stack
