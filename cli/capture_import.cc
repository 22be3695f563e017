// ImportCapture(): picks the connection and its local side, makes sequence
// numbers relative to each side's ISN, prints each packet as the failure
// messages do (interpreter::DescribePacket) and puts in the system calls the
// packets imply. The result is parsed and printed canonically, so a draft
// that would not parse is a bug found here, not by the user.
#include "cli/capture_import.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <vector>

#include "grammar/parser.h"
#include "grammar/printer.h"
#include "interpreter/flow_describe.h"
#include "interpreter/flow_options.h"

namespace synack::cli {
namespace {

using wire::CapturedPacket;
using wire::IpAddress;
namespace tcp_flag = wire::tcp_flag;

struct Endpoint {
  IpAddress address;
  uint16_t port = 0;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
  std::string ToString() const {
    const std::string text = address.ToString();
    return (address.family == AF_INET6 ? "[" + text + "]" : text) + ":" +
           std::to_string(port);
  }
};

Endpoint Source(const wire::Packet& p) { return {p.src, p.tcp()->src_port}; }
Endpoint Destination(const wire::Packet& p) {
  return {p.dst, p.tcp()->dst_port};
}

// ADDR, ADDR:PORT or [ADDR]:PORT; nullopt when it is none of them.
struct EndpointPattern {
  IpAddress address;
  std::optional<uint16_t> port;
  bool Matches(const Endpoint& e) const {
    return e.address == address && (!port || *port == e.port);
  }
};

std::optional<EndpointPattern> ParsePattern(const std::string& text) {
  std::string address = text;
  std::optional<std::string> port;
  if (!text.empty() && text[0] == '[') {
    const size_t close = text.find(']');
    if (close == std::string::npos) return std::nullopt;
    address = text.substr(1, close - 1);
    const std::string rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    // One colon: IPv4 and a port. More: a bare IPv6 address.
    address = text.substr(0, text.find(':'));
    port = text.substr(text.find(':') + 1);
  }
  const std::optional<IpAddress> parsed = IpAddress::Parse(address);
  if (!parsed) return std::nullopt;
  EndpointPattern pattern{*parsed, std::nullopt};
  if (port) {
    if (port->empty() || port->size() > 5 ||
        port->find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(*port) > 65535) {
      return std::nullopt;
    }
    pattern.port = static_cast<uint16_t>(std::stoul(*port));
  }
  return pattern;
}

// One TCP connection's packets (both directions), in capture order.
struct Connection {
  Endpoint a, b;  // a sent the first packet
  std::vector<const CapturedPacket*> packets;
  std::string Describe() const {
    return a.ToString() + " <-> " + b.ToString() + " (" +
           std::to_string(packets.size()) + " packets)";
  }
};

std::vector<Connection> SplitConnections(
    std::span<const CapturedPacket> packets) {
  std::vector<Connection> connections;
  for (const CapturedPacket& captured : packets) {
    if (captured.packet.tcp() == nullptr) continue;
    const Endpoint src = Source(captured.packet),
                   dst = Destination(captured.packet);
    auto it = std::find_if(connections.begin(), connections.end(),
                           [&](const Connection& c) {
                             return (c.a == src && c.b == dst) ||
                                    (c.a == dst && c.b == src);
                           });
    if (it == connections.end()) {
      connections.push_back({src, dst, {}});
      it = connections.end() - 1;
    }
    it->packets.push_back(&captured);
  }
  return connections;
}

std::string Listing(const std::vector<const Connection*>& connections) {
  std::string text;
  for (const Connection* c : connections) text += "\n  " + c->Describe();
  return text;
}

// "2 UDP, 1 ICMP": what a capture without TCP held instead.
std::string OtherProtocols(std::span<const CapturedPacket> packets) {
  std::map<std::string, size_t> counts;
  for (const CapturedPacket& captured : packets) {
    const uint8_t proto = captured.packet.protocol;
    counts[proto == wire::ip_proto::kUdp                   ? "UDP"
           : proto == wire::ip_proto::kIcmp ||
                   proto == wire::ip_proto::kIcmpv6 ? "ICMP"
                                                    : "other"]++;
  }
  std::string text;
  for (const auto& [name, count] : counts) {
    text += (text.empty() ? "" : ", ") + std::to_string(count) + " " + name;
  }
  return text;
}

bool Has(const wire::TcpHeader& tcp, uint16_t flag) {
  return (tcp.flags & flag) != 0;
}
bool IsBareSyn(const wire::TcpHeader& tcp) {
  return Has(tcp, tcp_flag::kSyn) && !Has(tcp, tcp_flag::kAck);
}
bool IsSynAck(const wire::TcpHeader& tcp) {
  return Has(tcp, tcp_flag::kSyn) && Has(tcp, tcp_flag::kAck);
}

// The side under test. A capture is symmetric: a passive open seen from
// the server is an active open seen from the client. What breaks the tie,
// in order: --local; an end in a documentation range (192.0.2.0/24,
// RFC 5737; 2001:db8::/32, RFC 3849), where packetdrill's runner and synack
// put the scripted peer, is the peer; the side that answers a SYN with a
// SYN-ACK (a passive open, as most scripts test); else the side that sent
// the first SYN (an active open: unanswered, or a simultaneous one).
struct LocalSide {
  Endpoint local, peer;
  bool passive = false;
  std::string why;  // how the local side was chosen, for the header
  std::string error;
};

bool IsDocumentationAddress(const IpAddress& address) {
  const auto& b = address.bytes;
  if (address.family == AF_INET) return b[0] == 192 && b[1] == 0 && b[2] == 2;
  return b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8;
}

LocalSide ChooseLocal(const Connection& c, const std::string& local_text) {
  LocalSide side;
  auto choose = [&](const Endpoint& local, std::string why) {
    side.local = local;
    side.peer = local == c.a ? c.b : c.a;
    side.why = std::move(why);
  };
  std::vector<Endpoint> syn_senders;
  std::optional<Endpoint> first_synack;
  for (const CapturedPacket* captured : c.packets) {
    const wire::TcpHeader& tcp = *captured->packet.tcp();
    const Endpoint src = Source(captured->packet);
    if (IsBareSyn(tcp)) {
      syn_senders.push_back(src);
    } else if (IsSynAck(tcp) && !first_synack &&
               std::find(syn_senders.begin(), syn_senders.end(), src) ==
                   syn_senders.end()) {
      first_synack = src;  // an answer to the other side's SYN
    }
  }
  if (!local_text.empty()) {
    const std::optional<EndpointPattern> pattern = ParsePattern(local_text);
    if (!pattern) {
      side.error = "--local expects ADDR or ADDR:PORT, found '" +
                   local_text + "'";
      return side;
    }
    const bool a = pattern->Matches(c.a), b = pattern->Matches(c.b);
    if (a == b) {
      side.error = "--local " + local_text +
                   (a ? " matches both ends" : " matches neither end") +
                   " of " + c.Describe() + (a ? "; give its port too" : "");
      return side;
    }
    choose(a ? c.a : c.b, "--local");
  } else if (IsDocumentationAddress(c.a.address) !=
             IsDocumentationAddress(c.b.address)) {
    choose(IsDocumentationAddress(c.a.address) ? c.b : c.a,
           "its peer is at a documentation address, as packetdrill's");
  } else if (first_synack) {
    choose(*first_synack, "it answered the SYN");
  } else if (!syn_senders.empty()) {
    choose(syn_senders.front(), "it sent the first SYN");
  } else {
    side.error = "no SYN in " + c.Describe() +
                 ": say which side is under test with --local ADDR";
    return side;
  }
  // A passive open: the local side's first SYN is its SYN-ACK.
  side.passive = std::find(syn_senders.begin(), syn_senders.end(),
                           side.local) == syn_senders.end();
  return side;
}

// The seq of a side's first SYN; without one, the number before its first
// seq, so that its first byte is 1 as after a handshake (0 stays 0: an RST
// with seq 0 is written so).
uint32_t FindIsn(const Connection& c, const Endpoint& sender) {
  std::optional<uint32_t> first;
  for (const CapturedPacket* captured : c.packets) {
    if (!(Source(captured->packet) == sender)) continue;
    const wire::TcpHeader& tcp = *captured->packet.tcp();
    if (Has(tcp, tcp_flag::kSyn)) return tcp.seq;
    if (!first) first = tcp.seq;
  }
  return first.value_or(0) == 0 ? 0 : *first - 1;
}

// Segments of one burst leave within this of each other: the kernel
// sends a write's segments in one go, microseconds apart.
constexpr int64_t kBurstUsecs = 1000;

int64_t Usecs(std::chrono::nanoseconds time) {
  return (time.count() + 500) / 1000;
}

// The draft's lines before printing. A write's size grows while the data
// it wrote goes out; a comment line has no time.
struct Line {
  int64_t usecs = 0;
  std::string text;
  int write_fd = -1;  // >= 0: a write() of write_size bytes
  uint64_t write_size = 0;
  bool comment = false;  // `text` is a comment, printed without a time
};

class Drafter {
 public:
  Drafter(const Connection& c, const LocalSide& side)
      : c_(c),
        side_(side),
        local_isn_(FindIsn(c, side.local)),
        peer_isn_(FindIsn(c, side.peer)) {}

