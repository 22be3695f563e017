// The printer: the canonical .pkt text of a syntax tree, in packetdrill's
// own spelling, so that parsing the output gives the same tree back.
#include "grammar/printer.h"

#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <string_view>

namespace synack::grammar {

namespace {

// Event times are right-aligned in a column this wide, as the corpus
// scripts align them ("+0.1" and "0" end in the same column).
constexpr size_t kTimeWidth = 6;

template <typename... Args>
std::string Format(const char* format, Args... args) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), format, args...);
  return buffer;
}

// Seconds with the shortest exact decimal: 0, 0.1, 1.25, 0.000001.
std::string Seconds(int64_t usecs) {
  std::string sign;
  uint64_t magnitude = static_cast<uint64_t>(usecs);
  if (usecs < 0) {
    sign = "-";
    magnitude = 0 - magnitude;
  }
  std::string text = sign + Format("%" PRIu64, magnitude / 1000000);
  uint64_t fraction = magnitude % 1000000;
  if (fraction != 0) {
    std::string digits = Format("%06" PRIu64, fraction);
    digits.erase(digits.find_last_not_of('0') + 1);
    text += "." + digits;
  }
  return text;
}

// The body of a double-quoted string: the escapes the lexer reads back to
// the same bytes (\" \\ \n \t \r, \xHH for any other unprintable byte).
// A hex digit right after a \xHH is escaped too: C would read it as part of
// the escape, so `"\xf7c"` would mean one byte to a C reader and two here.
std::string EscapeString(std::string_view text) {
  std::string out;
  bool after_hex_escape = false;
  for (char c : text) {
    unsigned char byte = static_cast<unsigned char>(c);
    bool hex_escape = false;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        hex_escape = byte < 0x20 || byte >= 0x7f ||
                     (after_hex_escape && std::isxdigit(byte));
        if (hex_escape) {
          out += Format("\\x%02x", byte);
        } else {
          out += c;
        }
    }
    after_hex_escape = hex_escape;
  }
  return out;
}

std::string Join(const std::vector<ExprPtr>& exprs, std::string_view glue) {
  std::string out;
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (i > 0) out += glue;
    out += exprs[i] ? PrintExpr(*exprs[i]) : "...";
  }
  return out;
}

const char* EcnName(Ecn ecn) {
  switch (ecn) {
    case Ecn::kNoEcn: return "noecn";
    case Ecn::kEct0: return "ect0";
    case Ecn::kEct1: return "ect1";
    case Ecn::kEct01: return "ect01";
    case Ecn::kCe: return "ce";
  }
  return "noecn";
}

std::string PrintIpInfo(const IpInfo& info) {
  std::string inner;
  auto add = [&inner](const std::string& part) {
    if (!inner.empty()) inner += ", ";
    inner += part;
  };
  if (info.ecn) add(EcnName(*info.ecn));
  if (info.tos) add(Format("tos 0x%02x", static_cast<unsigned>(*info.tos)));
  if (info.flow_label) add(Format("flowlabel 0x%x", *info.flow_label));
  if (info.ttl) add(Format("ttl %u", static_cast<unsigned>(*info.ttl)));
  return info.square_brackets ? "[" + inner + "]" : "(" + inner + ")";
}

std::string PrintEncapsulation(const Encapsulation& encap) {
  std::string out;
  switch (encap.kind) {
    case Encapsulation::Kind::kIpv4:
    case Encapsulation::Kind::kIpv6:
      out = encap.kind == Encapsulation::Kind::kIpv4 ? "ipv4" : "ipv6";
      if (encap.ip_info) out += " " + PrintIpInfo(*encap.ip_info);
      out += " " + encap.src + " > " + encap.dst + ":";
      return out;
    case Encapsulation::Kind::kGre:
      // GRE and MPLS headers stay the raw text the parser kept.
      return encap.raw.empty() ? "gre:" : "gre " + encap.raw + ":";
    case Encapsulation::Kind::kMpls:
      return encap.raw.empty() ? "mpls:" : "mpls " + encap.raw + ":";
  }
  return out;
}

