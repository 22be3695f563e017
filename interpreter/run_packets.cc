// Packet events: injecting inbound packets at their time, awaiting and
// matching outbound ones, and the --pcap capture of both.
#include <algorithm>

#include "grammar/parser.h"
#include "grammar/printer.h"
#include "interpreter/flow_options.h"
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

bool Runner::ReadOutbound(Instant deadline) {
  for (;;) {
    std::optional<Outbound> outbound = backend_.NextOutbound(deadline);
    if (!outbound) return false;
    Capture(outbound->time, outbound->bytes);
    wire::ParseResult parsed = wire::Parse(outbound->bytes);
    if (!parsed.packet) {
      // Not ours to judge unless it was the packet the script wants, in
      // which case the timeout that follows says so; keep the reason.
      report_.warnings.push_back(
          "ignored an unparsable outbound packet at " +
          FormatSeconds(ScriptTime(outbound->time)) + " sec: " + parsed.error);
      continue;
    }
    if (!flows_.IsScriptTraffic(*parsed.packet)) continue;
    unread_.push_back({std::move(*parsed.packet), outbound->time});
    return true;
  }
}

namespace {

bool SameFourTuple(const wire::Packet& a, const wire::Packet& b) {
  const wire::TcpHeader* x = a.tcp();
  const wire::TcpHeader* y = b.tcp();
  return x != nullptr && y != nullptr && a.src == b.src && a.dst == b.dst &&
         x->src_port == y->src_port && x->dst_port == y->dst_port;
}

}  // namespace

wire::Packet Runner::JoinFollowingSegments(const grammar::PacketEvent& packet,
                                           size_t first, Instant deadline,
                                           Instant* time, std::string* note) {
  const auto* script_tcp = std::get_if<grammar::TcpPacket>(&packet.packet);
  const size_t expected =
      script_tcp != nullptr ? script_tcp->payload_len : 0;
  wire::Packet head = unread_[first].packet;
  // A SYN's data is never cut into TSO segments; a short packet where the
  // script wants a SYN, or of another flow, is another connection's (which
  // the caller skips).
  if (config_.strict_segments || script_tcp == nullptr ||
      (script_tcp->flags.bits & grammar::TcpFlags::kSyn) != 0 ||
      head.tcp() == nullptr ||
      (head.tcp()->flags & wire::tcp_flag::kSyn) != 0 ||
      head.payload.empty() || head.payload.size() >= expected ||
      !flows_.OfLinesFlow(packet, head)) {
    return head;
  }
  // The parts, by position in unread_: the first and the later packets of
  // its connection; other connections' packets stay for their own lines.
  std::vector<size_t> taken = {first};
  std::vector<wire::Packet> parts = {head};
  size_t total = head.payload.size();
  std::string stopped;
  for (size_t next = first + 1; total < expected; ++next) {
    if (next == unread_.size() && !ReadOutbound(deadline)) {
      stopped = "; no further segment came";
      break;
    }
    const wire::Packet& candidate = unread_[next].packet;
    if (!SameFourTuple(head, candidate)) continue;
    const bool last = total + candidate.payload.size() >= expected;
    std::string why = SegmentJoinError(parts.back(), candidate, last);
    if (!why.empty()) {
      stopped = "; the next one cannot be joined (" + why +
                "): " + flows_.Describe(candidate);
      break;
    }
    total += candidate.payload.size();
    *time = unread_[next].time;
    taken.push_back(next);
    parts.push_back(candidate);
  }
  if (parts.size() == 1 && stopped.empty()) return head;
  // The first stays for the caller to take; the others are used up.
  for (size_t i = taken.size(); i-- > 1;) {
    unread_.erase(unread_.begin() + static_cast<std::ptrdiff_t>(taken[i]));
  }
  *note = "\n(joined from " + std::to_string(parts.size()) +
          " segments, as without --strict_segments" + stopped + ")";
  return JoinSegments(parts);
}