  std::vector<Line> Draft() {
    const int64_t start = Usecs(c_.packets.front()->time);
    OpenSocket(start);
    for (index_ = 0; index_ < c_.packets.size(); ++index_) {
      Packet(*c_.packets[index_]);
    }
    // The last write's last segment went out without PSH (or not at all):
    // the application wrote more than the capture shows. A segment's worth
    // more keeps the last one seen without PSH in the new run too.
    if (write_line_ && !write_pushed_ && !closed_) {
      lines_[*write_line_].write_size += largest_segment_;
      lines_.insert(lines_.begin() + static_cast<ptrdiff_t>(*write_line_),
                    Line{lines_[*write_line_].usecs,
                         "// More was written than sent: the capture ends "
                         "before this write's\n// last segment (one with "
                         "PSH). Its size here is a guess.",
                         -1, 0, true});
    }
    // What is left unread at the end is read at the last packet's time.
    if (fd_ >= 0 && !closed_ && !reset_) ReadPending(last_usecs_);
    return std::move(lines_);
  }

 private:
  void Call(int64_t usecs, std::string text) {
    lines_.push_back({usecs, std::move(text)});
  }

  // The first of the local side's packets that carries `flag` (its SYN or
  // SYN-ACK: kSyn), and the peer's first bare SYN.
  const wire::Packet* FirstFrom(const Endpoint& sender, uint16_t flag) const {
    for (const CapturedPacket* captured : c_.packets) {
      if (Source(captured->packet) == sender &&
          Has(*captured->packet.tcp(), flag)) {
        return &captured->packet;
      }
    }
    return nullptr;
  }

