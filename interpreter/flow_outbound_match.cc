// MatchTcp() and MatchIpInfo(): the field-by-field comparison of a live
// outbound packet with the script's, in script numbers.
#include "interpreter/flow_outbound_match.h"

#include <cstdio>
#include <cstdlib>

#include "interpreter/flow_describe.h"
#include "interpreter/flow_options.h"

namespace synack::interpreter {
namespace {

std::string Differs(const std::string& field, uint64_t expected,
                    uint64_t actual) {
  return field + ": expected " + std::to_string(expected) + ", actual " +
         std::to_string(actual);
}

// For numbers shown translated: the live value too, for tcpdump readers.
std::string DiffersLive(const std::string& field, uint32_t expected,
                        uint32_t actual, uint32_t live) {
  return Differs(field, expected, actual) + " (live " + std::to_string(live) +
         ")";
}

std::string Hex(uint32_t v, int digits = 1) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%0*x", digits, v);
  return text;
}

std::string OptionsText(const std::vector<wire::TcpOption>& options) {
  return options.empty() ? "none" : wire::FormatTcpOptions(options);
}

// The stack's ISN comes from the first SYN or SYN-ACK it sends on the flow
// and stays for the flow's life, as packetdrill keeps a socket's ISNs: a
// retransmitted SYN keeps it, and so does a SYN-ACK that reopens the
// connection from TIME_WAIT (whose seq the script then writes in the first
// connection's numbers, `S. 65539:65539(0)`), so a SYN-ACK's seq is always
// checked once one is known.
void LearnIsn(const grammar::TcpPacket& expected, const wire::TcpHeader& tcp,
              Flow& flow) {
  if (!(tcp.flags & wire::tcp_flag::kSyn) || flow.local_isn) return;
  flow.local_isn = Flow::IsnPair{expected.seq_start, tcp.seq};
}

std::string MatchOptions(const grammar::TcpPacket& expected,
                         const wire::TcpHeader& tcp, Flow& flow,
                         const TsCheck& ts_check) {
  if (expected.any_options) return "";
  const bool syn = tcp.flags & wire::tcp_flag::kSyn;
  std::vector<wire::TcpOption> want;
  if (expected.options) {
    std::string error;
    auto converted = ScriptOptionsToWire(*expected.options, &error);
    if (!converted) return "options: " + error;
    want = WithoutTrailingEol(std::move(*converted));
  }
  std::vector<wire::TcpOption> actual = WithoutTrailingEol(tcp.options);

  // The stack's TS val as the script names it: learned here, from the first
  // packet where both have one, as packetdrill does.
  const auto live_ts = FindTimestamps(actual);
  const auto want_ts = FindTimestamps(want);
  if (live_ts && want_ts) flow.LearnTsVal(want_ts->val, live_ts->val);

  // The live options in script numbers, for comparing and for the message.
  MapSackBlocks(actual,
                [&](uint32_t edge) { return flow.RemoteToScript(edge, syn); });
  if (live_ts) {
    // The script's TS val goes out unchanged, so its echo needs no mapping.
    SetTimestamps(actual, {flow.TsValToScript(live_ts->val), live_ts->ecr});
  }
  const std::string mismatch = "options: expected " + OptionsText(want) +
                               ", actual " + OptionsText(actual);
  // No option list written: packetdrill checks the TCP header length, so
  // the segment must carry none (the corpus writes <nop,nop,TS ...> on
  // every segment of a connection that negotiated timestamps).
  if (want.size() != actual.size()) return mismatch;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i].kind != actual[i].kind) return mismatch;
    if (want[i].kind != wire::tcp_opt::kTimestamp) {
      if (want[i].data != actual[i].data) return mismatch;
      continue;
    }
    const auto script = FindTimestamps({want[i]});
    const auto seen = FindTimestamps({actual[i]});
    if (!script || !seen) return mismatch;
    if (ts_check.tick_usecs != 0) {
      const auto drift = static_cast<int32_t>(seen->val - script->val);
      if (std::abs(static_cast<int64_t>(drift)) * ts_check.tick_usecs >
          ts_check.tolerance_usecs) {
        return DiffersLive("options: TS val", script->val, seen->val,
                           live_ts ? live_ts->val : seen->val) +
               ", more than " + std::to_string(ts_check.tolerance_usecs) +
               " us at " + std::to_string(ts_check.tick_usecs) + " us a tick";
      }
    }
    if (script->ecr != seen->ecr) {
      return Differs("options: TS ecr", script->ecr, seen->ecr);
    }
  }
  return "";
}

}  // namespace

