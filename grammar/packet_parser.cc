// Parsing packet lines: direction, outer headers, IP info, ports, and the
// TCP, UDP or ICMP part with its TCP options.
#include <arpa/inet.h>

#include <string>
#include <vector>

#include "grammar/parser_impl.h"
#include "grammar/spelling.h"
#include "re2/re2.h"

namespace synack::grammar {
namespace {

constexpr uint64_t kU8 = 0xff;
constexpr uint64_t kU16 = 0xffff;
constexpr uint64_t kU24 = 0xffffff;
constexpr uint64_t kU32 = 0xffffffff;
constexpr uint64_t kFlowLabelMax = 0xfffff;  // 20 bits

const std::vector<std::string_view>& TcpOptionNames() {
  static const std::vector<std::string_view> kNames = {
      "nop",  "eol", "mss", "wscale", "sackOK",
      "sack", "TS",  "md5", "FO",     "FOEXP"};
  return kNames;
}

const std::vector<std::string_view>& IpFieldNames() {
  static const std::vector<std::string_view> kNames = {
      "noecn", "ect0", "ect1", "ect01", "ce", "tos", "flowlabel", "ttl"};
  return kNames;
}

std::optional<Ecn> EcnFromWord(std::string_view word) {
  if (word == "noecn") return Ecn::kNoEcn;
  if (word == "ect0") return Ecn::kEct0;
  if (word == "ect1") return Ecn::kEct1;
  if (word == "ect01") return Ecn::kEct01;
  if (word == "ce") return Ecn::kCe;
  return std::nullopt;
}

uint16_t FlagBit(char c) {
  switch (c) {
    case 'F': return TcpFlags::kFin;
    case 'S': return TcpFlags::kSyn;
    case 'R': return TcpFlags::kRst;
    case 'P': return TcpFlags::kPsh;
    case 'U': return TcpFlags::kUrg;
    case 'E': return TcpFlags::kEce;
    case 'W': return TcpFlags::kCwr;
    case 'A': return TcpFlags::kAe;
    default: return 0;
  }
}

constexpr char kFlagsHint[] =
    "TCP flags are F S R P U E W A, '.' for ACK, or '-' for none";
constexpr char kAceHint[] =
    "an AccECN ACE digit 0-7 stands for E (1), W (2) and A (4) together, "
    "once, instead of those letters";
constexpr char kFieldOrderHint[] =
    "a TCP packet reads: flags start:end(length) [ack N] [win N] [urg N] "
    "[<options>]";

}  // namespace

bool Parser::ParsePacket(PacketEvent* packet) {
  packet->direction =
      At(TokenKind::kLess) ? Direction::kInbound : Direction::kOutbound;
  Advance();

  while (AtWord("ipv4") || AtWord("ipv6") || AtWord("gre") || AtWord("mpls")) {
    Encapsulation encapsulation;
    if (!ParseEncapsulation(&encapsulation)) return false;
    packet->encapsulations.push_back(std::move(encapsulation));
  }

  if (At(TokenKind::kLParen) || At(TokenKind::kLBracket)) {
    IpInfo info;
    if (!ParseIpInfo(&info)) return false;
    packet->ip_info = info;
  }

  // parser.y's opt_encap, `encap psp spi N`: a PSP (PSP Security Protocol)
  // header, which needs PSP keys on the device; synack builds no PSP.
  if (AtWord("encap")) {
    return Error(tok_.loc,
                 "PSP encapsulation ('encap psp spi N') is not supported",
                 "synack neither builds nor decrypts PSP headers");
  }

  if (AtWord("udp")) {
    Advance();
    if (At(TokenKind::kInteger)) {
      PortInfo ports;
      if (!ParsePortInfo("a UDP packet reads 'udp [sport>dport] (length)'",
                         &ports)) {
        return false;
      }
      packet->ports = ports;
    }
    UdpPacket udp;
    if (!ParseUdpPacket(&udp)) return false;
    packet->packet = udp;
  } else if (AtWord("icmp")) {
    Advance();
    IcmpPacket icmp;
    if (!ParseIcmpPacket(&icmp)) return false;
    packet->packet = std::move(icmp);
  } else {
    if (At(TokenKind::kInteger)) {
      PortInfo ports;
      if (!ParsePortInfo("ports come before the flags: '< 5001>8080 S ...'",
                         &ports)) {
        return false;
      }
      packet->ports = ports;
    }
    TcpPacket tcp;
    if (!ParseTcpPacket(&tcp)) return false;
    packet->packet = std::move(tcp);
    return true;  // ParseTcpPacket names what may follow at the line end
  }
  return ExpectLineEnd("the packet");
}

bool Parser::ParseAddress(bool ipv6, std::string_view expected,
                          std::string* out) {
  Relex(ipv6 ? LexMode::kIpv6Address : LexMode::kIpv4Address);
  if (!At(TokenKind::kRaw) || AtLineEnd()) return Fail(expected);
  unsigned char buffer[16];
  if (inet_pton(ipv6 ? AF_INET6 : AF_INET, tok_.value.c_str(), buffer) != 1) {
    return Error(tok_.loc, std::string("invalid ") + (ipv6 ? "IPv6" : "IPv4") +
                               " address '" + tok_.value + "'");
  }
  *out = tok_.value;
  Advance();
  return true;
}

namespace {

// The text of a GRE header as parser.y's gre_header_expression spells it
// (`flags [checksum present, key present], sum 0, off 0, key=5, seq 0`, the
// commas optional), or an MPLS label stack as its mpls_stack does
// (`(label 1, tc 0, [S], ttl 64)`, any number of entries). The tree keeps
// the text; this only refuses what packetdrill's grammar refuses.
bool IsGreHeader(const std::string& text) {
  static const RE2 gre = [] {
    const std::string integer = R"((?:0[xX][0-9a-fA-F]+|[0-9]+))";
    const std::string flag =
        R"((?:none|(?:checksum|key|sequence#?)\s+present))";
    const std::string sep = R"(\s*,?\s*)";
    return R"(\s*,?\s*flags\s*(?:\[\s*)" + flag + R"((?:\s*,\s*)" + flag +
           R"()*\s*\]|)" + integer + ")" + sep + R"(sum\s+)" + integer + sep +
           R"(off\s+)" + integer + sep + R"(key\s*=?\s*)" + integer + sep +
           R"(seq\s+)" + integer + R"(\s*)";
  }();
  return RE2::FullMatch(text, gre);
}

// mpls_stack_entry: `(label N, tc N, [S], ttl N)`, the `[S]` (bottom of
// stack) optional. Returns the first entry's problem, or "" when all read.
std::string MplsStackProblem(const std::string& text) {
  static const RE2 entry(
      R"(\s*\(\s*label\s+([0-9]+)\s*,\s*tc\s+([0-9]+)\s*,\s*)"
      R"((?:\[\s*(\w+)\s*\]\s*,\s*)?ttl\s+([0-9]+)\s*\)\s*)");
  static const RE2 blanks(R"(\s*)");
  re2::StringPiece rest(text);
  RE2::Consume(&rest, blanks);
  std::string label, tc, bottom, ttl;
  while (!rest.empty()) {
    if (!RE2::Consume(&rest, entry, &label, &tc, &bottom, &ttl)) {
      return "expected an MPLS label stack entry such as "
             "'(label 1, tc 0, [S], ttl 64)'";
    }
    if (!bottom.empty() && bottom != "S") {
      return "expected [S] for MPLS label stack bottom";
    }
    bottom.clear();
  }
  return "";
}

}  // namespace

// `ipv4 [ip info] a > b:`, `ipv6 ... a > b:`, `gre ...:`, `mpls ...:`.
bool Parser::ParseEncapsulation(Encapsulation* encapsulation) {
  std::string keyword(tok_.text);
  Advance();
  if (keyword == "gre" || keyword == "mpls") {
    encapsulation->kind = keyword == "gre" ? Encapsulation::Kind::kGre
                                           : Encapsulation::Kind::kMpls;
    if (At(TokenKind::kColon)) {
      Advance();
      return true;
    }
    Relex(LexMode::kUntilColon);
    if (!At(TokenKind::kRaw) || AtLineEnd()) {
      return Fail("the " + keyword + " header and ':'");
    }
    encapsulation->raw = tok_.value;
    if (keyword == "gre" && !IsGreHeader(tok_.value)) {
      return Error(tok_.loc, "malformed GRE header '" + tok_.value + "'",
                   "write 'gre flags [key present], sum 0, off 0, key 5, "
                   "seq 0:' or 'gre:'");
    }
    if (keyword == "mpls") {
      if (std::string problem = MplsStackProblem(tok_.value);
          !problem.empty()) {
        return Error(tok_.loc, problem);
      }
    }
    Advance();
    return Expect(TokenKind::kColon, "':' after the " + keyword + " header");
  }
  bool ipv6 = keyword == "ipv6";
  encapsulation->kind =
      ipv6 ? Encapsulation::Kind::kIpv6 : Encapsulation::Kind::kIpv4;
  if (At(TokenKind::kLParen) || At(TokenKind::kLBracket)) {
    IpInfo info;
    if (!ParseIpInfo(&info)) return false;
    encapsulation->ip_info = info;
  }
  std::string family = ipv6 ? "IPv6" : "IPv4";
  if (!ParseAddress(ipv6, "the outer " + family + " source address",
                    &encapsulation->src)) {
    return false;
  }
  if (!Expect(TokenKind::kGreater,
              "'>' between the outer source and destination addresses")) {
    return false;
  }
  if (!ParseAddress(ipv6, "the outer " + family + " destination address",
                    &encapsulation->dst)) {
    return false;
  }
  return Expect(TokenKind::kColon, "':' after the outer " + family + " header");
}

// `(ect0)`, `[noecn]`, `(tos 0x10)`, `(flowlabel 0x1)`, `(ttl 64)`, and
// comma-separated combinations.
bool Parser::ParseIpInfo(IpInfo* info) {
  info->square_brackets = At(TokenKind::kLBracket);
  TokenKind close =
      info->square_brackets ? TokenKind::kRBracket : TokenKind::kRParen;
  Advance();
  for (;;) {
    Location loc = tok_.loc;
    std::optional<Ecn> ecn =
        At(TokenKind::kWord) ? EcnFromWord(tok_.text) : std::nullopt;
    if (ecn) {
      if (info->ecn) return Error(loc, "ECN codepoint given twice");
      info->ecn = ecn;
      Advance();
    } else if (AtWord("tos")) {
      if (info->tos) return Error(loc, "'tos' given twice");
      Advance();
      uint8_t tos = 0;
      if (!ParseUnsignedAs(kU8, "TOS value", &tos)) return false;
      info->tos = tos;
    } else if (AtWord("flowlabel")) {
      if (info->flow_label) return Error(loc, "'flowlabel' given twice");
      Advance();
      uint32_t label = 0;
      if (!ParseUnsignedAs(kFlowLabelMax, "flow label", &label)) return false;
      info->flow_label = label;
    } else if (AtWord("ttl")) {
      if (info->ttl) return Error(loc, "'ttl' given twice");
      Advance();
      uint8_t ttl = 0;
      if (!ParseUnsignedAs(kU8, "TTL", &ttl)) return false;
      info->ttl = ttl;
    } else {
      std::string hint =
          At(TokenKind::kWord) ? DidYouMean(tok_.text, IpFieldNames()) : "";
      return Fail(
          "an IP field (noecn, ect0, ect1, ect01, ce, tos, flowlabel or ttl)",
          hint);
    }
    if (!At(TokenKind::kComma)) break;
    Advance();
  }
  return Expect(close, info->square_brackets ? "']' after the IP fields"
                                             : "')' after the IP fields");
}

// `sport>dport`, before the flags of a TCP packet or the `(length)` of UDP.
bool Parser::ParsePortInfo(std::string_view hint, PortInfo* ports) {
  Token first = tok_;
  uint64_t src = 0;
  if (!ParseUnsigned(UINT64_MAX, "source port", &src)) return false;
  if (At(TokenKind::kColon)) {
    // `< 1:1(0) ...`: a segment without its flags, not a port.
    return Error(first.loc,
                 "expected TCP flags (such as 'S', 'S.', 'P.', '.' or '-'), "
                 "found " +
                     Describe(first),
                 kFlagsHint);
  }
  if (src > kU16) {
    return Error(first.loc, "source port " + std::string(first.text) +
                                " out of range (0..65535)");
  }
  ports->src = static_cast<uint16_t>(src);
  if (!Expect(TokenKind::kGreater,
              "'>' between the source and destination ports",
              std::string(hint))) {
    return false;
  }
  return ParseUnsignedAs(kU16, "destination port", &ports->dst);
}

bool Parser::ParseTcpFlags(TcpFlags* flags) {
  flags->bits = 0;
  if (At(TokenKind::kMinus)) {
    Advance();
    return true;
  }
  if (At(TokenKind::kDot)) {
    flags->bits = TcpFlags::kAck;
    Advance();
    return true;
  }
  if (At(TokenKind::kFloat)) return ParseAckAndAce(flags);
  if (!At(TokenKind::kWord)) {
    return Fail("TCP flags (such as 'S', 'S.', 'P.', '.' or '-')", kFlagsHint);
  }
  const std::string word(tok_.text);
  for (size_t i = 0; i < word.size(); ++i) {
    Location loc = tok_.loc;
    loc.column += static_cast<int>(i);
    if (word[i] >= '0' && word[i] <= '7') {
      if (!SetAce(word[i], word, loc, flags)) return false;
      continue;
    }
    uint16_t bit = FlagBit(word[i]);
    if (bit == 0) {
      return Error(loc,
                   std::string("unknown TCP flag '") + word[i] + "' in " +
                       "'" + word + "'",
                   kFlagsHint);
    }
    if ((bit & (TcpFlags::kEce | TcpFlags::kCwr | TcpFlags::kAe)) &&
        flags->ace) {
      return Error(loc, std::string("conflicting TCP flag '") + word[i] +
                            "' in '" + word + "'",
                   kAceHint);
    }
    flags->bits |= bit;
  }
  Advance();
  if (At(TokenKind::kDot)) {
    flags->bits |= TcpFlags::kAck;
    Advance();
  } else if (At(TokenKind::kFloat)) {
    return ParseAckAndAce(flags);
  }
  return true;
}

// parser.y's `opt_word ack_and_ace`: the ACK dot and the ACE digit lexed as
// one number, `.5` (after the letters, if any: `P.5`).
bool Parser::ParseAckAndAce(TcpFlags* flags) {
  const std::string text(tok_.text);
  if (text.size() != 2 || text[0] != '.' || text[1] < '0' || text[1] > '7') {
    return Fail("TCP flags (such as 'S', 'S.', 'P.', '.5' or '-')", kAceHint);
  }
  flags->bits |= TcpFlags::kAck;
  Location loc = tok_.loc;
  loc.column += 1;
  if (!SetAce(text[1], text, loc, flags)) return false;
  Advance();
  return true;
}

// One ACE digit: tcp_packet.c's is_tcp_flags_spec_valid() allows one, and
// none of E, W and A beside it.
bool Parser::SetAce(char digit, const std::string& word, Location loc,
                    TcpFlags* flags) {
  constexpr uint16_t kAceBits = TcpFlags::kEce | TcpFlags::kCwr | TcpFlags::kAe;
  if (flags->ace || (flags->bits & kAceBits)) {
    return Error(loc, std::string("conflicting TCP flag '") + digit +
                          "' in '" + word + "'",
                 kAceHint);
  }
  const int ace = digit - '0';
  flags->ace = true;
  if (ace & 1) flags->bits |= TcpFlags::kEce;
  if (ace & 2) flags->bits |= TcpFlags::kCwr;
  if (ace & 4) flags->bits |= TcpFlags::kAe;
  return true;
}

// `start:end(length)`.
bool Parser::ParseSegment(uint32_t* start, uint32_t* end, uint32_t* length) {
  constexpr char kHint[] =
      "a segment is written start:end(length), e.g. 1:1001(1000)";
  Location loc = tok_.loc;
  if (!At(TokenKind::kInteger)) {
    return Fail("the starting sequence number (start:end(length))", kHint);
  }
  if (!ParseUnsignedAs(kU32, "sequence number", start)) return false;
  if (!Expect(TokenKind::kColon, "':' after the starting sequence number",
              kHint)) {
    return false;
  }
  if (!At(TokenKind::kInteger)) {
    return Fail("the ending sequence number after ':'", kHint);
  }
  if (!ParseUnsignedAs(kU32, "sequence number", end)) return false;
  if (!Expect(TokenKind::kLParen,
              "'(' and the payload length after the ending sequence number",
              kHint)) {
    return false;
  }
  if (!At(TokenKind::kInteger)) {
    return Fail("the payload length after '('", kHint);
  }
  if (!ParseUnsignedAs(kU32, "payload length", length)) return false;
  if (!Expect(TokenKind::kRParen, "')' after the payload length", kHint)) {
    return false;
  }
  uint32_t span = *end - *start;  // sequence space wraps at 2^32
  if (span != *length) {
    return Error(loc,
                 "inconsistent segment " + std::to_string(*start) + ":" +
                     std::to_string(*end) + "(" + std::to_string(*length) +
                     "): the sequence numbers span " + std::to_string(span) +
                     " bytes",
                 "the length in parentheses must be end - start");
  }
  return true;
}

bool Parser::ParseTcpPacket(TcpPacket* tcp) {
  if (!ParseTcpFlags(&tcp->flags)) return false;
  if (AtLineEnd()) {
    tcp->sketch = true;
    return true;
  }
  if (!ParseSegment(&tcp->seq_start, &tcp->seq_end, &tcp->payload_len)) {
    return false;
  }
  // The optional fields come in a fixed order; each step narrows what may
  // still follow, which is what the error message lists.
  std::vector<std::string> next = {"'ack'", "'win'", "'urg'",
                                   "TCP options '<...>'"};
  size_t step = 0;  // the index in `next` of the first field still allowed
  if (AtWord("ack") && !AtLineEnd()) {
    Advance();
    uint32_t ack = 0;
    if (!ParseUnsignedAs(kU32, "ack number", &ack)) return false;
    tcp->ack = ack;
    step = 1;
  }
  if (AtWord("win") && !AtLineEnd()) {
    Advance();
    uint32_t window = 0;
    if (!ParseUnsignedAs(kU16, "window", &window)) return false;
    tcp->window = window;
    step = 2;
  }
  if (AtWord("urg") && !AtLineEnd()) {
    Advance();
    uint32_t urgent = 0;
    if (!ParseUnsignedAs(kU16, "urgent pointer", &urgent)) return false;
    tcp->urgent = urgent;
    step = 3;
  }
  if (At(TokenKind::kLess) && !AtLineEnd()) {
    if (!ParseTcpOptions(tcp)) return false;
    step = 4;
  }
  if (AtLineEnd()) return true;

  std::string expected;
  for (size_t i = step; i < next.size(); ++i) expected += next[i] + ", ";
  expected += step < next.size() ? "or end of line" : "end of line";
  expected += " after the packet";
  bool misplaced = AtWord("ack") || AtWord("win") || AtWord("urg");
  return Fail(expected, misplaced ? kFieldOrderHint : "");
}

// `<mss 1460,sackOK,nop>` or `<...>`.
bool Parser::ParseTcpOptions(TcpPacket* tcp) {
  Advance();  // '<'
  if (At(TokenKind::kEllipsis)) {
    Advance();
    tcp->any_options = true;
    return Expect(TokenKind::kGreater, "'>' after '<...'");
  }
  std::vector<TcpOption> options;
  for (;;) {
    TcpOption option;
    if (!ParseTcpOption(&option)) return false;
    options.push_back(std::move(option));
    if (At(TokenKind::kComma)) {
      Advance();
      continue;
    }
    if (At(TokenKind::kGreater)) {
      Advance();
      break;
    }
    return Fail("',' or '>' after the TCP option");
  }
  tcp->options = std::move(options);
  return true;
}

bool Parser::ParseHexBlob(std::string_view option, bool required,
                          std::string* out) {
  if (!required && (At(TokenKind::kComma) || At(TokenKind::kGreater))) {
    return true;
  }
  Relex(LexMode::kHexBlob);
  // A blob on the next line would be the next event's time.
  if (!At(TokenKind::kRaw) || AtLineEnd()) {
    return Fail(required ? "a hex string after '" + std::string(option) + "'"
                         : "a hex cookie, ',' or '>' after '" +
                               std::string(option) + "'");
  }
  *out = tok_.value;
  Advance();
  return true;
}

bool Parser::ParseTcpOption(TcpOption* option) {
  option->loc = tok_.loc;
  if (!At(TokenKind::kWord)) {
    return Fail(
        "a TCP option (mss, wscale, sackOK, sack, TS, nop, eol, md5, "
        "FO or FOEXP)");
  }
  std::string name(tok_.text);
  if (name == "nop") {
    option->kind = TcpOption::Kind::kNop;
    Advance();
  } else if (name == "eol") {
    option->kind = TcpOption::Kind::kEol;
    Advance();
  } else if (name == "mss") {
    option->kind = TcpOption::Kind::kMss;
    Advance();
    if (!ParseUnsignedAs(kU16, "MSS", &option->value)) return false;
  } else if (name == "wscale") {
    option->kind = TcpOption::Kind::kWscale;
    Advance();
    if (!ParseUnsignedAs(kU8, "window scale", &option->value)) return false;
  } else if (name == "sackOK") {
    option->kind = TcpOption::Kind::kSackOk;
    Advance();
  } else if (name == "sack") {
    option->kind = TcpOption::Kind::kSack;
    Advance();
    do {
      if (!At(TokenKind::kInteger) || AtLineEnd()) {
        return Fail("a SACK block 'left:right' after 'sack'");
      }
      SackBlock block;
      if (!ParseUnsignedAs(kU32, "SACK block edge", &block.left)) return false;
      if (!Expect(TokenKind::kColon, "':' in the SACK block 'left:right'")) {
        return false;
      }
      if (!ParseUnsignedAs(kU32, "SACK block edge", &block.right)) {
        return false;
      }
      option->blocks.push_back(block);
    } while (At(TokenKind::kInteger) && !AtLineEnd());
  } else if (name == "TS") {
    option->kind = TcpOption::Kind::kTimestamp;
    Advance();
    if (!AtWord("val"))
      return Fail("'val' after 'TS'", "write 'TS val N ecr N'");
    Advance();
    if (!ParseUnsignedAs(kU32, "TS value", &option->value)) return false;
    if (!AtWord("ecr")) {
      return Fail("'ecr' after the TS value", "write 'TS val N ecr N'");
    }
    Advance();
    if (!ParseUnsignedAs(kU32, "TS echo reply", &option->ecr)) return false;
  } else if (name == "md5") {
    option->kind = TcpOption::Kind::kMd5;
    Advance();
    if (!ParseHexBlob(name, /*required=*/true, &option->hex)) return false;
  } else if (name == "ECN") {
    // parser.y's accecn_option: e0b first (kind 172) or e1b first (174),
    // then ceb, then the other; the list may stop after any field.
    option->kind = TcpOption::Kind::kAccEcn;
    Advance();
    if (!AtWord("e0b") && !AtWord("e1b")) {
      return Fail("'e0b' or 'e1b' after 'ECN'",
                  "write 'ECN e0b N ceb N e1b N' or 'ECN e1b N ceb N e0b N'");
    }
    option->accecn_e1b_first = AtWord("e1b");
    const char* const kOrder[2][3] = {{"e0b", "ceb", "e1b"},
                                      {"e1b", "ceb", "e0b"}};
    for (const char* field : kOrder[option->accecn_e1b_first ? 1 : 0]) {
      if (!AtWord(field) || AtLineEnd()) break;
      Advance();
      uint32_t count = 0;
      if (!ParseUnsignedAs(kU24, (std::string(field) + " byte count").c_str(),
                           &count)) {
        return false;
      }
      option->accecn_fields.push_back(count);
    }
  } else if (name == "FO" || name == "FOEXP") {
    option->kind = name == "FO" ? TcpOption::Kind::kFastOpen
                                : TcpOption::Kind::kFastOpenExp;
    Advance();
    if (!ParseHexBlob(name, /*required=*/false, &option->hex)) return false;
  } else {
    return Error(tok_.loc, "unknown TCP option '" + name + "'",
                 DidYouMean(name, TcpOptionNames()).empty()
                     ? "TCP options are mss, wscale, sackOK, sack, TS, nop, "
                       "eol, md5, FO and FOEXP"
                     : DidYouMean(name, TcpOptionNames()));
  }
  return true;
}

// `udp [sport>dport] (length)`, after the `udp` keyword and ports.
bool Parser::ParseUdpPacket(UdpPacket* udp) {
  if (!Expect(TokenKind::kLParen, "'(' and the payload length after 'udp'",
              "write 'udp (100)'")) {
    return false;
  }
  if (!ParseUnsignedAs(kU16, "UDP payload length", &udp->payload_len)) {
    return false;
  }
  return Expect(TokenKind::kRParen, "')' after the UDP payload length");
}

// `icmp type [code] [mtu N] [id N] [echoed]`, after the `icmp` keyword.
bool Parser::ParseIcmpPacket(IcmpPacket* icmp) {
  if (!At(TokenKind::kWord)) {
    return Fail("an ICMP type (such as 'unreachable') after 'icmp'");
  }
  icmp->type = std::string(tok_.text);
  Advance();
  if (At(TokenKind::kWord) && !AtWord("mtu") && !AtWord("id") && !AtLineEnd()) {
    icmp->code = std::string(tok_.text);
    Advance();
  }
  if (AtWord("mtu") && !AtLineEnd()) {
    Advance();
    uint32_t mtu = 0;
    if (!ParseUnsignedAs(kU32, "MTU", &mtu)) return false;
    icmp->mtu = mtu;
  }
  if (AtWord("id") && !AtLineEnd()) {
    Advance();
    uint32_t id = 0;
    if (!ParseUnsignedAs(kU16, "echo id", &id)) return false;
    icmp->echo_id = id;
  }
  if (At(TokenKind::kLBracket) && !AtLineEnd()) {
    IcmpEchoed echoed;
    if (!ParseIcmpEchoed(&echoed)) return false;
    icmp->echoed = echoed;
  }
  if (AtLineEnd()) return true;
  return Fail(
      "an ICMP code, 'mtu', 'id', '[' and the quoted packet, or end of line");
}

// `[start:end(length)]`, `[udp (length)]` or `[raw (length)]`.
bool Parser::ParseIcmpEchoed(IcmpEchoed* echoed) {
  Advance();  // '['
  if (AtWord("udp") || AtWord("raw")) {
    std::string keyword(tok_.text);
    echoed->kind =
        keyword == "udp" ? IcmpEchoed::Kind::kUdp : IcmpEchoed::Kind::kRaw;
    Advance();
    if (!Expect(TokenKind::kLParen,
                "'(' and the length after '" + keyword + "'")) {
      return false;
    }
    if (!ParseUnsignedAs(kU32, "length", &echoed->payload_len)) return false;
    if (!Expect(TokenKind::kRParen, "')' after the length")) return false;
  } else {
    echoed->kind = IcmpEchoed::Kind::kTcpSeq;
    if (!ParseSegment(&echoed->seq_start, &echoed->seq_end, &echoed->seq_len)) {
      return false;
    }
  }
  return Expect(TokenKind::kRBracket, "']' after the quoted packet");
}

}  // namespace synack::grammar