// Flag letters then `.`: packetdrill's grammar reads the ACK dot only after
// the letters (`S.`, `FP.`), never between them.
std::string PrintFlags(TcpFlags flags) {
  static constexpr struct {
    uint16_t bit;
    char letter;
  } kLetters[] = {
      {TcpFlags::kFin, 'F'}, {TcpFlags::kSyn, 'S'}, {TcpFlags::kRst, 'R'},
      {TcpFlags::kPsh, 'P'}, {TcpFlags::kUrg, 'U'}, {TcpFlags::kEce, 'E'},
      {TcpFlags::kCwr, 'W'}, {TcpFlags::kAe, 'A'},
  };
  constexpr uint16_t kAceBits = TcpFlags::kEce | TcpFlags::kCwr | TcpFlags::kAe;
  std::string out;
  for (const auto& entry : kLetters) {
    if (flags.ace && (entry.bit & kAceBits)) continue;
    if (flags.bits & entry.bit) out += entry.letter;
  }
  if (flags.bits & TcpFlags::kAck) out += '.';
  // The ACE digit comes last, as packetdrill's packet_to_string.c prints it.
  if (flags.ace) out += static_cast<char>('0' + flags.Ace());
  return out.empty() ? "-" : out;
}

std::string PrintSequence(uint32_t start, uint32_t end, uint32_t length) {
  return Format("%" PRIu32 ":%" PRIu32 "(%" PRIu32 ")", start, end, length);
}

std::string PrintTcpOption(const TcpOption& option) {
  using Kind = TcpOption::Kind;
  auto with_blob = [&option](const char* name) {
    return option.hex.empty() ? std::string(name)
                              : std::string(name) + " " + option.hex;
  };
  switch (option.kind) {
    case Kind::kNop: return "nop";
    case Kind::kEol: return "eol";
    case Kind::kMss: return Format("mss %" PRIu32, option.value);
    case Kind::kWscale: return Format("wscale %" PRIu32, option.value);
    case Kind::kSackOk: return "sackOK";
    case Kind::kSack: {
      std::string out = "sack";
      for (const SackBlock& block : option.blocks) {
        out += Format(" %" PRIu32 ":%" PRIu32, block.left, block.right);
      }
      return out;
    }
    case Kind::kTimestamp:
      return Format("TS val %" PRIu32 " ecr %" PRIu32, option.value,
                    option.ecr);
    case Kind::kMd5: return with_blob("md5");
    case Kind::kFastOpen: return with_blob("FO");
    case Kind::kFastOpenExp: return with_blob("FOEXP");
    case Kind::kAccEcn: {
      const char* const kOrder[2][3] = {{"e0b", "ceb", "e1b"},
                                        {"e1b", "ceb", "e0b"}};
      std::string out = "ECN";
      for (size_t i = 0; i < option.accecn_fields.size() && i < 3; ++i) {
        out += Format(" %s %" PRIu32, kOrder[option.accecn_e1b_first][i],
                      option.accecn_fields[i]);
      }
      return out;
    }
    // The parser never builds a generic option; its text is all it has.
    case Kind::kGeneric: return option.hex;
  }
  return "";
}

std::string PrintTcp(const TcpPacket& tcp) {
  if (tcp.sketch) return PrintFlags(tcp.flags);
  std::string out = PrintFlags(tcp.flags) + " " +
                    PrintSequence(tcp.seq_start, tcp.seq_end, tcp.payload_len);
  if (tcp.ack) out += Format(" ack %" PRIu32, *tcp.ack);
  if (tcp.window) out += Format(" win %" PRIu32, *tcp.window);
  if (tcp.urgent) out += Format(" urg %" PRIu32, *tcp.urgent);
  if (tcp.any_options) {
    out += " <...>";
  } else if (tcp.options) {
    out += " " + PrintTcpOptions(*tcp.options);
  }
  return out;
}

