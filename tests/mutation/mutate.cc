// synack_mutate: the mutants of a script for the matcher's mutation test
// (tests/mutation/run.sh). Each mutant changes one field that one outbound
// (`>`) line states (flags, seq, payload length, ack, win, urg, each TCP
// option, the IP fields, the ports, the time beyond the tolerance), so a
// run of it must fail at that line: a mutant that passes is a field the
// matcher does not compare.
//
//   synack_mutate SCRIPT OUTDIR
//
// writes OUTDIR/mN-NAME.pkt (the name's ending, which picks the IP
// variants, kept), each starting with a comment
// `// mutant: line L: WHAT`, and prints one line per mutant:
// `FILE<TAB>L<TAB>WHAT`.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "grammar/diagnostics.h"
#include "grammar/parser.h"
#include "grammar/printer.h"

namespace synack {
namespace {

using grammar::Event;
using grammar::PacketEvent;
using grammar::TcpOption;
using grammar::TcpPacket;

struct Mutant {
  int line = 0;
  std::string what;
  std::function<void(Event&)> apply;
};

std::string Seconds(int64_t usecs) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6f", static_cast<double>(usecs) / 1e6);
  return text;
}

TcpPacket& Tcp(Event& event) {
  return std::get<TcpPacket>(std::get<PacketEvent>(event.action).packet);
}

// The flags a mutant toggles, one at a time, with their script letters.
constexpr struct {
  uint16_t bit;
  const char* letter;
} kFlags[] = {
    {grammar::TcpFlags::kFin, "F"}, {grammar::TcpFlags::kSyn, "S"},
    {grammar::TcpFlags::kRst, "R"}, {grammar::TcpFlags::kPsh, "P"},
    {grammar::TcpFlags::kAck, "."}, {grammar::TcpFlags::kEce, "E"},
    {grammar::TcpFlags::kCwr, "W"},
};

std::string OptionName(const TcpOption& option) {
  switch (option.kind) {
    case TcpOption::Kind::kNop: return "nop";
    case TcpOption::Kind::kEol: return "eol";
    case TcpOption::Kind::kMss: return "mss";
    case TcpOption::Kind::kWscale: return "wscale";
    case TcpOption::Kind::kSackOk: return "sackOK";
    case TcpOption::Kind::kSack: return "sack";
    case TcpOption::Kind::kTimestamp: return "TS";
    case TcpOption::Kind::kMd5: return "md5";
    case TcpOption::Kind::kFastOpen: return "FO";
    case TcpOption::Kind::kFastOpenExp: return "FOEXP";
    case TcpOption::Kind::kGeneric: return "option";
    case TcpOption::Kind::kAccEcn: return "ECN";
  }
  return "option";
}

void OptionMutants(size_t index, const TcpPacket& tcp, int line,
                   std::vector<Mutant>& out) {
  auto at = [index](Event& event) -> TcpOption& {
    return (*Tcp(event).options)[index];
  };
  const TcpOption& option = (*tcp.options)[index];
  const std::string name =
      "option " + std::to_string(index + 1) + " (" + OptionName(option) + ")";
  // The only option removed: no option list at all (`<>` does not parse).
  out.push_back({line, name + " removed", [index](Event& event) {
                   auto& options = Tcp(event).options;
                   options->erase(options->begin() +
                                  static_cast<std::ptrdiff_t>(index));
                   if (options->empty()) options.reset();
                 }});
  switch (option.kind) {
    case TcpOption::Kind::kMss:
    case TcpOption::Kind::kWscale:
      out.push_back({line, name + " value + 1",
                     [at](Event& event) { at(event).value += 1; }});
      break;
    case TcpOption::Kind::kTimestamp:
      // TS val is compared only with --tcp_ts_tick_usecs, as in
      // packetdrill; its mutant is expected to survive otherwise.
      out.push_back({line, name + " val + 1000",
                     [at](Event& event) { at(event).value += 1000; }});
      out.push_back({line, name + " ecr + 1",
                     [at](Event& event) { at(event).ecr += 1; }});
      break;
    case TcpOption::Kind::kSack:
      for (size_t b = 0; b < option.blocks.size(); ++b) {
        const std::string block = name + " block " + std::to_string(b + 1);
        out.push_back({line, block + " left + 1", [at, b](Event& event) {
                         at(event).blocks[b].left += 1;
                       }});
        out.push_back({line, block + " right + 1", [at, b](Event& event) {
                         at(event).blocks[b].right += 1;
                       }});
      }
      break;
    case TcpOption::Kind::kFastOpen:
    case TcpOption::Kind::kFastOpenExp:
    case TcpOption::Kind::kMd5:
      if (!option.hex.empty() && std::isxdigit(static_cast<unsigned char>(
                                     option.hex.back()))) {
        out.push_back({line, name + " last digit changed", [at](Event& event) {
                         char& c = at(event).hex.back();
                         c = (c == '0') ? '1' : '0';
                       }});
      }
      break;
    default:
      break;
  }
  if (index + 1 < tcp.options->size() &&
      (*tcp.options)[index + 1].kind != option.kind) {
    out.push_back({line, name + " swapped with the next", [index](Event& e) {
                     auto& options = *Tcp(e).options;
                     std::swap(options[index], options[index + 1]);
                   }});
  }
}

// `first_syn`: the line is the first SYN or SYN-ACK the stack sends on its
// flow, whose seq names the stack's ISN rather than states it.
void TcpMutants(const TcpPacket& tcp, bool first_syn, int line,
                std::vector<Mutant>& out) {
  for (const auto& flag : kFlags) {
    const uint16_t bit = flag.bit;
    out.push_back({line, std::string("flag ") + flag.letter + " toggled",
                   [bit](Event& event) { Tcp(event).flags.bits ^= bit; }});
  }
  out.push_back({line,
                 first_syn ? "seq + 1 (the flow's first SYN: names the "
                             "stack's ISN)"
                           : "seq + 1",
                 [](Event& event) {
                   Tcp(event).seq_start += 1;
                   Tcp(event).seq_end += 1;
                 }});
  out.push_back({line, "payload length + 1", [](Event& event) {
                   Tcp(event).seq_end += 1;
                   Tcp(event).payload_len += 1;
                 }});
  if (tcp.payload_len > 0) {
    out.push_back({line, "payload length - 1", [](Event& event) {
                     Tcp(event).seq_end -= 1;
                     Tcp(event).payload_len -= 1;
                   }});
  }
  // Without `ack N` an ACK line expects ack 0: adding one states it.
  out.push_back({line, tcp.ack ? "ack + 1" : "ack 1 stated",
                 [](Event& event) {
                   auto& ack = Tcp(event).ack;
                   ack = ack.value_or(0) + 1;
                 }});
  if (tcp.window) {
    out.push_back({line, "win + 1",
                   [](Event& event) { *Tcp(event).window += 1; }});
  }
  out.push_back({line, tcp.urgent ? "urg + 1" : "urg 1 stated",
                 [](Event& event) {
                   auto& urgent = Tcp(event).urgent;
                   urgent = urgent.value_or(0) + 1;
                 }});
  if (tcp.any_options) return;  // `<...>`: any options, by design
  if (!tcp.options) {
    out.push_back({line, "options <nop,nop> stated", [](Event& event) {
                     Tcp(event).options = std::vector<TcpOption>(2);
                   }});
    return;
  }
  for (size_t i = 0; i < tcp.options->size(); ++i) {
    OptionMutants(i, tcp, line, out);
  }
  out.push_back({line, "a nop added at the end", [](Event& event) {
                   Tcp(event).options->push_back(TcpOption{});
                 }});
}

void IpMutants(const PacketEvent& packet, int line, std::vector<Mutant>& out) {
  if (!packet.ip_info) return;
  auto info = [](Event& event) -> grammar::IpInfo& {
    return *std::get<PacketEvent>(event.action).ip_info;
  };
  if (packet.ip_info->ecn) {
    out.push_back({line, "ip ecn changed", [info](Event& event) {
                     auto& ecn = info(event).ecn;
                     ecn = *ecn == grammar::Ecn::kCe ? grammar::Ecn::kNoEcn
                                                      : grammar::Ecn::kCe;
                   }});
  }
  if (packet.ip_info->tos) {
    out.push_back({line, "tos + 4",
                   [info](Event& event) { *info(event).tos += 4; }});
  }
  if (packet.ip_info->ttl) {
    out.push_back({line, "ttl + 1",
                   [info](Event& event) { *info(event).ttl += 1; }});
  }
}

// A shift beyond what the tolerance forgives: more than tolerance_usecs
// (4 ms by default) and than tolerance_percent (12.5 %) of the gap, taken
// as the line's own time, which bounds the gap for a relative time; a
// range moves by its width more, so that it no longer overlaps itself.
void TimeMutant(const Event& event, int64_t tolerance_usecs, int line,
                std::vector<Mutant>& out) {
  const auto kind = event.time.kind;
  if (kind == grammar::TimeKind::kAny) return;
  const bool range = kind == grammar::TimeKind::kRange ||
                     kind == grammar::TimeKind::kRelativeRange;
  const int64_t width = range ? event.time.end_usecs - event.time.usecs : 0;
  const int64_t shift = 2 * tolerance_usecs + width +
                        std::max(event.time.usecs, event.time.end_usecs) * 3 /
                            10;
  out.push_back({line, "time + " + Seconds(shift), [shift](Event& e) {
                   e.time.usecs += shift;
                   e.time.end_usecs += shift;
                 }});
}

// The script's --tolerance_usecs, else packetdrill's default.
int64_t ToleranceUsecs(const grammar::Script& script) {
  int64_t tolerance = 4000;
  for (const grammar::OptionLine& option : script.options) {
    if (option.name == "tolerance_usecs" && option.value) {
      tolerance = std::strtoll(option.value->c_str(), nullptr, 10);
    }
  }
  return tolerance;
}

// Lines without ports are about a new default flow after these calls, as
// the interpreter's flow table decides (bind, listen, connect, a
// MSG_FASTOPEN sendto).
bool StartsDefaultFlow(const grammar::SyscallEvent& call) {
  if (call.name == "bind" || call.name == "listen" ||
      call.name == "connect") {
    return true;
  }
  if (call.name != "sendto" && call.name != "sendmsg") return false;
  for (const auto& arg : call.args) {
    if (arg && grammar::PrintExpr(*arg).find("MSG_FASTOPEN") !=
                   std::string::npos) {
      return true;
    }
  }
  return false;
}

std::vector<Mutant> Mutants(const grammar::Script& script,
                            std::vector<size_t>* event_index) {
  std::vector<Mutant> mutants;
  const int64_t tolerance = ToleranceUsecs(script);
  // Flows (by `sport>dport`, or "" for the default one) whose stack ISN
  // a SYN line has named.
  std::set<std::string> named_isn;
  for (size_t i = 0; i < script.events.size(); ++i) {
    const Event& event = script.events[i];
    if (const auto* call = std::get_if<grammar::SyscallEvent>(&event.action);
        call != nullptr && StartsDefaultFlow(*call)) {
      named_isn.erase("");
    }
    const auto* packet = std::get_if<PacketEvent>(&event.action);
    if (packet == nullptr ||
        packet->direction != grammar::Direction::kOutbound) {
      continue;
    }
    const int line = event.loc.line;
    if (const auto* tcp = std::get_if<TcpPacket>(&packet->packet)) {
      const std::string flow =
          packet->ports ? std::to_string(packet->ports->src) + ">" +
                              std::to_string(packet->ports->dst)
                        : "";
      const bool syn = tcp->flags.bits & grammar::TcpFlags::kSyn;
      const bool first_syn = syn && named_isn.insert(flow).second;
      TcpMutants(*tcp, first_syn, line, mutants);
    } else if (std::holds_alternative<grammar::UdpPacket>(packet->packet)) {
      mutants.push_back({line, "udp payload length + 1", [](Event& e) {
                           std::get<grammar::UdpPacket>(
                               std::get<PacketEvent>(e.action).packet)
                               .payload_len += 1;
                         }});
    }
    IpMutants(*packet, line, mutants);
    if (packet->ports) {
      mutants.push_back({line, "remote port + 1", [](Event& e) {
                           std::get<PacketEvent>(e.action).ports->dst += 1;
                         }});
    }
    TimeMutant(event, tolerance, line, mutants);
    event_index->resize(mutants.size(), i);
  }
  return mutants;
}

int Main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: synack_mutate SCRIPT OUTDIR\n";
    return 2;
  }
  const std::filesystem::path path = argv[1];
  const std::filesystem::path outdir = argv[2];
  std::ifstream in(path);
  if (!in) {
    std::cerr << path.string() << ": cannot read\n";
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  grammar::ParseResult parsed = grammar::Parse(text.str());
  if (!parsed.ok()) {
    std::cerr << grammar::RenderAll(parsed.diagnostics, path.string(),
                                    text.str());
    return 2;
  }
  std::vector<size_t> event_index;
  std::vector<Mutant> mutants = Mutants(parsed.script, &event_index);
  std::filesystem::create_directories(outdir);
  for (size_t m = 0; m < mutants.size(); ++m) {
    grammar::ParseResult copy = grammar::Parse(text.str());
    Event& event = copy.script.events[event_index[m]];
    mutants[m].apply(event);
    // Printing renumbers lines: the mutant's comment names the original
    // line, and the mutated event keeps a marker comment so the driver
    // finds its new line.
    event.trailing_comment = "// MUTATED";
    const std::filesystem::path file =
        outdir / ("m" + std::to_string(m + 1) + "-" + path.filename().string());
    std::ofstream out(file);
    out << "// mutant of " << path.filename().string() << ": line "
        << mutants[m].line << ": " << mutants[m].what << "\n"
        << grammar::Print(copy.script);
    std::cout << file.string() << "\t" << mutants[m].line << "\t"
              << mutants[m].what << "\n";
  }
  return 0;
}

}  // namespace
}  // namespace synack

int main(int argc, char** argv) { return synack::Main(argc, argv); }
