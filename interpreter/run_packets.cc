// Packet events: injecting inbound packets at their time, awaiting and
// matching outbound ones, and the --pcap capture of both.
#include <algorithm>

#include "grammar/printer.h"
#include "interpreter/runner.h"
#include "interpreter/segments.h"

namespace synack::interpreter {

namespace {

// How long `*` waits for an outbound packet: longer than any single
// retransmission timeout a script waits for (the RTO backs off to 120 s only
// after many losses, which scripts spell out with times).
constexpr int64_t kAnyTimeWaitUsecs = 30 * 1000000;

}  // namespace

bool Runner::Forgotten(const wire::Packet& live) const {
  if (const wire::TcpHeader* tcp = live.tcp()) {
    return fds_.IsForgotten({tcp->src_port, tcp->dst_port});
  }
  if (const auto* udp = std::get_if<wire::UdpHeader>(&live.l4)) {
    return fds_.IsForgotten({udp->src_port, udp->dst_port});
  }
  return false;
}

void Runner::Capture(Instant time, std::span<const uint8_t> bytes) {
  if (pcap_) pcap_->Write(time.since_epoch + wall_offset_, bytes);
}

bool Runner::RunPacketEvent(const grammar::Event& event,
                            const grammar::PacketEvent& packet,
                            const ExpectedTime& expected, int64_t tolerance) {
  if (packet.direction == grammar::Direction::kInbound) {
    return InjectPacket(event, packet, expected, tolerance);
  }
  return AwaitPacket(event, packet, expected, tolerance);
}

bool Runner::InjectPacket(const grammar::Event& event,
                          const grammar::PacketEvent& packet,
                          const ExpectedTime& expected, int64_t tolerance) {
  std::optional<int64_t> actual = WaitForStart(
      event, expected, tolerance, "inbound packet", Kind::kPacket);
  if (!actual) return false;
  timeline_.Advance(*actual);
  std::string error;
  std::optional<wire::Packet> live = flows_.BuildInbound(packet, &error);
  if (!live) {
    return Fail(event.loc, "cannot build inbound packet: " + error,
                Kind::kPacket);
  }
  wire::BuildResult bytes = wire::Build(*live);
  if (!bytes.ok()) {
    return Fail(event.loc, "cannot build inbound packet: " + bytes.error,
                Kind::kPacket);
  }
  Capture(clock_.Now(), bytes.bytes);
  std::string inject_error = backend_.Inject(bytes.bytes);
  if (!inject_error.empty()) {
    return Fail(event.loc, "cannot inject inbound packet: " + inject_error,
                Kind::kPacket);
  }
  return true;
}

wire::Packet Runner::JoinFollowingSegments(const grammar::PacketEvent& packet,
                                           wire::Packet first,
                                           Instant deadline, Instant* time,
                                           std::string* note) {
  const auto* script_tcp = std::get_if<grammar::TcpPacket>(&packet.packet);
  const size_t expected =
      script_tcp != nullptr ? script_tcp->payload_len : 0;
  // A SYN's data is never cut into TSO segments; a short packet where the
  // script wants a SYN, or of another flow, is another connection's (which
  // the caller skips).
  if (config_.strict_segments || script_tcp == nullptr ||
      (script_tcp->flags.bits & grammar::TcpFlags::kSyn) != 0 ||
      first.tcp() == nullptr ||
      (first.tcp()->flags & wire::tcp_flag::kSyn) != 0 ||
      first.payload.empty() || first.payload.size() >= expected ||
      !flows_.OfLinesFlow(packet, first)) {
    return first;
  }
  std::vector<wire::Packet> parts;
  size_t total = first.payload.size();
  parts.push_back(std::move(first));
  std::string stopped;
  while (total < expected) {
    std::optional<Outbound> outbound = backend_.NextOutbound(deadline);
    if (!outbound) {
      stopped = "; no further segment came";
      break;
    }
    Capture(outbound->time, outbound->bytes);
    wire::ParseResult parsed = wire::Parse(outbound->bytes);
    if (!parsed.packet || !flows_.IsScriptTraffic(*parsed.packet)) continue;
    const bool last = total + parsed.packet->payload.size() >= expected;
    std::string why = SegmentJoinError(parts.back(), *parsed.packet, last);
    if (!why.empty()) {
      stopped = "; the next one cannot be joined (" + why +
                "): " + flows_.Describe(*parsed.packet);
      break;
    }
    total += parsed.packet->payload.size();
    *time = outbound->time;
    parts.push_back(std::move(*parsed.packet));
  }
  if (parts.size() > 1 || !stopped.empty()) {
    *note = "\n(joined from " + std::to_string(parts.size()) +
            " segments, as without --strict_segments" + stopped + ")";
  }
  return JoinSegments(parts);
}

bool Runner::AwaitPacket(const grammar::Event& event,
                         const grammar::PacketEvent& packet,
                         const ExpectedTime& expected, int64_t tolerance) {
  // Wait past the window by one more tolerance, so a packet that is a
  // little late gets a timing error with its time rather than a timeout.
  // When the run reached this line: a packet the stack sent earlier (while
  // the calls before the line ran) counts, for the times after it, as seen
  // now, as with packetdrill, whose next relative time counts from when it
  // moved on from the packet.
  const int64_t reached = ScriptTime(clock_.Now());
  const Instant deadline =
      expected.any ? clock_.Now() + Micros(kAnyTimeWaitUsecs)
                   : AtScriptTime(expected.end_us + 2 * tolerance);
  const std::string script_packet = grammar::PrintPacket(packet);
  // The last packet skipped as belonging to a forgotten connection, for
  // the timeout message.
  std::string skipped;
  for (;;) {
    std::optional<Outbound> outbound = backend_.NextOutbound(deadline);
    if (!outbound) {
      std::string when =
          expected.any ? "any time"
                       : (expected.is_range()
                              ? FormatSeconds(expected.start_us) + "~" +
                                    FormatSeconds(expected.end_us)
                              : FormatSeconds(expected.start_us)) +
                             " sec (+/- " + FormatSeconds(tolerance) + ")";
      const int64_t now = ScriptTime(clock_.Now());
      // When the run goes on (--non_fatal=packet), it goes on from now.
      timeline_.Advance(now);
      std::string message = "timed out waiting for packet: expected " +
                            script_packet + " at " + when + "; nothing by " +
                            FormatSeconds(now) + " sec";
      if (!skipped.empty()) {
        message += "\n(skipped, of another connection: " + skipped + ")";
      }
      return Fail(event.loc, message, Kind::kPacket, true);
    }
    Capture(outbound->time, outbound->bytes);
    wire::ParseResult parsed = wire::Parse(outbound->bytes);
    if (!parsed.packet) {
      // Not ours to judge unless it was the packet the script wants, in
      // which case the timeout that follows says so; keep the reason.
      report_.warnings.push_back("line " + std::to_string(event.loc.line) +
                                 ": ignored an unparsable outbound packet: " +
                                 parsed.error);
      continue;
    }
    if (!flows_.IsScriptTraffic(*parsed.packet)) continue;

    Instant live_time = outbound->time;
    std::string joined_note;  // for messages: how the packet was joined
    wire::Packet live = JoinFollowingSegments(packet, std::move(*parsed.packet),
                                              deadline, &live_time,
                                              &joined_note);
    const int64_t actual = ScriptTime(live_time);
    MatchResult match = flows_.MatchOutbound(packet, live);
    const bool other_connection =
        match.other_flow || (match.flow_from_packet && Forgotten(live));
    if (!match.ok && other_connection && joined_note.empty()) {
      // packetdrill waits for the next packet of the socket a line is
      // about and skips the others: a closed connection's ACK of a late
      // FIN is not what the script waits for when it expects another
      // connection's SYN. A line about the closed connection itself (its
      // FIN) still fails on a mismatch.
      skipped = flows_.Describe(live) + " at " + FormatSeconds(actual) + " sec";
      continue;
    }
    if (!match.ok) {
      return Fail(event.loc,
                  "outbound packet mismatch: " + match.difference +
                      "\nscript packet: " + script_packet +
                      "\nactual packet: " + flows_.Describe(live) + " at " +
                      FormatSeconds(actual) + " sec" + joined_note,
                  Kind::kPacket);
    }
    timeline_.Advance(std::max(actual, reached));
    std::string timing =
        CheckTiming("outbound packet", expected, tolerance, actual);
    if (!timing.empty()) {
      return Fail(event.loc,
                  timing + "\nscript packet: " + script_packet +
                      "\nactual packet: " + flows_.Describe(live) +
                      joined_note,
                  Kind::kPacket, true);
    }
    return true;
  }
}

}  // namespace synack::interpreter