std::string PrintIcmp(const IcmpPacket& icmp) {
  std::string out = "icmp " + icmp.type;
  if (!icmp.code.empty()) out += " " + icmp.code;
  if (icmp.mtu) out += Format(" mtu %" PRIu32, *icmp.mtu);
  if (icmp.echo_id) out += Format(" id %" PRIu32, *icmp.echo_id);
  if (icmp.echoed) {
    const IcmpEchoed& echoed = *icmp.echoed;
    switch (echoed.kind) {
      case IcmpEchoed::Kind::kUdp:
        out += Format(" [udp (%" PRIu32 ")]", echoed.payload_len);
        break;
      case IcmpEchoed::Kind::kTcpSeq:
        out += " [" +
               PrintSequence(echoed.seq_start, echoed.seq_end, echoed.seq_len) +
               "]";
        break;
      case IcmpEchoed::Kind::kRaw:
        out += Format(" [raw (%" PRIu32 ")]", echoed.payload_len);
        break;
    }
  }
  return out;
}

std::string PrintPorts(const PortInfo& ports) {
  return Format("%u>%u", static_cast<unsigned>(ports.src),
                static_cast<unsigned>(ports.dst));
}

std::string PrintSyscall(const SyscallEvent& call) {
  std::string out = call.name + "(" + Join(call.args, ", ") + ") = ";
  out += call.result ? PrintExpr(*call.result) : "...";
  if (call.errno_name) out += " " + *call.errno_name;
  if (call.note) out += " (" + *call.note + ")";
  return out;
}

std::string PrintCommand(const CommandEvent& command) {
  return "`" + command.command + "`";
}

std::string PrintAction(const Event& event) {
  struct Visitor {
    std::string operator()(const PacketEvent& packet) const {
      return PrintPacket(packet);
    }
    std::string operator()(const SyscallEvent& call) const {
      return PrintSyscall(call);
    }
    std::string operator()(const CommandEvent& command) const {
      return PrintCommand(command);
    }
    std::string operator()(const CodeEvent& code) const {
      return "%{" + code.code + "}%";
    }
  };
  return std::visit(Visitor{}, event.action);
}

std::string PrintEvent(const Event& event) {
  std::string time = PrintEventTime(event.time);
  if (time.size() < kTimeWidth) time.insert(0, kTimeWidth - time.size(), ' ');
  if (const auto* call = std::get_if<SyscallEvent>(&event.action)) {
    // The end of a blocking call shares the start's base: `+0...0.2`.
    if (call->end_usecs) time += "..." + Seconds(*call->end_usecs);
  }
  return time + " " + PrintAction(event);
}

}  // namespace

std::string PrintEventLine(const Event& event) {
  const std::string text = PrintEvent(event);
  return event.trailing_comment.empty() ? text
                                        : text + " " + event.trailing_comment;
}

std::string PrintExpr(const Expr& expr) {
  struct Visitor {
    std::string operator()(const Ellipsis&) const { return "..."; }
    std::string operator()(const Integer& integer) const {
      // Hex spelling survives only for values hex can spell back exactly.
      if (integer.hex && integer.value >= 0) {
        return Format("0x%" PRIx64, static_cast<uint64_t>(integer.value));
      }
      return Format("%" PRId64, integer.value);
    }
    std::string operator()(const Symbol& symbol) const { return symbol.name; }
    std::string operator()(const String& string) const {
      return "\"" + EscapeString(string.value) + "\"" +
             (string.ellipsis ? "..." : "");
    }
    std::string operator()(const BitOr& bit_or) const {
      return Join(bit_or.operands, "|");
    }
    std::string operator()(const Array& array) const {
      return "[" + Join(array.elements, ", ") + "]";
    }
    std::string operator()(const Call& call) const {
      return call.name + "(" + Join(call.args, ", ") + ")";
    }
    std::string operator()(const Struct& record) const {
      std::string out = "{";
      for (size_t i = 0; i < record.fields.size(); ++i) {
        const Field& field = record.fields[i];
        if (i > 0) out += ", ";
        if (field.key) out += PrintExpr(*field.key) + "=";
        out += field.value ? PrintExpr(*field.value) : "...";
      }
      return out + "}";
    }
    std::string operator()(const Assign& assign) const {
      return assign.name + "=" + (assign.value ? PrintExpr(*assign.value) : "...");
    }
  };
  return std::visit(Visitor{}, expr.node);
}