  // What the local side's SYN (or SYN-ACK) says of the sysctls in force,
  // drafted before socket(): a capture holds no setting, but some show on
  // the wire.
  void SysctlsOff(int64_t usecs) {
    const wire::Packet* syn = FirstFrom(side_.local, tcp_flag::kSyn);
    if (syn == nullptr) return;
    const wire::Packet* peer_syn =
        side_.passive ? FirstFrom(side_.peer, tcp_flag::kSyn) : nullptr;
    auto carries = [](const wire::Packet* p, uint8_t kind) {
      const auto& options = p->tcp()->options;
      return std::any_of(options.begin(), options.end(),
                         [kind](const wire::TcpOption& o) {
                           return o.kind == kind;
                         });
    };
    // An active open's SYN offers timestamps, SACK and window scaling
    // when tcp_timestamps, tcp_sack and tcp_window_scaling allow them
    // (tcp_syn_options()); a SYN-ACK answers each only when the peer's SYN
    // offered it (tcp_synack_options()). Only what is off is written: on
    // is Linux's default, and an init command may say which kind of on.
    std::string off;
    const std::pair<uint8_t, const char*> sysctls[] = {
        {wire::tcp_opt::kTimestamp, "tcp_timestamps"},
        {wire::tcp_opt::kSackOk, "tcp_sack"},
        {wire::tcp_opt::kWscale, "tcp_window_scaling"}};
    for (const auto& [kind, name] : sysctls) {
      const bool offered = !side_.passive || (peer_syn && carries(peer_syn, kind));
      if (offered && !carries(syn, kind)) {
        off += std::string(" net.ipv4.") + name + "=0";
      }
    }
    if (!off.empty()) {
      lines_.push_back({usecs,
                        "// The local side's SYN leaves out what these "
                        "sysctls turn off.",
                        -1, 0, true});
      Call(usecs, "`sysctl -q" + off + "`");
    }
  }

  // The socket options that show in the local side's SYN (or SYN-ACK).
  void SocketOptions(int64_t usecs) {
    const wire::Packet* syn = FirstFrom(side_.local, tcp_flag::kSyn);
    if (syn == nullptr) return;
    // An MSS below a 1500-byte link's (1460 over IPv4, 1440 over IPv6;
    // synack's IPv6 link of MTU 1520 gives 1460) is TCP_MAXSEG's (tcp_syn_options() advertises the
    // user's mss_clamp), which also lowers the window offered, or a
    // route's smaller MTU (a path MTU learnt from ICMP): TCP_MAXSEG gives
    // the same SYN.
    for (const wire::TcpOption& option : syn->tcp()->options) {
      if (option.kind != wire::tcp_opt::kMss || option.data.size() != 2) {
        continue;
      }
      const int mss = option.data[0] << 8 | option.data[1];
      if (mss < (syn->is_ipv6() ? 1440 : 1460)) {
        Call(usecs, "setsockopt(3, IPPROTO_TCP, TCP_MAXSEG, [" +
                        std::to_string(mss) + "], 4) = 0");
      }
    }
    SetTos(usecs, 3, *syn);
    if (const std::optional<int> retries = SynAckRetriesSpent();
        retries && !DeferSeconds()) {
      lines_.push_back({usecs,
                        "// The SYN-ACK went " + std::to_string(*retries + 1) +
                            " times and the handshake's ACK after them got "
                            "a RST: its\n// retries were spent "
                            "(tcp_synack_retries, or TCP_SYNCNT as here).",
                        -1, 0, true});
      Call(usecs, "setsockopt(3, IPPROTO_TCP, TCP_SYNCNT, [" +
                      std::to_string(*retries) + "], 4) = 0");
    }
    if (const std::optional<int64_t> seconds = DeferSeconds()) {
      lines_.push_back({usecs,
                        "// The SYN-ACK went again after the peer's ACK: "
                        "that ACK was dropped, as\n// TCP_DEFER_ACCEPT "
                        "does (and a full accept queue, with\n// "
                        "tcp_abort_on_overflow=0).",
                        -1, 0, true});
      Call(usecs, "setsockopt(3, IPPROTO_TCP, TCP_DEFER_ACCEPT, [" +
                      std::to_string(*seconds) + "], 4) = 0");
    }
  }

