// The rule for packets no line matches (issue 17): a packet the stack sends
// on a flow other than the default one is matched by a line or fails the
// run; the default flow keeps packetdrill's rule; --ignore_flows names
// flows whose other packets may go unmatched.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "grammar/checker.h"
#include "grammar/parser.h"
#include "interpreter/run.h"
#include "interpreter/testing/fake_backend.h"

namespace synack::interpreter {
namespace {

using testing::At;
using testing::FakeBackend;
namespace flag = wire::tcp_flag;

constexpr uint32_t kIsn = 1000;  // the fake stack's ISN on every flow

class UnmatchedTest : public ::testing::Test {
 protected:
  RunReport RunScript(const std::string& text) {
    grammar::ParseResult parsed = grammar::Parse(text);
    EXPECT_TRUE(parsed.ok())
        << grammar::RenderAll(parsed.diagnostics, "t.pkt", text);
    script_ = std::move(parsed.script);
    std::vector<grammar::Diagnostic> checked = grammar::Check(script_, {});
    EXPECT_FALSE(grammar::HasErrors(checked))
        << grammar::RenderAll(checked, "t.pkt", text);
    std::string error = ResolveConfig({}, script_.options, &config_);
    EXPECT_EQ(error, "");
    return interpreter::Run(script_, backend_, config_, "/tmp");
  }

  // A segment the stack sends from `local` to `remote` at `time`.
  void StackSends(uint16_t local, uint16_t remote, uint16_t flags,
                  uint32_t seq, uint32_t ack, double time) {
    wire::Packet packet;
    packet.src = config_.net.local_ip;
    packet.dst = config_.net.remote_ip;
    wire::TcpHeader tcp;
    tcp.src_port = local;
    tcp.dst_port = remote;
    tcp.flags = flags;
    tcp.seq = seq;
    tcp.ack = ack;
    tcp.window = 1000;
    packet.l4 = tcp;
    backend_.Send(packet, At(time));
  }

  void SynAck(uint16_t remote, double time) {
    StackSends(8080, remote, flag::kSyn | flag::kAck, kIsn, 1, time);
  }

  static std::string Listener() {
    return "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
           "+0 bind(3, ..., ...) = 0\n"
           "+0 listen(3, 10) = 0\n";
  }

  static std::string Errors(const RunReport& report) {
    return RenderReport(report, "t.pkt");
  }