std::string PrintEventTime(const EventTime& time) {
  switch (time.kind) {
    case TimeKind::kAbsolute: return Seconds(time.usecs);
    case TimeKind::kRelative: return "+" + Seconds(time.usecs);
    case TimeKind::kAny: return "*";
    case TimeKind::kRange:
      return Seconds(time.usecs) + "~" + Seconds(time.end_usecs);
    case TimeKind::kRelativeRange:
      return "+" + Seconds(time.usecs) + "~+" + Seconds(time.end_usecs);
  }
  return "";
}

std::string PrintPacket(const PacketEvent& packet) {
  std::string out = packet.direction == Direction::kInbound ? "<" : ">";
  for (const Encapsulation& encap : packet.encapsulations) {
    out += " " + PrintEncapsulation(encap);
  }
  if (packet.ip_info) out += " " + PrintIpInfo(*packet.ip_info);
  struct Visitor {
    const PacketEvent& packet;
    std::string operator()(const TcpPacket& tcp) const {
      std::string ports = packet.ports ? PrintPorts(*packet.ports) + " " : "";
      return ports + PrintTcp(tcp);
    }
    std::string operator()(const UdpPacket& udp) const {
      std::string ports = packet.ports ? PrintPorts(*packet.ports) + " " : "";
      return "udp " + ports + Format("(%" PRIu32 ")", udp.payload_len);
    }
    std::string operator()(const IcmpPacket& icmp) const {
      return PrintIcmp(icmp);
    }
  };
  return out + " " + std::visit(Visitor{packet}, packet.packet);
}

std::string PrintTcpOptions(const std::vector<TcpOption>& options) {
  std::string out = "<";
  for (size_t i = 0; i < options.size(); ++i) {
    if (i > 0) out += ",";
    out += PrintTcpOption(options[i]);
  }
  return out + ">";
}

std::string Print(const Script& script) {
  // Sections are separated by a blank line: options, init command, events,
  // cleanup command. Within them, comments go where they were and blank
  // lines stay, one for a run of them.
  std::string out;
  auto blank_line = [&out] {
    if (!out.empty() && !out.ends_with("\n\n")) out += "\n";
  };
  auto comment_lines = [&out, &blank_line](const CommentLines& lines) {
    for (const std::string& line : lines) {
      if (line.empty()) {
        blank_line();
      } else {
        out += line + "\n";
      }
    }
  };
  auto line = [&out, &comment_lines](const CommentLines& before,
                                     const std::string& text,
                                     const std::string& trailing) {
    comment_lines(before);
    out += text;
    if (!trailing.empty()) out += " " + trailing;
    out += "\n";
  };
  if (!script.options.empty()) blank_line();
  for (const OptionLine& option : script.options) {
    std::string text = "--" + option.name;
    if (option.value) text += "=" + *option.value;
    line(option.comments_before, text, option.trailing_comment);
  }
  if (script.init_command) {
    blank_line();
    line(script.init_comments_before, PrintCommand(*script.init_command),
         script.init_trailing_comment);
  }
  if (!script.events.empty()) blank_line();
  for (const Event& event : script.events) {
    line(event.comments_before, PrintEvent(event), event.trailing_comment);
  }
  if (script.cleanup_command) {
    blank_line();
    line(script.cleanup_comments_before,
         PrintCommand(*script.cleanup_command),
         script.cleanup_trailing_comment);
  }
  comment_lines(script.comments_at_end);
  return out;
}

}  // namespace synack::grammar
