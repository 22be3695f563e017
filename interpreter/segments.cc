#include "interpreter/segments.h"

namespace synack::interpreter {

namespace {

size_t OptionBytes(const wire::TcpHeader& tcp) {
  size_t bytes = 0;
  for (const wire::TcpOption& option : tcp.options) {
    const bool single = option.kind == wire::tcp_opt::kEol ||
                        option.kind == wire::tcp_opt::kNop;
    bytes += single ? 1 : 2 + option.data.size();
  }
  return bytes;
}

std::string Differs(const char* field, uint64_t before, uint64_t after) {
  return std::string(field) + " changes from " + std::to_string(before) +
         " to " + std::to_string(after);
}

}  // namespace

std::string SegmentJoinError(const wire::Packet& previous,
                             const wire::Packet& next, bool next_is_last) {
  const wire::TcpHeader* a = previous.tcp();
  const wire::TcpHeader* b = next.tcp();
  if (a == nullptr || b == nullptr) return "not a TCP segment";
  if (!(previous.src == next.src) || !(previous.dst == next.dst) ||
      a->src_port != b->src_port || a->dst_port != b->dst_port) {
    return "a segment of another connection came in between";
  }
  if (previous.ttl != next.ttl) return Differs("ttl", previous.ttl, next.ttl);
  // FIN, PSH and CWR may differ between the parts of one write.
  constexpr uint16_t kFree =
      wire::tcp_flag::kFin | wire::tcp_flag::kPsh | wire::tcp_flag::kCwr;
  if ((a->flags & ~kFree) != (b->flags & ~kFree)) {
    return Differs("flags", a->flags & ~kFree, b->flags & ~kFree);
  }
  if (a->ack != b->ack) return Differs("ack", a->ack, b->ack);
  if (a->window != b->window) return Differs("window", a->window, b->window);
  if (a->urgent != b->urgent) return Differs("urgent", a->urgent, b->urgent);
  if (OptionBytes(*a) != OptionBytes(*b)) {
    return Differs("option length", OptionBytes(*a), OptionBytes(*b));
  }
  const uint32_t expected_seq =
      a->seq + static_cast<uint32_t>(previous.payload.size());
  if (b->seq != expected_seq) {
    return "sequence number " + std::to_string(b->seq) + " does not follow " +
           std::to_string(expected_seq);
  }
  if (!next_is_last && next.payload.size() != previous.payload.size()) {
    return "a middle segment of " + std::to_string(next.payload.size()) +
           " bytes after one of " + std::to_string(previous.payload.size());
  }
  return "";
}

wire::Packet JoinSegments(const std::vector<wire::Packet>& parts) {
  wire::Packet joined = parts.back();
  const wire::TcpHeader* first = parts.front().tcp();
  wire::TcpHeader* tcp = joined.tcp();
  if (first != nullptr && tcp != nullptr) {
    tcp->seq = first->seq;
    tcp->flags = static_cast<uint16_t>((tcp->flags & ~wire::tcp_flag::kCwr) |
                                       (first->flags & wire::tcp_flag::kCwr));
  }
  joined.payload.clear();
  for (const wire::Packet& part : parts) {
    joined.payload.insert(joined.payload.end(), part.payload.begin(),
                          part.payload.end());
  }
  return joined;
}

}  // namespace synack::interpreter
