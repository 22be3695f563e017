// The structural dump of a syntax tree: one line per event, values in one
// canonical spelling, locations left out.
#include "grammar/dump.h"

#include <string>
#include <variant>

#include "grammar/lexer.h"

namespace synack::grammar {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// Seconds with at least three decimals and no trailing zeros past them:
// 0.000, 0.100, 1.500, 0.0005.
std::string Seconds(int64_t usecs) {
  std::string sign = usecs < 0 ? "-" : "";
  uint64_t magnitude = usecs < 0 ? 0 - static_cast<uint64_t>(usecs)
                                 : static_cast<uint64_t>(usecs);
  std::string fraction = std::to_string(magnitude % 1000000);
  fraction.insert(0, 6 - fraction.size(), '0');
  while (fraction.size() > 3 && fraction.back() == '0') fraction.pop_back();
  return sign + std::to_string(magnitude / 1000000) + "." + fraction;
}

std::string DumpTime(const EventTime& time) {
  switch (time.kind) {
    case TimeKind::kAbsolute: return Seconds(time.usecs);
    case TimeKind::kRelative: return "+" + Seconds(time.usecs);
    case TimeKind::kAny: return "*";
    case TimeKind::kRange:
      return Seconds(time.usecs) + "~" + Seconds(time.end_usecs);
    case TimeKind::kRelativeRange:
      return "+" + Seconds(time.usecs) + "~+" + Seconds(time.end_usecs);
  }
  return "?";
}

const char* EcnName(Ecn ecn) {
  switch (ecn) {
    case Ecn::kNoEcn: return "noecn";
    case Ecn::kEct0: return "ect0";
    case Ecn::kEct1: return "ect1";
    case Ecn::kEct01: return "ect01";
    case Ecn::kCe: return "ce";
  }
  return "?";
}

std::string DumpIpInfo(const IpInfo& info) {
  std::string out;
  auto add = [&out](const std::string& item) {
    out += out.empty() ? item : " " + item;
  };
  if (info.ecn) add(std::string("ecn=") + EcnName(*info.ecn));
  if (info.tos) add("tos=" + std::to_string(*info.tos));
  if (info.flow_label) add("flowlabel=" + std::to_string(*info.flow_label));
  if (info.ttl) add("ttl=" + std::to_string(*info.ttl));
  return "ip(" + out + ")";
}

// Flags in one order whatever the script's order: F S R P U E W A, then `.`.
std::string DumpFlags(const TcpFlags& flags) {
  static constexpr struct {
    uint16_t bit;
    char letter;
  } kLetters[] = {
      {TcpFlags::kFin, 'F'}, {TcpFlags::kSyn, 'S'}, {TcpFlags::kRst, 'R'},
      {TcpFlags::kPsh, 'P'}, {TcpFlags::kUrg, 'U'}, {TcpFlags::kEce, 'E'},
      {TcpFlags::kCwr, 'W'}, {TcpFlags::kAe, 'A'},  {TcpFlags::kAck, '.'}};
  std::string out;
  for (const auto& letter : kLetters) {
    if (flags.bits & letter.bit) out += letter.letter;
  }
  if (out.empty()) out = "-";
  if (flags.ace) out += "(ace " + std::to_string(flags.Ace()) + ")";
  return out;
}

std::string Segment(uint32_t start, uint32_t end, uint32_t length) {
  return std::to_string(start) + ":" + std::to_string(end) + "(" +
         std::to_string(length) + ")";
}

std::string DumpOption(const TcpOption& option) {
  switch (option.kind) {
    case TcpOption::Kind::kNop: return "nop";
    case TcpOption::Kind::kEol: return "eol";
    case TcpOption::Kind::kMss: return "mss " + std::to_string(option.value);
    case TcpOption::Kind::kWscale:
      return "wscale " + std::to_string(option.value);
    case TcpOption::Kind::kSackOk: return "sackOK";
    case TcpOption::Kind::kSack: {
      std::string out = "sack";
      for (const SackBlock& block : option.blocks) {
        out += " " + std::to_string(block.left) + ":" +
               std::to_string(block.right);
      }
      return out;
    }
    case TcpOption::Kind::kTimestamp:
      return "TS val " + std::to_string(option.value) + " ecr " +
             std::to_string(option.ecr);
    case TcpOption::Kind::kMd5: return "md5 " + option.hex;
    case TcpOption::Kind::kFastOpen:
      return option.hex.empty() ? "FO" : "FO " + option.hex;
    case TcpOption::Kind::kFastOpenExp:
      return option.hex.empty() ? "FOEXP" : "FOEXP " + option.hex;
    case TcpOption::Kind::kGeneric:
      return "generic " + std::to_string(option.value) + " " + option.hex;
    case TcpOption::Kind::kAccEcn: {
      std::string out = option.accecn_e1b_first ? "accecn1" : "accecn0";
      for (uint32_t field : option.accecn_fields) {
        out += " " + std::to_string(field);
      }
      return out;
    }
  }
  return "?";
}

std::string DumpTcp(const TcpPacket& tcp) {
  if (tcp.sketch) return "tcp " + DumpFlags(tcp.flags) + " sketch";
  std::string out = "tcp " + DumpFlags(tcp.flags) + " " +
                    Segment(tcp.seq_start, tcp.seq_end, tcp.payload_len);
  if (tcp.ack) out += " ack " + std::to_string(*tcp.ack);
  if (tcp.window) out += " win " + std::to_string(*tcp.window);
  if (tcp.urgent) out += " urg " + std::to_string(*tcp.urgent);
  if (tcp.any_options) {
    out += " <...>";
  } else if (tcp.options) {
    out += " <";
    for (size_t i = 0; i < tcp.options->size(); ++i) {
      if (i > 0) out += ",";
      out += DumpOption((*tcp.options)[i]);
    }
    out += ">";
  }
  return out;
}

std::string DumpIcmp(const IcmpPacket& icmp) {
  std::string out = "icmp " + icmp.type;
  if (!icmp.code.empty()) out += " " + icmp.code;
  if (icmp.mtu) out += " mtu " + std::to_string(*icmp.mtu);
  if (icmp.echo_id) out += " id " + std::to_string(*icmp.echo_id);
  if (icmp.echoed) {
    const IcmpEchoed& echoed = *icmp.echoed;
    switch (echoed.kind) {
      case IcmpEchoed::Kind::kUdp:
        out += " [udp (" + std::to_string(echoed.payload_len) + ")]";
        break;
      case IcmpEchoed::Kind::kRaw:
        out += " [raw (" + std::to_string(echoed.payload_len) + ")]";
        break;
      case IcmpEchoed::Kind::kTcpSeq:
        out += " [" +
               Segment(echoed.seq_start, echoed.seq_end, echoed.seq_len) + "]";
        break;
    }
  }
  return out;
}

std::string DumpEncapsulation(const Encapsulation& encapsulation) {
  switch (encapsulation.kind) {
    case Encapsulation::Kind::kIpv4:
    case Encapsulation::Kind::kIpv6: {
      std::string out =
          encapsulation.kind == Encapsulation::Kind::kIpv4 ? "ipv4(" : "ipv6(";
      if (encapsulation.ip_info) {
        out += DumpIpInfo(*encapsulation.ip_info) + " ";
      }
      return out + encapsulation.src + ">" + encapsulation.dst + ")";
    }
    case Encapsulation::Kind::kGre:
      return "gre(\"" + EscapeText(encapsulation.raw) + "\")";
    case Encapsulation::Kind::kMpls:
      return "mpls(\"" + EscapeText(encapsulation.raw) + "\")";
  }
  return "?";
}

std::string DumpPacket(const PacketEvent& packet) {
  std::string out = "packet ";
  out += packet.direction == Direction::kInbound ? "<" : ">";
  for (const Encapsulation& encapsulation : packet.encapsulations) {
    out += " " + DumpEncapsulation(encapsulation);
  }
  if (packet.ip_info) out += " " + DumpIpInfo(*packet.ip_info);
  if (packet.ports) {
    out += " ports(" + std::to_string(packet.ports->src) + ">" +
           std::to_string(packet.ports->dst) + ")";
  }
  out += " ";
  out +=
      std::visit(Overloaded{
                     [](const TcpPacket& tcp) { return DumpTcp(tcp); },
                     [](const UdpPacket& udp) {
                       return "udp (" + std::to_string(udp.payload_len) + ")";
                     },
                     [](const IcmpPacket& icmp) { return DumpIcmp(icmp); },
                 },
                 packet.packet);
  return out;
}

std::string DumpExprList(const std::vector<ExprPtr>& exprs) {
  std::string out;
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (i > 0) out += ", ";
    out += exprs[i] ? Dump(*exprs[i]) : "null";
  }
  return out;
}

