// The checks of one packet line: sequence ranges, header field ranges, TCP
// option values and space, ICMP names, encapsulation addresses.
#include <arpa/inet.h>

#include <cctype>
#include <string>

#include "grammar/check_internal.h"
#include "grammar/known_names.h"
#include "grammar/spelling.h"

namespace synack::grammar {

namespace {

// A TCP header holds at most 40 bytes of options (RFC 9293, 3.1: data
// offset is at most 15 words).
constexpr size_t kMaxTcpOptionBytes = 40;

std::string Range(uint32_t start, uint32_t end) {
  return std::to_string(start) + ":" + std::to_string(end);
}

// `start:end(length)`: the range must hold exactly `length` bytes. Sequence
// space wraps at 2^32, so `4294967000:704(1000)` is fine; a range that runs
// backwards without wrapping to its length is a typo.
void CheckSequence(uint32_t start, uint32_t end, uint32_t length, Location at,
                   Reporter& reporter) {
  const uint32_t span = end - start;
  if (span == length) return;
  if (end < start) {
    reporter.Error(
        at, "sequence range " + Range(start, end) + " ends before it starts");
    return;
  }
  reporter.Error(at, "sequence range " + Range(start, end) + " holds " +
                         std::to_string(span) +
                         " bytes, but the payload length is " +
                         std::to_string(length));
}

bool IsHex(std::string_view text) {
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool LooksLikeName(std::string_view text) {
  return !text.empty() &&
         (std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_');
}

std::vector<std::string_view> DefineNames(const Defines& defines) {
  std::vector<std::string_view> names;
  for (const auto& [name, value] : defines) names.push_back(name);
  return names;
}

std::string Unquote(const std::string& value) {
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

// An md5 digest or a Fast Open cookie: hex bytes, or a `-D` name that
// stands for them (`FOEXP TFO_COOKIE`).
// Returns whether it is whole hex bytes.
bool CheckHexBlob(TcpOption& option, const char* what, const Defines& defines,
                  Reporter& reporter) {
  if (auto it = defines.find(option.hex); it != defines.end()) {
    option.hex = Unquote(it->second);
  }
  if (IsHex(option.hex)) {
    if (option.hex.size() % 2 == 0) return true;
    reporter.Error(option.loc, std::string(what) + " '" + option.hex +
                                   "' has an odd number of hex digits");
    return false;
  }
  if (LooksLikeName(option.hex)) {
    std::string hint = DidYouMean(option.hex, DefineNames(defines));
    reporter.Error(
        option.loc, "unknown symbol '" + option.hex + "'",
        hint.empty() ? "define it: -D " + option.hex + "=<hex bytes>" : hint);
  } else {
    reporter.Error(option.loc, std::string(what) + " '" + option.hex +
                                   "' is not a hex string");
  }
  return false;
}

// Bytes the option takes on the wire (RFC 793, 7323, 2018, 2385, 7413).
size_t OptionBytes(const TcpOption& option) {
  using Kind = TcpOption::Kind;
  switch (option.kind) {
    case Kind::kNop:
    case Kind::kEol: return 1;
    case Kind::kMss: return 4;
    case Kind::kWscale: return 3;
    case Kind::kSackOk: return 2;
    case Kind::kSack: return 2 + 8 * option.blocks.size();
    case Kind::kTimestamp: return 10;
    case Kind::kMd5: return 2 + option.hex.size() / 2;
    case Kind::kFastOpen: return 2 + option.hex.size() / 2;
    case Kind::kFastOpenExp: return 4 + option.hex.size() / 2;  // + magic
    case Kind::kGeneric: return 0;  // its spelling is its own business
    case Kind::kAccEcn: return 2 + 3 * option.accecn_fields.size();
  }
  return 0;
}

void CheckTcpOption(TcpOption& option, const Defines& defines,
                    Reporter& reporter) {
  using Kind = TcpOption::Kind;
  switch (option.kind) {
    case Kind::kMss:
      if (option.value > 65535) {
        reporter.Error(option.loc, "mss " + std::to_string(option.value) +
                                       " does not fit in 16 bits");
      }
      break;
    case Kind::kWscale:
      if (option.value > 255) {
        reporter.Error(option.loc, "wscale " + std::to_string(option.value) +
                                       " does not fit in one byte");
      } else if (option.value > 14) {
        // Legal on the wire (stacks clamp it), so only worth a warning.
        reporter.Warning(option.loc,
                         "wscale " + std::to_string(option.value) +
                             " is above 14, the largest shift RFC 7323 "
                             "allows");
      }
      break;
    case Kind::kSack:
      for (const SackBlock& block : option.blocks) {
        if (block.right < block.left) {
          reporter.Error(option.loc, "SACK block " +
                                         Range(block.left, block.right) +
                                         " ends before it starts");
        }
      }
      break;
    case Kind::kMd5:
      // parser.y's new_md5_option(): up to 16 bytes, and fewer are sent
      // as written ("we want to allow test cases that supply invalid
      // cookies"), the option then 2 + that many bytes long.
      if (CheckHexBlob(option, "md5 digest", defines, reporter) &&
          (option.hex.size() > 32 || option.hex.size() % 2 != 0)) {
        reporter.Error(option.loc,
                       "md5 digest '" + option.hex + "' has " +
                           std::to_string(option.hex.size()) +
                           " hex digits; a digest has an even number, at "
                           "most 32 (16 bytes)");
      }
      break;
    case Kind::kFastOpen:
    case Kind::kFastOpenExp:
      if (!option.hex.empty()) {
        CheckHexBlob(option, "Fast Open cookie", defines, reporter);
      }
      break;
    case Kind::kNop:
    case Kind::kEol:
    case Kind::kSackOk:
    case Kind::kTimestamp:
    case Kind::kGeneric:
    case Kind::kAccEcn: break;
  }
}

void CheckTcp(TcpPacket& tcp, Direction direction, Location at,
              const Defines& defines, Reporter& reporter) {
  CheckSequence(tcp.seq_start, tcp.seq_end, tcp.payload_len, at, reporter);
  if (tcp.window && *tcp.window > 65535) {
    reporter.Error(
        at,
        "window " + std::to_string(*tcp.window) + " does not fit in 16 bits",
        "a scaled window is written unscaled: the header carries "
        "the shifted value");
  }
  if (tcp.urgent && *tcp.urgent > 65535) {
    reporter.Error(at, "urgent pointer " + std::to_string(*tcp.urgent) +
                           " does not fit in 16 bits");
  }
  if (tcp.any_options && direction == Direction::kInbound) {
    reporter.Error(at, "'<...>' is only allowed on an outbound packet",
                   "an injected packet needs its options spelled out");
  }
  if (!tcp.options) return;
  size_t bytes = 0;
  for (TcpOption& option : *tcp.options) {
    CheckTcpOption(option, defines, reporter);
    bytes += OptionBytes(option);
  }
  if (bytes > kMaxTcpOptionBytes) {
    Location where = tcp.options->empty() ? at : tcp.options->front().loc;
    reporter.Error(where, "TCP options take " + std::to_string(bytes) +
                              " bytes, more than the 40 a TCP header holds");
  }
}

void CheckIcmp(IcmpPacket& icmp, Location at, const Defines& defines,
               Reporter& reporter) {
  if (auto it = defines.find(icmp.code); it != defines.end()) {
    icmp.code = Unquote(it->second);
  }
  if (!IsKnownIcmpType(icmp.type)) {
    reporter.Error(at, "unknown ICMP type '" + icmp.type + "'",
                   DidYouMean(icmp.type, IcmpTypeNames()));
  }
  if (!icmp.code.empty() && !IsKnownIcmpCode(icmp.code)) {
    // A warning, not an error: the corpus names codes by `-D` symbols that
    // its runner does not always pass, and packetdrill only rejects them
    // when it builds the packet.
    std::string hint = DidYouMean(icmp.code, IcmpCodeNames());
    reporter.Warning(at, "unknown ICMP code '" + icmp.code + "'",
                     hint.empty() ? "use a code name or code_N" : hint);
  }
  if (icmp.mtu &&
      !(icmp.type == "packet_too_big" ||
        (icmp.type == "unreachable" && icmp.code == "frag_needed"))) {
    reporter.Error(at,
                   "'mtu' belongs only to 'unreachable frag_needed' and "
                   "'packet_too_big'");
  }
  if (icmp.echo_id && *icmp.echo_id > 65535) {
    reporter.Error(at, "ICMP echo id " + std::to_string(*icmp.echo_id) +
                           " does not fit in 16 bits");
  }
  if (icmp.echoed && icmp.echoed->kind == IcmpEchoed::Kind::kTcpSeq) {
    CheckSequence(icmp.echoed->seq_start, icmp.echoed->seq_end,
                  icmp.echoed->seq_len, at, reporter);
  }
}

void CheckIpInfo(const IpInfo& info, Location at, Reporter& reporter) {
  if (info.flow_label && *info.flow_label > 0xfffff) {
    reporter.Error(at, "flow label " + std::to_string(*info.flow_label) +
                           " does not fit in 20 bits");
  }
}

void CheckEncapsulation(const Encapsulation& encap, Location at,
                        Reporter& reporter) {
  if (encap.ip_info) CheckIpInfo(*encap.ip_info, at, reporter);
  int family;
  const char* version;
  switch (encap.kind) {
    case Encapsulation::Kind::kIpv4:
      family = AF_INET;
      version = "IPv4";
      break;
    case Encapsulation::Kind::kIpv6:
      family = AF_INET6;
      version = "IPv6";
      break;
    default: return;
  }
  unsigned char buffer[16];
  for (const std::string* address : {&encap.src, &encap.dst}) {
    if (inet_pton(family, address->c_str(), buffer) != 1) {
      reporter.Error(at,
                     "'" + *address + "' is not an " + version + " address");
    }
  }
}

}  // namespace

void CheckPacket(PacketEvent& packet, Location at, const CheckOptions& options,
                 Reporter& reporter) {
  const Defines& defines = options.defines;
  for (const Encapsulation& encap : packet.encapsulations) {
    CheckEncapsulation(encap, at, reporter);
  }
  if (packet.ip_info) CheckIpInfo(*packet.ip_info, at, reporter);
  if (auto* tcp = std::get_if<TcpPacket>(&packet.packet)) {
    if (tcp->sketch && packet.direction == Direction::kInbound) {
      reporter.Error(at, "an injected packet needs its sequence numbers",
                     "a segment is written start:end(length), e.g. 1:1001(1000)");
      return;
    }
    if (tcp->sketch && !options.sketches) {
      reporter.Error(at, "a sketched packet: flags alone, no sequence numbers",
                     "`synack run --update` fills it in with what the stack sends");
      return;
    }
    CheckTcp(*tcp, packet.direction, at, defines, reporter);
  } else if (auto* icmp = std::get_if<IcmpPacket>(&packet.packet)) {
    CheckIcmp(*icmp, at, defines, reporter);
  }
}

}  // namespace synack::grammar