std::string MatchTcp(const grammar::TcpPacket& expected,
                     const wire::Packet& live, Flow& flow, const TsCheck& ts) {
  const wire::TcpHeader& tcp = *live.tcp();
  const uint16_t want_flags = expected.flags.bits;
  if (want_flags != tcp.flags) {
    std::string message = "flags: expected " + FlagsText(want_flags) +
                          ", actual " + FlagsText(tcp.flags);
    // A script that wrote the ACE field as a digit reads it back as one
    // (packetdrill's run_packet.c checks "tcp_ace" then).
    if (expected.flags.ace) {
      namespace f = wire::tcp_flag;
      const int ace = ((tcp.flags & f::kEce) ? 1 : 0) |
                      ((tcp.flags & f::kCwr) ? 2 : 0) |
                      ((tcp.flags & f::kAe) ? 4 : 0);
      message += " (ACE field: expected " +
                 std::to_string(expected.flags.Ace()) + ", actual " +
                 std::to_string(ace) + ")";
    }
    return message;
  }
  const bool syn = tcp.flags & wire::tcp_flag::kSyn;
  LearnIsn(expected, tcp, flow);

  const uint32_t seq = flow.LocalToScript(tcp.seq, syn);
  if (seq != expected.seq_start) {
    return DiffersLive("seq", expected.seq_start, seq, tcp.seq);
  }
  if (live.payload.size() != expected.payload_len) {
    return Differs("payload length", expected.payload_len, live.payload.size());
  }
  if (tcp.flags & wire::tcp_flag::kAck) {
    // As in packetdrill, an ACK line without `ack N` expects ack 0.
    const uint32_t want = expected.ack.value_or(0);
    const uint32_t ack = flow.RemoteToScript(tcp.ack, syn);
    if (ack != want) return DiffersLive("ack", want, ack, tcp.ack);
  } else if (expected.ack && *expected.ack != tcp.ack) {
    return Differs("ack", *expected.ack, tcp.ack);
  }
  if (expected.window && *expected.window != tcp.window) {
    return Differs("win", *expected.window, tcp.window);
  }
  if (expected.urgent.value_or(0) != tcp.urgent) {
    return Differs("urg", expected.urgent.value_or(0), tcp.urgent);
  }
  return MatchOptions(expected, tcp, flow, ts);
}

std::string MatchIpInfo(const std::optional<grammar::IpInfo>& info,
                        const wire::Packet& live, Flow& flow) {
  if (!info) return "";
  const uint8_t ecn = live.tos & 3;
  if (info->ecn == grammar::Ecn::kEct01) {
    if (ecn != 1 && ecn != 2) {
      return "ip ecn: expected ect0 or ect1, actual " + EcnText(ecn);
    }
  } else if (info->ecn) {
    static constexpr uint8_t kBits[] = {0, 2, 1, 0, 3};  // by grammar::Ecn
    const uint8_t want = kBits[static_cast<int>(*info->ecn)];
    if (want != ecn) {
      return "ip ecn: expected " + EcnText(want) + ", actual " + EcnText(ecn);
    }
  }
  if (info->tos && *info->tos != live.tos) {
    return "tos: expected " + Hex(*info->tos, 2) + ", actual " +
           Hex(live.tos, 2);
  }
  if (info->ttl && *info->ttl != live.ttl) {
    return Differs("ttl", *info->ttl, live.ttl);
  }
  // The stack chooses its flow labels (RFC 6437); the script's numbers name
  // them: the same script label must stay the same live label, a new one
  // must be a new live label, as packetdrill checks.
  if (info->flow_label && *info->flow_label != 0 && live.is_ipv6()) {
    const uint32_t want = *info->flow_label;
    if (live.flow_label == 0) {
      return "flow label: expected one (script " + Hex(want) + "), actual none";
    }
    if (flow.flow_label && flow.flow_label->script == want &&
        flow.flow_label->live != live.flow_label) {
      return "flow label: expected " + Hex(flow.flow_label->live) +
             " as before (script " + Hex(want) + "), actual " +
             Hex(live.flow_label);
    }
    if (flow.flow_label && flow.flow_label->script != want &&
        flow.flow_label->live == live.flow_label) {
      return "flow label: expected a new one (script " + Hex(want) +
             "), actual the same " + Hex(live.flow_label);
    }
    flow.flow_label = Flow::LabelPair{want, live.flow_label};
  }
  return "";
}

}  // namespace synack::interpreter