void Runner::TakeAsActual(const grammar::Event& event,
                          const wire::Packet& live, int64_t actual) {
  std::string text = flows_.Describe(live);
  // The packet as a line would state it, matched for what the flow learns.
  grammar::ParseResult parsed = grammar::Parse("0 " + text + "\n");
  auto* stated = parsed.ok() && parsed.script.events.size() == 1
                     ? std::get_if<grammar::PacketEvent>(
                           &parsed.script.events[0].action)
                     : nullptr;
  if (stated == nullptr) {
    Note(event, actual, "actual " + text);
    return;
  }
  // A TS val the flow has not learned yet (shown as sent) is named by the
  // script's next inbound echo of one: `< S. ... <TS val 700 ecr 100>`
  // names the SYN's TS val 100, and the script's later ecr values count
  // from it.
  auto* tcp = std::get_if<grammar::TcpPacket>(&stated->packet);
  const auto& line = std::get<grammar::PacketEvent>(event.action);
  std::optional<Timestamps> sent_ts;
  if (live.tcp() != nullptr) sent_ts = FindTimestamps(live.tcp()->options);
  if (tcp != nullptr && tcp->options && sent_ts) {
    for (grammar::TcpOption& option : *tcp->options) {
      if (option.kind != grammar::TcpOption::Kind::kTimestamp ||
          option.value != sent_ts->val) {
        continue;
      }
      for (const grammar::Event* later = &event + 1;
           later < script_.events.data() + script_.events.size(); ++later) {
        const auto* in = std::get_if<grammar::PacketEvent>(&later->action);
        const auto* in_tcp =
            in != nullptr && in->direction == grammar::Direction::kInbound
                ? std::get_if<grammar::TcpPacket>(&in->packet)
                : nullptr;
        // The echo comes on the line's own connection, when it names one.
        if (in_tcp == nullptr || !in_tcp->options ||
            (line.ports && (!in->ports || in->ports->src != line.ports->dst ||
                            in->ports->dst != line.ports->src))) {
          continue;
        }
        const auto echo = std::find_if(
            in_tcp->options->begin(), in_tcp->options->end(),
            [](const grammar::TcpOption& o) {
              return o.kind == grammar::TcpOption::Kind::kTimestamp;
            });
        if (echo == in_tcp->options->end()) continue;
        if (echo->ecr != 0) option.value = echo->ecr;
        break;
      }
    }
    text = grammar::PrintPacket(*stated);
  }
  Note(event, actual, "actual " + text);
  flows_.MatchOutbound(*stated, live);
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
  // The last packet passed over as another connection's, for the timeout
  // message (described only then: a line may pass over many).
  std::optional<Unread> skipped;
  // The packets are looked at oldest first: those already read and left
  // by earlier lines, then new ones. packetdrill waits for the next packet
  // of the socket a line is about; the others here wait for their own
  // lines (CheckUnmatched).
  for (size_t next = 0;;) {
    if (next == unread_.size() && !ReadOutbound(deadline)) {
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
      if (config_.update) Note(event, now, "missing");
      std::string message = "timed out waiting for packet: expected " +
                            script_packet + " at " + when + "; nothing by " +
                            FormatSeconds(now) + " sec";
      if (skipped) {
        message += "\n(passed over, of another connection: " +
                   flows_.Describe(skipped->packet) + " at " +
                   FormatSeconds(ScriptTime(skipped->time)) + " sec)";
      }
      return Fail(event.loc, message, Kind::kPacket, true);
    }
    Instant live_time = unread_[next].time;
    std::string joined_note;  // for messages: how the packet was joined
    wire::Packet live = JoinFollowingSegments(packet, next, deadline,
                                              &live_time, &joined_note);
    const int64_t actual = ScriptTime(live_time);
    MatchResult match = flows_.MatchOutbound(packet, live);
    const bool other_connection =
        match.other_flow || (match.flow_from_packet && Forgotten(live));
    if (!match.ok && other_connection && joined_note.empty()) {
      // Another connection's packet: a closed connection's ACK of a late
      // FIN is not what the script waits for when it expects another
      // connection's SYN. A line about the closed connection itself (its
      // FIN) still fails on a mismatch.
      skipped = Unread{std::move(live), live_time};
      ++next;
      continue;
    }
    unread_.erase(unread_.begin() + static_cast<std::ptrdiff_t>(next));
    if (!match.ok && config_.update) {
      const auto* tcp = std::get_if<grammar::TcpPacket>(&packet.packet);
      if (tcp == nullptr || live.tcp() == nullptr ||
          tcp->flags.bits != live.tcp()->flags) {
        // Not this line's packet: one the script did not foresee, to be
        // written in before the line.
        // (`next` now names the packet after it.)
        Note(event, actual, "extra " + flows_.Describe(live));
        continue;
      }
      TakeAsActual(event, live, actual);
      timeline_.Advance(std::max(actual, reached));
      return true;
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
    if (config_.update) {
      Note(event, actual,
           timing.empty() ? "matched" : "retimed " + flows_.Describe(live));
    }
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

bool Runner::CheckUnmatched(const grammar::Event* event, bool end) {
  // What the stack has sent by now; at the end, a tolerance more, so that
  // the answer to the script's last packet is seen on the kernel too (when
  // more than one connection could have sent it).
  if (end && flows_.FlowCount() > 1) {
    clock_.WaitUntil(clock_.Now() + Micros(config_.tolerance_usecs));
  }
  while (ReadOutbound(clock_.Now())) {
  }
  const int64_t now = ScriptTime(clock_.Now());
  const grammar::Location loc =
      event != nullptr ? event->loc
                       : (script_.events.empty() ? grammar::Location{}
                                                 : script_.events.back().loc);
  for (size_t i = 0; i < unread_.size();) {
    const int64_t sent = ScriptTime(unread_[i].time);
    if ((!end && sent + config_.tolerance_usecs >= now) ||
        flows_.MayGoUnmatched(unread_[i].packet)) {
      ++i;
      continue;
    }
    const wire::Packet& live = unread_[i].packet;
    std::string message =
        "unexpected outbound packet on " + flows_.FlowName(live) +
        ": no line matched it " +
        (end ? std::string("by the end of the script")
             : "before this line, at " + FormatSeconds(now) + " sec") +
        "\nactual packet: " + flows_.Describe(live) + " at " +
        FormatSeconds(sent) + " sec" +
        "\n(every packet the stack sends on a flow that lines without ports "
        "are not about must be matched by a line; --ignore_flows names flows "
        "whose other packets may go unmatched)";
    unread_.erase(unread_.begin() + static_cast<std::ptrdiff_t>(i));
    if (!Fail(loc, std::move(message), Kind::kPacket)) return false;
  }
  return true;
}

}  // namespace synack::interpreter
