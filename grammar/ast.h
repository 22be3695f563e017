// The plain syntax tree of a .pkt script: what the parser builds, the printer
// prints and the checker validates. No meaning is attached here beyond shape.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace synack::grammar {

// 1-based line and column of the first character of a construct.
struct Location {
  int line = 0;
  int column = 0;
  friend bool operator==(const Location&, const Location&) = default;
};

// Comments are kept in the tree only so that `synack fmt` can print them
// back; Dump, the checker and the interpreter ignore them. A comment is its
// source text verbatim: `// ...` (without trailing blanks) or `/* ... */`,
// which may span lines.
//
// The comment lines before a line of the script, in order. An empty string
// stands for a blank line in the source (a run of blank lines is one), so
// the printer keeps the script's grouping. Comments found inside a
// multi-line event come last: the printer writes each event on one line.
using CommentLines = std::vector<std::string>;

// ---------------------------------------------------------------------------
// Expressions: system call arguments and results.
//
// packetdrill's grammar has one production per struct (sockaddr, msghdr,
// pollfd, ...). The tree keeps them generic, a struct is a list of fields, so
// one parser and one printer serve every struct; the checker knows which field
// names each struct needs and the interpreter walks fields by name.
// ---------------------------------------------------------------------------

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// `...`: any value (argument) or "don't check" (result).
struct Ellipsis {};

// An integer literal; `hex` remembers the spelling for printing.
struct Integer {
  int64_t value = 0;
  bool hex = false;
};

// A bare name: a constant (`SOCK_STREAM`), a `-D` symbol, or a flag.
struct Symbol {
  std::string name;
};

// A double-quoted string; `ellipsis` is set for `"abc"...` (a prefix).
struct String {
  std::string value;  // unescaped
  bool ellipsis = false;
};

// `A|B|C`: flags or'ed together. Always two or more operands.
struct BitOr {
  std::vector<ExprPtr> operands;
};

// `[a, b]`: an array; `[1]` is how scripts pass an int by pointer.
struct Array {
  std::vector<ExprPtr> elements;
};

// `name(args)`: htons(8080), inet_addr("1.2.3.4"), inet6_addr("::1"),
// msg_name(...), msg_iov(1).
struct Call {
  std::string name;
  std::vector<ExprPtr> args;
};

// One element of a `{...}` list: `key=value` or a bare positional value.
// The key is an expression because packetdrill writes `msg_iov(1)=[...]`.
struct Field {
  ExprPtr key;  // null for a positional element
  ExprPtr value;
};

// `{...}`: sockaddr, msghdr, iovec, pollfd, linger, epoll_event, cmsg, ...
struct Struct {
  std::vector<Field> fields;
};

// `NAME=value` as an element or argument, outside a struct: parser.y's
// binary_expression `WORD '=' expression`, which packetdrill uses for the
// netlink attributes of SCM_TIMESTAMPING_OPT_STATS
// (`cmsg_data=[TCP_NLA_BUSY=..., TCP_NLA_SND_CWND=10]`).
struct Assign {
  std::string name;
  ExprPtr value;
};

struct Expr {
  Location loc;
  std::variant<Ellipsis, Integer, Symbol, String, BitOr, Array, Call, Struct,
               Assign>
      node;
};

// ---------------------------------------------------------------------------
// Event times.
// ---------------------------------------------------------------------------

enum class TimeKind {
  kAbsolute,       // `1.5`
  kRelative,       // `+1.5`
  kAny,            // `*`
  kRange,          // `1.0~2.0`
  kRelativeRange,  // `+1.0~+2.0`
};

// All times are in microseconds.
struct EventTime {
  TimeKind kind = TimeKind::kAbsolute;
  int64_t usecs = 0;      // the time, or a range's start
  int64_t end_usecs = 0;  // a range's end
};

// ---------------------------------------------------------------------------
// Packets.
// ---------------------------------------------------------------------------

enum class Direction { kInbound /* < */, kOutbound /* > */ };

enum class Ecn { kNoEcn, kEct0, kEct1, kEct01, kCe };

// `(ect0)`, `[tos 0x10]`, `(flowlabel 0x1234)`, `(ttl 64)`, combinations.
struct IpInfo {
  std::optional<Ecn> ecn;
  std::optional<uint8_t> tos;  // `tos 0x..`: the whole TOS/traffic-class byte
  std::optional<uint32_t> flow_label;
  std::optional<uint8_t> ttl;
  bool square_brackets = false;  // `[...]` rather than `(...)`: same meaning
};

// An explicit outer IP header: `ipv4 1.2.3.4 > 5.6.7.8:` (encapsulation).
struct Encapsulation {
  enum class Kind { kIpv4, kIpv6, kGre, kMpls } kind = Kind::kIpv4;
  std::optional<IpInfo> ip_info;
  std::string src, dst;  // addresses for kIpv4 / kIpv6
  // GRE and MPLS headers are kept as raw text: no corpus script uses them and
  // no backend injects them yet.
  std::string raw;
};