std::string DumpSyscall(const SyscallEvent& syscall) {
  std::string out = "syscall ";
  if (syscall.end_usecs) out += "..." + Seconds(*syscall.end_usecs) + " ";
  out += syscall.name + "(" + DumpExprList(syscall.args) + ") = ";
  out += syscall.result ? Dump(*syscall.result) : "null";
  if (syscall.errno_name) out += " errno:" + *syscall.errno_name;
  if (syscall.note) out += " note:\"" + EscapeText(*syscall.note) + "\"";
  return out;
}

}  // namespace

std::string Dump(const Expr& expr) {
  return std::visit(
      Overloaded{
          [](const Ellipsis&) -> std::string { return "..."; },
          [](const Integer& integer) {
            return "int:" + std::to_string(integer.value);
          },
          [](const Symbol& symbol) { return "sym:" + symbol.name; },
          [](const String& string) {
            return "str:\"" + EscapeText(string.value) + "\"" +
                   (string.ellipsis ? "..." : "");
          },
          [](const BitOr& bit_or) {
            return "or(" + DumpExprList(bit_or.operands) + ")";
          },
          [](const Array& array) {
            return "[" + DumpExprList(array.elements) + "]";
          },
          [](const Call& call) {
            return call.name + "(" + DumpExprList(call.args) + ")";
          },
          [](const Assign& assign) {
            return "assign(" + assign.name + "=" +
                   (assign.value ? Dump(*assign.value) : "null") + ")";
          },
          [](const Struct& node) {
            std::string out = "{";
            for (size_t i = 0; i < node.fields.size(); ++i) {
              const Field& field = node.fields[i];
              if (i > 0) out += ", ";
              if (field.key) {
                // A plain name prints bare: {fd=int:3}, not {sym:fd=int:3}.
                const auto* name = std::get_if<Symbol>(&field.key->node);
                out += (name ? name->name : Dump(*field.key)) + "=";
              }
              out += field.value ? Dump(*field.value) : "null";
            }
            return out + "}";
          },
      },
      expr.node);
}

std::string Dump(const Event& event) {
  std::string out = DumpTime(event.time) + " ";
  out += std::visit(
      Overloaded{
          [](const PacketEvent& packet) { return DumpPacket(packet); },
          [](const SyscallEvent& syscall) { return DumpSyscall(syscall); },
          [](const CommandEvent& command) {
            return "command \"" + EscapeText(command.command) + "\"";
          },
          [](const CodeEvent& code) {
            return "code \"" + EscapeText(code.code) + "\"";
          },
      },
      event.action);
  return out;
}

std::string Dump(const Script& script) {
  std::string out;
  for (const OptionLine& option : script.options) {
    out += "option " + option.name;
    if (option.value) out += "=" + *option.value;
    out += "\n";
  }
  if (script.init_command) {
    out += "init \"" + EscapeText(script.init_command->command) + "\"\n";
  }
  for (const Event& event : script.events) out += Dump(event) + "\n";
  if (script.cleanup_command) {
    out += "cleanup \"" + EscapeText(script.cleanup_command->command) + "\"\n";
  }
  return out;
}

}  // namespace synack::grammar