  FakeBackend backend_;
  RunConfig config_ = DefaultConfig(IpVersion::kIpv4);
  grammar::Script script_;
};

// The hole: two flows talk, a third gets a RST no line mentions.
TEST_F(UnmatchedTest, UnexpectedRstOnAThirdFlowFailsAtTheEnd) {
  SynAck(40001, 0.1);
  SynAck(40002, 0.1);
  StackSends(8080, 40003, flag::kRst | flag::kAck, 0, 1, 0.1);
  RunReport report = RunScript(
      Listener() +
      "+.1 < 40001>8080 S 0:0(0) win 1000\n"
      "+0 > 8080>40001 S. 0:0(0) ack 1\n"
      "+0 < 40002>8080 S 0:0(0) win 1000\n"
      "+0 > 8080>40002 S. 0:0(0) ack 1\n");
  EXPECT_EQ(Errors(report),
            "t.pkt:7: error: unexpected outbound packet on flow 8080>40003: "
            "no line matched it by the end of the script\n"
            "  actual packet: > 8080>40003 R. 0:0(0) ack 1 win 1000 at "
            "0.100000 sec\n"
            "  (every packet the stack sends on a flow that lines without "
            "ports are not about must be matched by a line; --ignore_flows "
            "names flows whose other packets may go unmatched)\n");
}

// Noticed at the next event once it is older than the tolerance.
TEST_F(UnmatchedTest, UnexpectedPacketFailsAtTheNextCall) {
  SynAck(40001, 0.1);
  SynAck(40001, 0.11);  // a retransmission no line mentions
  RunReport report = RunScript(
      Listener() +
      "+.1 < 40001>8080 S 0:0(0) win 1000\n"
      "+0 > 8080>40001 S. 0:0(0) ack 1\n"
      "+.1 getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0\n");
  ASSERT_EQ(report.failures.size(), 1u) << Errors(report);
  EXPECT_EQ(report.failures[0].loc.line, 6);
  EXPECT_THAT(report.failures[0].message,
              ::testing::StartsWith(
                  "unexpected outbound packet on flow 8080>40001: no line "
                  "matched it before this line, at 0.200000 sec\nactual "
                  "packet: > 8080>40001 S. 0:0(0) ack 1 win 1000 at 0.110000 "
                  "sec"));
}

// Two flows answer at the same instant in the order the script does not
// write: each line finds its own packet.
TEST_F(UnmatchedTest, FlowsAtTheSameInstantMatchInEitherOrder) {
  SynAck(40002, 0.1);
  SynAck(40001, 0.1);
  RunReport report = RunScript(
      Listener() +
      "+.1 < 40001>8080 S 0:0(0) win 1000\n"
      "+0 < 40002>8080 S 0:0(0) win 1000\n"
      "+0 > 8080>40001 S. 0:0(0) ack 1\n"
      "+0 > 8080>40002 S. 0:0(0) ack 1\n");
  EXPECT_TRUE(report.passed) << Errors(report);
}

TEST_F(UnmatchedTest, IgnoredFlowsMayGoUnmatched) {
  SynAck(40001, 0.1);
  StackSends(8080, 40003, flag::kRst | flag::kAck, 0, 1, 0.1);
  StackSends(8080, 40500, flag::kRst | flag::kAck, 0, 1, 0.1);
  RunReport report = RunScript(
      "--ignore_flows=8080>40003,*>40400-40600\n" + Listener() +
      "+.1 < 40001>8080 S 0:0(0) win 1000\n"
      "+0 > 8080>40001 S. 0:0(0) ack 1\n"
      "+.1 getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0\n");
  EXPECT_TRUE(report.passed) << Errors(report);
}

// An ignored flow's lines still match its packets in order.
TEST_F(UnmatchedTest, AnIgnoredFlowsLinesStillMatch) {
  SynAck(40001, 0.1);
  RunReport report = RunScript(
      "--ignore_flows=8080>40001\n" + Listener() +
      "+.1 < 40001>8080 S 0:0(0) win 1000\n"
      "+0 > 8080>40001 S. 0:0(0) ack 2\n");
  EXPECT_THAT(Errors(report),
              ::testing::HasSubstr("outbound packet mismatch: ack: "
                                   "expected 2, actual 1"));
}

// packetdrill's rule on its socket under test: a packet after the flow's
// last line is not examined (the corpus ends scripts mid-conversation).
TEST_F(UnmatchedTest, TheDefaultFlowsTrailingPacketsMayGoUnmatched) {
  SynAck(48000, 0.1);
  StackSends(8080, 48000, flag::kSyn | flag::kAck, kIsn, 1, 1.1);
  RunReport report = RunScript(
      Listener() +
      "+.1 < S 0:0(0) win 1000\n"
      "+0 > S. 0:0(0) ack 1\n"
      "+1.5 getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0\n");
  EXPECT_TRUE(report.passed) << Errors(report);
}

// The same retransmission on the default flow still fails a later line of
// that flow, in order.
TEST_F(UnmatchedTest, TheDefaultFlowsPacketsAreComparedInOrder) {
  SynAck(48000, 0.1);
  StackSends(8080, 48000, flag::kSyn | flag::kAck, kIsn, 1, 1.1);
  RunReport report = RunScript(
      Listener() +
      "+.1 < S 0:0(0) win 1000\n"
      "+0 > S. 0:0(0) ack 1\n"
      "+1.5 < . 1:1(0) ack 1 win 1000\n"
      "+0 > F. 1:1(0) ack 1\n");
  ASSERT_EQ(report.failures.size(), 1u) << Errors(report);
  EXPECT_EQ(report.failures[0].loc.line, 7);
  EXPECT_THAT(report.failures[0].message,
              ::testing::StartsWith("outbound packet mismatch: flags:"));
}

}  // namespace
}  // namespace synack::interpreter