// TCP flags in script order: F S R P . (ACK) U E (ECE) W (CWR) A (AE).
// `-` is the empty set.
struct TcpFlags {
  uint16_t bits = 0;
  static constexpr uint16_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08,
                            kAck = 0x10, kUrg = 0x20, kEce = 0x40, kCwr = 0x80,
                            kAe = 0x100;
  // AccECN's ACE field written as a digit (`.5`, `P.5`, `F5`: tcp_packet.c's
  // ace_tcp_flags): the digit's bits are in `bits` (ECE is bit 0, CWR bit 1,
  // AE bit 2); this says to print them as a digit again.
  bool ace = false;
  int Ace() const {
    return ((bits & kEce) ? 1 : 0) | ((bits & kCwr) ? 2 : 0) |
           ((bits & kAe) ? 4 : 0);
  }
};

struct SackBlock {
  uint32_t left = 0, right = 0;
};

struct TcpOption {
  enum class Kind {
    kNop,
    kEol,
    kMss,          // value
    kWscale,       // value
    kSackOk,
    kSack,         // blocks
    kTimestamp,    // value (val), ecr
    kMd5,          // hex
    kFastOpen,     // hex (may be empty): option kind 34
    kFastOpenExp,  // hex (may be empty): experimental kind 254
    kGeneric,      // `kind N len M [val V]`-style raw option, if used
    // AccECN: `ECN e0b N ceb N e1b N` (kind 172) or `ECN e1b N ceb N e0b N`
    // (kind 174), either cut short after its first or second field;
    // accecn_fields in the order written (on the wire), 24 bits each.
    kAccEcn,
  } kind = Kind::kNop;
  Location loc;
  uint32_t value = 0;
  uint32_t ecr = 0;
  std::vector<SackBlock> blocks;
  bool accecn_e1b_first = false;
  std::vector<uint32_t> accecn_fields;
  std::string hex;  // as written (md5 digest, FO cookie); may be a symbol
};

struct TcpPacket {
  TcpFlags flags;
  uint32_t seq_start = 0, seq_end = 0, payload_len = 0;
  std::optional<uint32_t> ack;
  std::optional<uint32_t> window;
  std::optional<uint32_t> urgent;
  // nullopt: no option list written (the packet must carry no options when
  // outbound, none are sent when inbound). `any_options`: `<...>`.
  std::optional<std::vector<TcpOption>> options;
  bool any_options = false;
  // `> S.`: flags alone, a sketch for `synack run --update` to fill in with
  // what the stack sends; the checker refuses it in a script that is run.
  bool sketch = false;
};

struct UdpPacket {
  uint32_t payload_len = 0;
};

// What an ICMP error quotes of the offending packet.
struct IcmpEchoed {
  enum class Kind { kUdp, kTcpSeq, kRaw } kind = Kind::kRaw;
  uint32_t payload_len = 0;                       // kUdp, kRaw
  uint32_t seq_start = 0, seq_end = 0, seq_len = 0;  // kTcpSeq
};

struct IcmpPacket {
  std::string type;  // e.g. `unreachable`, `time_exceeded`, `echo_request`
  std::string code;  // e.g. `port_unreachable`, `frag_needed`; may be empty
  std::optional<uint32_t> mtu;
  std::optional<uint32_t> echo_id;
  std::optional<IcmpEchoed> echoed;
};

struct PortInfo {
  uint16_t src = 0, dst = 0;
};

struct PacketEvent {
  Direction direction = Direction::kInbound;
  std::vector<Encapsulation> encapsulations;  // outermost first
  std::optional<IpInfo> ip_info;
  std::optional<PortInfo> ports;  // `sport>dport`
  std::variant<TcpPacket, UdpPacket, IcmpPacket> packet;
};

// ---------------------------------------------------------------------------
// System calls, commands and code blocks.
// ---------------------------------------------------------------------------

struct SyscallEvent {
  // `+0...0.200 accept(...)`: the end time of a blocking call.
  std::optional<int64_t> end_usecs;
  std::string name;
  Location name_loc;
  std::vector<ExprPtr> args;
  ExprPtr result;                    // `= -1`, `= ...`, `= [1]`
  std::optional<std::string> errno_name;  // `EINPROGRESS`
  std::optional<std::string> note;        // `(Operation now in progress)`
};

// `` `shell command` ``: text between the backquotes, verbatim.
struct CommandEvent {
  std::string command;
};

// `%{ python }%`: text between the markers, verbatim.
struct CodeEvent {
  std::string code;
};

struct Event {
  Location loc;  // where the time starts
  EventTime time;
  std::variant<PacketEvent, SyscallEvent, CommandEvent, CodeEvent> action;
  CommentLines comments_before;
  // Comments after the event on its (last) line, as one text: `// why`.
  std::string trailing_comment;
};

// ---------------------------------------------------------------------------
// The script.
// ---------------------------------------------------------------------------

// `--name=value` or `--name` before the first event.
struct OptionLine {
  Location loc;
  std::string name;  // without the leading `--`
  std::optional<std::string> value;
  CommentLines comments_before;
  std::string trailing_comment;  // after the option, on its line
};

struct Script {
  std::vector<OptionLine> options;
  // A backquoted command before the first event, and one after the last.
  std::optional<CommandEvent> init_command;
  std::optional<CommandEvent> cleanup_command;
  Location init_loc, cleanup_loc;
  std::vector<Event> events;
  // Comments around the init and cleanup commands, as on an Event.
  CommentLines init_comments_before, cleanup_comments_before;
  std::string init_trailing_comment, cleanup_trailing_comment;
  // Comments after the last line of the script (or all of them, in a script
  // of comments only).
  CommentLines comments_at_end;
};

}  // namespace synack::grammar