  // A listener that sends its SYN-ACK again after the peer's ACK of it came
  // dropped that bare ACK: TCP_DEFER_ACCEPT (tcp_check_req() drops it while
  // the deferral runs; reqsk_timer_handler()'s syn_ack_recalc() resends
  // the SYN-ACK once, at the deferral's last period). The seconds: from
  // the first SYN-ACK to that one, the sum of the periods the option's
  // seconds become (secs_to_retrans()).
  std::optional<int64_t> DeferSeconds() const {
    if (!side_.passive) return std::nullopt;
    std::optional<int64_t> first_synack;
    bool acked = false;
    for (const CapturedPacket* captured : c_.packets) {
      const wire::TcpHeader& tcp = *captured->packet.tcp();
      const bool local = Source(captured->packet) == side_.local;
      if (local && IsSynAck(tcp)) {
        if (acked && first_synack) {
          return (Usecs(captured->time) - *first_synack + 500000) / 1000000;
        }
        if (!first_synack) first_synack = Usecs(captured->time);
      } else if (!local && first_synack && !Has(tcp, tcp_flag::kSyn) &&
                 !Has(tcp, tcp_flag::kRst) && Has(tcp, tcp_flag::kAck) &&
                 captured->packet.payload.empty() &&
                 tcp.ack == local_isn_ + 1) {
        acked = true;
      } else if (local && Has(tcp, tcp_flag::kRst)) {
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  // A listener that sent its SYN-ACK again N times and answers the
  // handshake's ACK after them with a RST without ACK had dropped the
  // request when its N retries were spent (reqsk_timer_handler(): a
  // listener's TCP_SYNCNT, else tcp_synack_retries); TCP_SYNCNT [N]
  // drops it so whichever did. nullopt: no such RST, or no retry.
  std::optional<int> SynAckRetriesSpent() const {
    if (!side_.passive) return std::nullopt;
    int synacks = 0;
    bool acked = false;
    for (const CapturedPacket* captured : c_.packets) {
      const wire::TcpHeader& tcp = *captured->packet.tcp();
      const bool local = Source(captured->packet) == side_.local;
      if (local && IsSynAck(tcp)) {
        if (acked) return std::nullopt;
        ++synacks;
      } else if (!local && synacks > 0 && IsBareSyn(tcp)) {
        return std::nullopt;  // the peer starts again
      } else if (!local && synacks > 0 && Has(tcp, tcp_flag::kAck) &&
                 !Has(tcp, tcp_flag::kRst) && tcp.ack == local_isn_ + 1) {
        acked = true;
      } else if (local && acked) {
        if (Has(tcp, tcp_flag::kRst) && !Has(tcp, tcp_flag::kAck) &&
            synacks > 1) {
          return synacks - 1;
        }
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  // Whether the local side sends a SYN-ACK after the packet being drafted:
  // an ACK before it did not complete the handshake (DeferSeconds()).
  bool SynAckFollows() const {
    for (size_t i = index_ + 1; i < c_.packets.size(); ++i) {
      const wire::Packet& p = c_.packets[i]->packet;
      if (Source(p) == side_.local && IsSynAck(*p.tcp())) return true;
      if (IsBareSyn(*p.tcp())) return false;  // another connection
    }
    return false;
  }

  // IP_TOS (IPV6_TCLASS) sets the DSCP of what the socket sends; the ECN
  // bits are the stack's own (the kernel masks them out of the option:
  // INET_ECN_MASK in do_ip_setsockopt(), ip6_datagram's tclass alike).
  void SetTos(int64_t usecs, int fd, const wire::Packet& packet) {
    const int dscp = packet.tos & 0xfc;
    if (dscp == dscp_) return;
    dscp_ = dscp;
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", dscp);
    Call(usecs, "setsockopt(" + std::to_string(fd) + ", " +
                    (packet.is_ipv6() ? "SOL_IPV6, IPV6_TCLASS"
                                      : "SOL_IP, IP_TOS") +
                    ", [" + hex + "], 4) = 0");
  }

  void OpenSocket(int64_t usecs) {
    SysctlsOff(usecs);
    Call(usecs, "socket(..., SOCK_STREAM, IPPROTO_TCP) = 3");
    SocketOptions(usecs);
    if (side_.passive) {
      Call(usecs, "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0");
      Call(usecs, "bind(3, ..., ...) = 0");
      // A port that answers SYNs only with RSTs has no listener (RFC 9293
      // §3.10.7.1): bound, the port stays the script's own.
      if (!ResetsWithoutSynAck()) Call(usecs, "listen(3, 1) = 0");
      next_fd_ = 4;
    } else {
      Connect(usecs);
    }
  }

  // An active open. Bound to the script's port when the capture opens
  // from the same port again, so that the new connection meets the old
  // one's TIME_WAIT there (a bound connect() may take it over:
  // tcp_twsk_unique()) as in the capture.
  void Connect(int64_t usecs) {
    if (Reopens()) {
      Call(usecs, "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0");
      Call(usecs, "bind(3, ..., ...) = 0");
    }
    // Non-blocking, so that the script goes on to the SYN-ACK.
    Call(usecs, "fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0");
    Call(usecs,
         "connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)");
    fd_ = 3;
  }

  // Whether the local side opens again (a SYN after its FIN or RST).
  bool Reopens() const {
    bool ended = false;
    for (const CapturedPacket* captured : c_.packets) {
      if (!(Source(captured->packet) == side_.local)) continue;
      const wire::TcpHeader& tcp = *captured->packet.tcp();
      if (ended && IsBareSyn(tcp)) return true;
      ended = ended || Has(tcp, tcp_flag::kFin) || Has(tcp, tcp_flag::kRst);
    }
    return false;
  }

  // Whether the local side, after its FIN at `fin_seq`, acknowledges data
  // the peer had not sent by then, without a RST: it only shut down its
  // sending half.
  bool AcksDataAfterFin(uint32_t fin_seq) const {
    const uint32_t received = received_high_ + peer_isn_;
    for (size_t i = index_ + 1; i < c_.packets.size(); ++i) {
      const wire::Packet& p = c_.packets[i]->packet;
      const wire::TcpHeader& tcp = *p.tcp();
      if (!(Source(p) == side_.local)) continue;
      if (Has(tcp, tcp_flag::kRst)) return false;
      if (tcp.seq - local_isn_ == fin_seq + 1 && Has(tcp, tcp_flag::kAck) &&
          static_cast<int32_t>(tcp.ack - received) > 1) {
        return true;  // more than a FIN's one
      }
    }
    return false;
  }

  bool ResetsWithoutSynAck() const {
    bool reset = false;
    for (const CapturedPacket* captured : c_.packets) {
      if (!(Source(captured->packet) == side_.local)) continue;
      const wire::TcpHeader& tcp = *captured->packet.tcp();
      if (IsSynAck(tcp)) return false;
      reset = reset || Has(tcp, tcp_flag::kRst);
    }
    return reset;
  }

  // The packet with each side's numbers counted from its ISN.
  wire::Packet Relative(const wire::Packet& live, bool outbound) const {
    wire::Packet packet = live;
    wire::TcpHeader& tcp = *packet.tcp();
    const uint32_t own = outbound ? local_isn_ : peer_isn_;
    const uint32_t other = outbound ? peer_isn_ : local_isn_;
    tcp.seq -= own;
    if (Has(tcp, tcp_flag::kAck)) tcp.ack -= other;
    interpreter::MapSackBlocks(tcp.options,
                               [&](uint32_t v) { return v - other; });
    return packet;
  }

  void Packet(const CapturedPacket& captured) {
    const bool outbound = Source(captured.packet) == side_.local;
    const int64_t usecs = Usecs(captured.time);
    const wire::Packet packet = Relative(captured.packet, outbound);
    const wire::TcpHeader& tcp = *packet.tcp();
    const uint32_t high_before = sent_high_;
    if (outbound) {
      BeforeOutbound(packet, usecs);
    } else {
      BeforeInbound(tcp);
    }
    NoteWhatToAdd(packet, outbound, usecs);
    lines_.push_back(
        {usecs, interpreter::DescribePacket(packet, nullptr, outbound, reopens_)});
    if (!outbound) AfterInbound(packet, usecs);
    last_was_new_data_ = outbound && sent_high_ != high_before;
    last_usecs_ = usecs;
  }

  void Comment(int64_t usecs, std::string text) {
    lines_.push_back({usecs, std::move(text), -1, 0, true});
  }

  // What the packet shows that the draft cannot write, said where it
  // shows, for the user to add: settings the wire does not carry.
  void NoteWhatToAdd(const wire::Packet& packet, bool outbound,
                     int64_t usecs) {
    const wire::TcpHeader& tcp = *packet.tcp();
    bool fast_open = IsBareSyn(tcp) && !packet.payload.empty();  // data on a SYN
    bool md5 = false;
    for (const wire::TcpOption& option : tcp.options) {
      fast_open = fast_open || option.kind == wire::tcp_opt::kFastOpen ||
                  (option.kind == wire::tcp_opt::kExperimental &&
                   option.data.size() >= 2 &&
                   (option.data[0] << 8 | option.data[1]) ==
                       wire::tcp_opt::kFastOpenMagic);
      md5 = md5 || option.kind == wire::tcp_opt::kMd5;
    }
    if (fast_open && !noted_fast_open_) {
      noted_fast_open_ = true;
      Comment(usecs,
              "// TCP Fast Open (RFC 7413): not drafted. Add "
              "net.ipv4.tcp_fastopen and, on a\n// listener, "
              "setsockopt(3, SOL_TCP, TCP_FASTOPEN, [QLEN], 4) before "
              "listen(); on a\n// client, sendto(..., MSG_FASTOPEN, ...) "
              "or TCP_FASTOPEN_CONNECT for its connect().");
    }
    if (md5 && !noted_md5_) {
      noted_md5_ = true;
      Comment(usecs,
              "// A TCP MD5 signature (RFC 2385): add setsockopt(fd, "
              "IPPROTO_TCP, TCP_MD5SIG, ...)\n// with the key, which no "
              "capture holds.");
    }
    // RFC 9293 §3.10.7.2: a listener answers a SYN; one that answers
    // nothing dropped it, for what the capture does not show.
    if (!outbound && side_.passive && IsBareSyn(tcp) && !Answered()) {
      Comment(usecs,
              "// No answer to this SYN: the listener dropped it (its SYN "
              "or accept queue full\n// of other connections, or a "
              "TCP_MD5SIG it lacks): add what did.");
    }
    if (handshake_reset_) {
      handshake_reset_ = false;
      Comment(usecs,
              "// A RST for the handshake's ACK: the request was gone (its "
              "SYN-ACK retries spent,\n// tcp_synack_retries or TCP_SYNCNT; "
              "or the accept queue full of other\n// connections, with "
              "tcp_abort_on_overflow=1).");
    }
    // A RST after the FIN was acknowledged, with nothing received since:
    // the FIN_WAIT_2 timeout ran out (tcp_set_state(); TCP_LINGER2, else
    // tcp_fin_timeout; a negative TCP_LINGER2 resets at once).
    if (outbound && Has(tcp, tcp_flag::kRst) && closed_ && !reset_ &&
        fin_acked_) {
      Comment(usecs,
              "// A RST in FIN_WAIT_2: its timeout ran out. Add "
              "setsockopt(fd, IPPROTO_TCP,\n// TCP_LINGER2, [SECONDS], 4) "
              "before close(), or net.ipv4.tcp_fin_timeout.");
    }
  }

  // Whether the local side sends anything after the packet being drafted,
  // before the peer's next SYN.
  bool Answered() const {
    for (size_t i = index_ + 1; i < c_.packets.size(); ++i) {
      const wire::Packet& p = c_.packets[i]->packet;
      if (Source(p) == side_.local) return true;
      if (IsBareSyn(*p.tcp())) return false;
    }
    return false;
  }

  void BeforeInbound(const wire::TcpHeader& tcp) {
    // A new SYN from the peer after its connection ended: packetdrill
    // scripts reopen from TIME_WAIT so, and it needs another accept().
    if (side_.passive && IsBareSyn(tcp) && accepted_) {
      accepted_ = false;
      closed_ = reset_ = shut_ = false;
      fd_ = -1;
      unread_ = 0;
      write_line_.reset();
    }
  }

  void AfterInbound(const wire::Packet& packet, int64_t usecs) {
    const wire::TcpHeader& tcp = *packet.tcp();
    if (Has(tcp, tcp_flag::kRst)) reset_ = true;
    // RFC 9293 §3.5: the ACK of the SYN-ACK completes a passive open, and
    // accept() returns the connection.
    if (side_.passive && !accepted_ && sent_synack_ &&
        Has(tcp, tcp_flag::kAck) && !Has(tcp, tcp_flag::kSyn) &&
        !Has(tcp, tcp_flag::kRst) && tcp.ack == sent_high_ &&
        (!packet.payload.empty() || !SynAckFollows())) {
      accepted_ = true;
      fd_ = next_fd_++;
      accept_line_ = lines_.size();
      Call(usecs, "accept(3, ..., ...) = " + std::to_string(fd_));
    }
    const uint32_t start = tcp.seq + (Has(tcp, tcp_flag::kSyn) ? 1 : 0);
    const uint32_t end = start + static_cast<uint32_t>(packet.payload.size());
    // A SYN starts the numbers again (a connection reopened from
    // TIME_WAIT counts on from the first one's ISN).
    if (Has(tcp, tcp_flag::kSyn)) received_high_ = start;
    // The FIN's sequence number is not data: acked_high_ stops at the
    // data's end so that it can equal sent_high_.
    if (Has(tcp, tcp_flag::kAck) && !Has(tcp, tcp_flag::kRst) &&
        static_cast<int32_t>(tcp.ack - acked_high_) > 0) {
      acked_high_ = std::min(tcp.ack, sent_high_);
    }
    if (fin_end_ && Has(tcp, tcp_flag::kAck) && !Has(tcp, tcp_flag::kRst)) {
      fin_acked_ = packet.payload.empty() &&
                   (fin_acked_ || static_cast<int32_t>(tcp.ack - *fin_end_) >= 0);
    }
    if (!packet.payload.empty() && end > received_high_) {
      unread_ += end - std::max(start, received_high_);
      received_high_ = end;
      peer_data_since_write_ = true;
    }
  }

  void BeforeOutbound(const wire::Packet& packet, int64_t usecs) {
    const wire::TcpHeader& tcp = *packet.tcp();
    if (IsSynAck(tcp)) sent_synack_ = true;
    // A RST right after the ACK that would have completed the handshake:
    // the request was gone (dropped after its SYN-ACK retries, or the
    // accept queue was full), so accept() never had this connection.
    // (A RST that aborts an accepted connection, SO_LINGER 0, has ACK
    // set; one for a segment of no connection has not: RFC 9293 §3.10.7.1.)
    if (Has(tcp, tcp_flag::kRst) && !Has(tcp, tcp_flag::kAck) &&
        accept_line_ && *accept_line_ + 1 == lines_.size()) {
      lines_.pop_back();
      handshake_reset_ = true;
      accept_line_.reset();
      accepted_ = false;
      fd_ = -1;
      --next_fd_;
    }
    // A new SYN after the connection was closed: a new socket connects
    // from the same port (Connect() binds both).
    if (!side_.passive && IsBareSyn(tcp) && closed_) {
      closed_ = reset_ = shut_ = false;
      unread_ = 0;
      write_line_.reset();
      fin_end_.reset();
      Call(usecs, "socket(..., SOCK_STREAM, IPPROTO_TCP) = 3");
      Connect(usecs);
    }
    const bool app_can_act = fd_ >= 0 && !closed_;
    const bool can_write = app_can_act && !shut_;
    if (app_can_act && !Has(tcp, tcp_flag::kRst)) SetTos(usecs, fd_, packet);
    const uint32_t start = tcp.seq + (Has(tcp, tcp_flag::kSyn) ? 1 : 0);
    const uint32_t end = start + static_cast<uint32_t>(packet.payload.size());
    if (Has(tcp, tcp_flag::kSyn)) sent_high_ = acked_high_ = start;
    if (Has(tcp, tcp_flag::kFin)) {
      fin_end_ = end + 1;
      fin_acked_ = false;
    }
    if (can_write && !packet.payload.empty() && end > sent_high_ &&
        !Has(tcp, tcp_flag::kSyn)) {
      Write(end - std::max(start, sent_high_), Has(tcp, tcp_flag::kPsh),
            usecs);
      sent_high_ = end;
    }
    if (app_can_act && !shut_ && Has(tcp, tcp_flag::kFin) &&
        !Has(tcp, tcp_flag::kSyn)) {
      if (AcksDataAfterFin(start + packet.payload.size())) {
        // RFC 9293 §3.6: after shutdown(SHUT_WR) the connection still
        // receives; after close() new data would get a RST.
        Call(usecs, "shutdown(" + std::to_string(fd_) + ", SHUT_WR) = 0");
        shut_ = true;
      } else {
        ReadPending(usecs);
        Close(usecs);
      }
    } else if (app_can_act && Has(tcp, tcp_flag::kRst) && !reset_) {
      // close() sends a RST, not a FIN, when data is left unread (RFC 2525
      // §2.17, tcp_close()) or SO_LINGER is zero.
      if (unread_ == 0) {
        Call(usecs,
             "setsockopt(" + std::to_string(fd_) +
                 ", SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0");
      }
      Close(usecs);
    }
  }

  void Write(uint64_t bytes, bool push, int64_t usecs) {
    largest_segment_ = std::max(largest_segment_, bytes);
    // Is this more of the last write? Linux sets PSH on the last segment
    // of each write (tcp_push() at the end of tcp_sendmsg_locked()), so
    // data behind a segment without it was queued with it, held back by
    // the congestion or receive window; so is data in one burst with it.
    // A long write against a small window is pushed on the way too
    // (forced_push(): past half the peer's window), every segment with
    // PSH: after such a write, data sent while it is unacknowledged is
    // more of it. Data the peer sent since makes it a new write (an
    // answer). Writing queued data later would let it go out at once, and
    // write boundaries move PSH flags.
    const bool burst = last_was_new_data_ &&
                       usecs - last_data_usecs_ <= kBurstUsecs;
    const bool forced_pushes = write_segments_ >= 2 && write_all_pushed_;
    const bool outstanding = acked_high_ != sent_high_;
    const bool continues =
        write_line_ && !peer_data_since_write_ &&
        (!write_pushed_ || burst || (outstanding && forced_pushes));
    last_data_usecs_ = usecs;
    write_pushed_ = push;
    if (continues) {
      lines_[*write_line_].write_size += bytes;
      ++write_segments_;
      write_all_pushed_ = write_all_pushed_ && push;
      return;
    }
    ReadPending(usecs);
    write_line_ = lines_.size();
    lines_.push_back({usecs, "", fd_, bytes});
    peer_data_since_write_ = false;
    write_segments_ = 1;
    write_all_pushed_ = push;
  }

  void ReadPending(int64_t usecs) {
    if (unread_ == 0 || fd_ < 0) return;
    const std::string n = std::to_string(unread_);
    Call(usecs, "read(" + std::to_string(fd_) + ", ..., " + n + ") = " + n);
    unread_ = 0;
  }

  void Close(int64_t usecs) {
    Call(usecs, "close(" + std::to_string(fd_) + ") = 0");
    closed_ = true;
  }

  const Connection& c_;
  const LocalSide& side_;
  const uint32_t local_isn_, peer_isn_;
  std::vector<Line> lines_;
  int fd_ = -1;       // the connection's descriptor once it has one
  int next_fd_ = 4;
  bool sent_synack_ = false, accepted_ = false, closed_ = false,
       reset_ = false, shut_ = false;
  size_t index_ = 0;  // of the packet being drafted
  uint32_t sent_high_ = 1, received_high_ = 1;  // past the highest data byte
  uint64_t unread_ = 0;
  bool write_pushed_ = false;  // the last write's last segment had PSH
  bool peer_data_since_write_ = false;
  uint64_t largest_segment_ = 0;
  int write_segments_ = 0;         // the last write's segments so far
  bool write_all_pushed_ = false;  // and whether each had PSH
  uint32_t acked_high_ = 1;  // the peer's highest ACK of local data
  bool last_was_new_data_ = false;  // the packet before was local new data
  int64_t last_data_usecs_ = 0;
  std::optional<size_t> write_line_;
  std::optional<size_t> accept_line_;
  int64_t last_usecs_ = 0;
  int dscp_ = 0;  // what IP_TOS (IPV6_TCLASS) was set to
  bool noted_fast_open_ = false, noted_md5_ = false;
  // An active open that opens again from the same port: its packets name
  // their ports, as the interpreter maps each flow's numbers by them.
  const bool reopens_ = !side_.passive && Reopens();
  bool handshake_reset_ = false;  // the RST being drafted answers it
  std::optional<uint32_t> fin_end_;  // past the local FIN
  // The peer acknowledged the local FIN and sent no data since.
  bool fin_acked_ = false;
};

std::string Header(const ImportOptions& options, const LocalSide& side,
                   size_t skipped) {
  std::string text =
      "// Imported by `synack import` from " + options.source + ".\n" +
      "// Local (under test): " + side.local.ToString() + ", " +
      (side.passive ? "a passive open" : "an active open") +
      "; peer: " + side.peer.ToString() + ".\n" +
      "// Local because " + side.why + ".\n" +
      "// --local ADDR chooses the other side.\n" +
      "// A first draft: the system calls are guessed from the packets "
      "(check\n// their sizes and times); of the sysctls and socket options, "
      "only those\n// that show on the wire are drafted.\n";
  if (side.local.address.family == AF_INET6) {
    text += "// Captured over IPv6: run it with -6.\n";
  } else {
    text += "// Captured over IPv4: run it with -4.\n";
  }
  if (skipped > 0) {
    text += "// Left out: " + std::to_string(skipped) +
            " packets of other connections or protocols.\n";
  }
  return text;
}

std::string Render(const std::vector<Line>& lines) {
  std::string text;
  int64_t previous = lines.empty() ? 0 : lines.front().usecs;
  bool first = true;
  for (const Line& line : lines) {
    if (line.comment) {
      text += line.text + "\n";
      continue;
    }
    grammar::EventTime time;
    time.kind = first ? grammar::TimeKind::kAbsolute
                      : grammar::TimeKind::kRelative;
    time.usecs = first ? 0 : line.usecs - previous;
    first = false;
    previous = line.usecs;
    std::string body = line.text;
    if (line.write_fd >= 0) {
      const std::string n = std::to_string(line.write_size);
      body = "write(" + std::to_string(line.write_fd) + ", ..., " + n +
             ") = " + n;
    }
    text += grammar::PrintEventTime(time) + " " + body + "\n";
  }
  return text;
}

}  // namespace

ImportResult ImportCapture(std::span<const CapturedPacket> packets,
                           const ImportOptions& options) {
  ImportResult result;
  auto fail = [&](std::string message) {
    result.error = options.source + ": " + std::move(message);
    return result;
  };
  const std::vector<Connection> all = SplitConnections(packets);
  if (all.empty()) {
    if (packets.empty()) return fail("expected TCP packets, found none");
    return fail("expected TCP packets, found only " + OtherProtocols(packets));
  }
  std::vector<const Connection*> chosen;
  for (const Connection& c : all) chosen.push_back(&c);
  if (!options.flow.empty()) {
    const std::optional<EndpointPattern> pattern = ParsePattern(options.flow);
    if (!pattern) {
      return fail("--flow expects ADDR:PORT, found '" + options.flow + "'");
    }
    std::erase_if(chosen, [&](const Connection* c) {
      return !pattern->Matches(c->a) && !pattern->Matches(c->b);
    });
    if (chosen.empty()) {
      std::vector<const Connection*> every;
      for (const Connection& c : all) every.push_back(&c);
      return fail("no TCP connection has the endpoint " + options.flow +
                  "; the capture holds:" + Listing(every));
    }
  }
  if (chosen.size() > 1) {
    return fail("expected one TCP connection, found " +
                std::to_string(chosen.size()) +
                "; pick one with --flow ADDR:PORT:" + Listing(chosen));
  }
  const Connection& connection = *chosen.front();
  const LocalSide side = ChooseLocal(connection, options.local);
  if (!side.error.empty()) return fail(side.error);

  const std::vector<Line> lines = Drafter(connection, side).Draft();
  const size_t skipped =
      packets.size() - connection.packets.size() + options.non_ip_frames;
  const std::string text =
      Header(options, side, skipped) + "\n" + Render(lines);
  grammar::ParseResult parsed = grammar::Parse(text);
  if (!parsed.ok()) {
    std::string message = "internal error: the draft does not parse:";
    for (const grammar::Diagnostic& d : parsed.diagnostics) {
      message += "\n  " + d.message;
    }
    return fail(message + "\n" + text);
  }
  result.script = grammar::Print(parsed.script);
  return result;
}

}  // namespace synack::cli
