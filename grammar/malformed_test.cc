// Malformed scripts: the exact diagnostics, every bad line reported, and no
// crash or hang on truncated or mangled input.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "grammar/diagnostics.h"
#include "grammar/dump.h"
#include "grammar/parser.h"

namespace synack::grammar {
namespace {

struct MalformedCase {
  const char* name;
  const char* input;
  const char* rendered;
};

const MalformedCase kCases[] = {
    {"segment missing ')'", "+0 < S 0:0(0 win 100\n",
     "test.pkt:1:14: error: expected ')' after the payload length, found "
     "'win'\n"
     "  +0 < S 0:0(0 win 100\n"
     "               ^\n"
     "  hint: a segment is written start:end(length), e.g. 1:1001(1000)\n"},
    {"segment missing length", "+0 < . 1:1 ack 1\n",
     "test.pkt:1:12: error: expected '(' and the payload length after the "
     "ending sequence number, found 'ack'\n"
     "  +0 < . 1:1 ack 1\n"
     "             ^\n"
     "  hint: a segment is written start:end(length), e.g. 1:1001(1000)\n"},
    {"inconsistent segment", "+0 < P. 1:10(5) ack 1 win 1\n",
     "test.pkt:1:9: error: inconsistent segment 1:10(5): the sequence numbers "
     "span 9 bytes\n"
     "  +0 < P. 1:10(5) ack 1 win 1\n"
     "          ^\n"
     "  hint: the length in parentheses must be end - start\n"},
    {"unknown flag", "+0 < SX 0:0(0) win 1\n",
     "test.pkt:1:7: error: unknown TCP flag 'X' in 'SX'\n"
     "  +0 < SX 0:0(0) win 1\n"
     "        ^\n"
     "  hint: TCP flags are F S R P U E W A, '.' for ACK, or '-' for none\n"},
    {"missing flags", "+0 < 1:1(0) ack 1\n",
     "test.pkt:1:6: error: expected TCP flags (such as 'S', 'S.', 'P.', '.' or "
     "'-'), found '1'\n"
     "  +0 < 1:1(0) ack 1\n"
     "       ^\n"
     "  hint: TCP flags are F S R P U E W A, '.' for ACK, or '-' for none\n"},
    {"window out of range", "+0 < S 0:0(0) win 70000\n",
     "test.pkt:1:19: error: window 70000 out of range (0..65535)\n"
     "  +0 < S 0:0(0) win 70000\n"
     "                    ^\n"},
    {"fields out of order", "+0 < . 1:1(0) win 100 ack 1\n",
     "test.pkt:1:23: error: expected 'urg', TCP options '<...>', or end of "
     "line after the packet, found 'ack'\n"
     "  +0 < . 1:1(0) win 100 ack 1\n"
     "                        ^\n"
     "  hint: a TCP packet reads: flags start:end(length) [ack N] [win N] "
     "[urg N] [<options>]\n"},
    {"junk after packet", "+0 < S 0:0(0) wn 5\n",
     "test.pkt:1:15: error: expected 'ack', 'win', 'urg', TCP options '<...>', "
     "or end of line after the packet, found 'wn'\n"
     "  +0 < S 0:0(0) wn 5\n"
     "                ^\n"},
    {"unknown TCP option", "+0 < S 0:0(0) win 1 <mss 1000,wscal 7>\n",
     "test.pkt:1:31: error: unknown TCP option 'wscal'\n"
     "  +0 < S 0:0(0) win 1 <mss 1000,wscal 7>\n"
     "                                ^\n"
     "  hint: did you mean 'wscale'?\n"},
    {"option list missing comma", "+0 < S 0:0(0) win 1 <mss 1000 nop>\n",
     "test.pkt:1:31: error: expected ',' or '>' after the TCP option, found "
     "'nop'\n"
     "  +0 < S 0:0(0) win 1 <mss 1000 nop>\n"
     "                                ^\n"},
    {"timestamp missing ecr", "+0 < S 0:0(0) win 1 <TS val 1>\n",
     "test.pkt:1:30: error: expected 'ecr' after the TS value, found '>'\n"
     "  +0 < S 0:0(0) win 1 <TS val 1>\n"
     "                               ^\n"
     "  hint: write 'TS val N ecr N'\n"},
    {"sack without blocks", "+0 < . 1:1(0) ack 1 <sack>\n",
     "test.pkt:1:26: error: expected a SACK block 'left:right' after 'sack', "
     "found '>'\n"
     "  +0 < . 1:1(0) ack 1 <sack>\n"
     "                           ^\n"},
    {"md5 without digest", "+0 > . 1:1(0) ack 1 <md5>\n",
     "test.pkt:1:25: error: expected a hex string after 'md5', found '>'\n"
     "  +0 > . 1:1(0) ack 1 <md5>\n"
     "                          ^\n"},
    {"any options unclosed", "+0 > S 0:0(0) <...\n",
     "test.pkt:1:19: error: expected '>' after '<...', found end of line\n"
     "  +0 > S 0:0(0) <...\n"
     "                    ^\n"},
    {"unknown IP field", "+0 < [ect2] S 0:0(0) win 1\n",
     "test.pkt:1:7: error: expected an IP field (noecn, ect0, ect1, ect01, ce, "
     "tos, flowlabel or ttl), found 'ect2'\n"
     "  +0 < [ect2] S 0:0(0) win 1\n"
     "        ^\n"
     "  hint: did you mean 'ect0'?\n"},
    {"bad destination port", "+0 < 5001>x S 0:0(0) win 1\n",
     "test.pkt:1:11: error: expected the destination port (a number), found "
     "'x'\n"
     "  +0 < 5001>x S 0:0(0) win 1\n"
     "            ^\n"},
    {"udp without parentheses", "+0 < udp 100\n",
     "test.pkt:1:13: error: expected '>' between the source and destination "
     "ports, found end of line\n"
     "  +0 < udp 100\n"
     "              ^\n"
     "  hint: a UDP packet reads 'udp [sport>dport] (length)'\n"},
    {"icmp without type", "+0 < icmp\n",
     "test.pkt:1:10: error: expected an ICMP type (such as 'unreachable') "
     "after 'icmp', found end of line\n"
     "  +0 < icmp\n"
     "           ^\n"},
    {"invalid outer address",
     "+0 < ipv4 1.2.3.999 > 1.2.3.4: S 0:0(0) win 1\n",
     "test.pkt:1:11: error: invalid IPv4 address '1.2.3.999'\n"
     "  +0 < ipv4 1.2.3.999 > 1.2.3.4: S 0:0(0) win 1\n"
     "            ^\n"},
    {"event without time", "socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n",
     "test.pkt:1:1: error: expected an event time (such as '0', '+0.1' or "
     "'*'), found 'socket'\n"
     "  socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
     "  ^\n"
     "  hint: every event starts with a time, e.g. '+0 socket(...)'\n"},
    {"hex time", "0x10 close(3) = 0\n",
     "test.pkt:1:1: error: expected an event time, found '0x10'\n"
     "  0x10 close(3) = 0\n"
     "  ^\n"},
    {"relative range with absolute end", "+1~2 close(3) = 0\n",
     "test.pkt:1:4: error: expected '+' and the end of the relative time range "
     "after '~', found '2'\n"
     "  +1~2 close(3) = 0\n"
     "     ^\n"
     "  hint: write a relative range as '+1~+2'\n"},
    {"absolute range with relative end", "1~+2 close(3) = 0\n",
     "test.pkt:1:3: error: expected an absolute time after '~', found '+'\n"
     "  1~+2 close(3) = 0\n"
     "    ^\n"
     "  hint: write an absolute range as '1~2'\n"},
    {"backwards range", "2~1 close(3) = 0\n",
     "test.pkt:1:1: error: time range ends before it starts\n"
     "  2~1 close(3) = 0\n"
     "  ^\n"},
    {"time out of range", "+99999999999999 close(3) = 0\n",
     "test.pkt:1:2: error: time '99999999999999' out of range\n"
     "  +99999999999999 close(3) = 0\n"
     "   ^\n"},
    {"no action", "+0 = 3\n",
     "test.pkt:1:4: error: expected a packet ('<' or '>'), a system call, a "
     "command or a code block after the event time, found '='\n"
     "  +0 = 3\n"
     "     ^\n"},
    {"missing '=' at end of line", "+0 close(3)\n+0 close(4) = 0\n",
     "test.pkt:1:12: error: expected '=' and the result after 'close(...)', "
     "found end of line\n"
     "  +0 close(3)\n"
     "             ^\n"
     "  hint: write '= ...' to accept any result\n"},
    {"missing result at end of file", "+0 close(3) =",
     "test.pkt:1:14: error: expected a result after '=', found end of file\n"
     "  +0 close(3) =\n"
     "               ^\n"},
    {"trailing comma in arguments", "+0 close(3,) = 0\n",
     "test.pkt:1:12: error: expected an argument after ',', found ')'\n"
     "  +0 close(3,) = 0\n"
     "             ^\n"},
    {"array missing comma", "+0 setsockopt(3, 1, 2, [1 2], 4) = 0\n",
     "test.pkt:1:27: error: expected ',' or ']' in the array, found '2'\n"
     "  +0 setsockopt(3, 1, 2, [1 2], 4) = 0\n"
     "                            ^\n"},
    {"struct closed with ')'", "+0 bind(3, {sa_family=AF_INET, 1) = 0\n",
     "test.pkt:1:33: error: expected ',' or '}' in the struct, found ')'\n"
     "  +0 bind(3, {sa_family=AF_INET, 1) = 0\n"
     "                                  ^\n"},
    {"struct key not a name", "+0 f({1=2}) = 0\n",
     "test.pkt:1:7: error: a field name must be a name or a call such as "
     "'msg_iov(1)'\n"
     "  +0 f({1=2}) = 0\n"
     "        ^\n"},
    {"float argument", "+0 write(3, ..., 1.5) = 1\n",
     "test.pkt:1:18: error: expected an argument after ',', found '1.5'\n"
     "  +0 write(3, ..., 1.5) = 1\n"
     "                   ^\n"},
    {"dangling '|'", "+0 fcntl(3, F_SETFL, O_RDWR|) = 0\n",
     "test.pkt:1:29: error: expected a flag after '|', found ')'\n"
     "  +0 fcntl(3, F_SETFL, O_RDWR|) = 0\n"
     "                              ^\n"},
    {"junk after a system call", "+0\tclose(3)\t=\t0\t0\n",
     "test.pkt:1:17: error: expected end of line after the system call, found "
     "'0'\n"
     "  +0\tclose(3)\t=\t0\t0\n"
     "    \t        \t \t \t^\n"
     "  hint: each event goes on its own line\n"},
    {"unterminated note", "+0 connect(3, ..., ...) = -1 EINPROGRESS (oops\n",
     "test.pkt:1:43: error: unterminated note: no closing ')'\n"
     "  +0 connect(3, ..., ...) = -1 EINPROGRESS (oops\n"
     "                                            ^\n"
     "  hint: a note is '(free text)' on one line\n"},
    {"integer out of range",
     "+0 write(3, ..., 99999999999999999999) = 1\n",
     "test.pkt:1:18: error: integer out of range: '99999999999999999999'\n"
     "  +0 write(3, ..., 99999999999999999999) = 1\n"
     "                   ^\n"
     "  hint: integers must fit in 64 bits\n"},
    {"integer beyond int64", "+0 f(9223372036854775808) = 1\n",
     "test.pkt:1:6: error: integer out of range: '9223372036854775808'\n"
     "  +0 f(9223372036854775808) = 1\n"
     "       ^\n"
     "  hint: integers must fit in 64 bits\n"},
    {"unterminated string", "+0 write(3, \"abc, 3) = 3\n+0 close(3) = 0\n",
     "test.pkt:1:13: error: unterminated string\n"
     "  +0 write(3, \"abc, 3) = 3\n"
     "              ^\n"
     "  hint: close it with '\"' on the same line\n"},
    {"unterminated command", "+0 `echo hi\n+0 close(3) = 0\n",
     "test.pkt:1:4: error: unterminated command: no closing '`'\n"
     "  +0 `echo hi\n"
     "     ^\n"
     "  hint: close it with '`'\n"},
    {"unterminated code block", "+0 %{ print(1)\n",
     "test.pkt:1:4: error: unterminated code block: no closing '}%'\n"
     "  +0 %{ print(1)\n"
     "     ^\n"
     "  hint: close it with '}%'\n"},
    {"unterminated comment", "+0 close(3) = 0 /* oops\n",
     "test.pkt:1:17: error: unterminated comment\n"
     "  +0 close(3) = 0 /* oops\n"
     "                  ^\n"
     "  hint: close it with '*/'\n"},
    {"non-ASCII byte", "+0 cl\xc3\xb6se(3) = 0\n",
     "test.pkt:1:6: error: unexpected non-ASCII byte 0xc3\n"
     "  +0 cl\xc3\xb6se(3) = 0\n"
     "       ^\n"
     "  hint: non-ASCII text belongs in comments, strings, commands and code "
     "blocks\n"},
    {"stray character", "+0 close(3) = $\n",
     "test.pkt:1:15: error: unexpected character '$'\n"
     "  +0 close(3) = $\n"
     "                ^\n"},
    {"option after an event", "0 close(3) = 0\n--tolerance_usecs=1000\n",
     "test.pkt:2:1: error: option line '--tolerance_usecs=1000' after the "
     "first event or the init command\n"
     "  --tolerance_usecs=1000\n"
     "  ^\n"
     "  hint: option lines go at the top of the script\n"},
    {"option without value", "--tolerance_usecs=\n0 close(3) = 0\n",
     "test.pkt:1:19: error: expected a value after '=' in option "
     "'--tolerance_usecs', found end of line\n"
     "  --tolerance_usecs=\n"
     "                    ^\n"
     "  hint: write '--name=value' without blanks, or '--name'\n"},
    {"command without time in the middle",
     "0 close(3) = 0\n`echo`\n+0 close(4) = 0\n",
     "test.pkt:2:1: error: a command without a time must come before the "
     "first event or after the last one\n"
     "  `echo`\n"
     "  ^\n"
     "  hint: give it a time, e.g. '+0 `...`'\n"},
    {"junk after the init command", "`init` x\n0 close(3) = 0\n",
     "test.pkt:1:8: error: expected end of line after the init command, found "
     "'x'\n"
     "  `init` x\n"
     "         ^\n"
     "  hint: each event goes on its own line\n"},
};

class MalformedTableTest : public testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedTableTest, RendersExactly) {
  const MalformedCase& c = GetParam();
  ParseResult result = Parse(c.input);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(RenderAll(result.diagnostics, "test.pkt", c.input), c.rendered)
      << "input:\n" << c.input;
}

INSTANTIATE_TEST_SUITE_P(
    Table, MalformedTableTest, testing::ValuesIn(kCases),
    [](const testing::TestParamInfo<MalformedCase>& param_info) {
      std::string name;
      for (const char* p = param_info.param.name; *p; ++p) {
        name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
      }
      return name + "_" + std::to_string(param_info.index);
    });

TEST(MalformedTest, EveryBadLineIsReported) {
  const char* text =
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"  // 1 good
      "+0 foo\n"                                       // 2 bad
      "+0 < S 0:0(0) win 1\n"                          // 3 good
      "+0 < Q 0:0(0)\n"                                // 4 bad
      "+0 sendmsg(4, {msg_name(...)=...,\n"            // 5 bad (6)
      "     msg_iov(1)=[{..., 1000}] msg_flags=0}, 0) = 1000\n"
      "+0 close(3) = 0\n"                              // 7 good
      "close(3) = 0\n"                                 // 8 bad
      "+0 close(3) = 0 0\n"                            // 9 bad
      "+0 > . 1:1(0) ack 1 <nop,\n"                    // 10 bad
      "+0 > . 1:1(0) ack 1\n";                         // 11 good
  ParseResult result = Parse(text);
  std::vector<int> lines;
  for (const Diagnostic& d : result.diagnostics) lines.push_back(d.loc.line);
  EXPECT_EQ(lines, (std::vector<int>{2, 4, 6, 8, 9, 10}))
      << RenderAll(result.diagnostics, "test.pkt", text);
  // The good lines still make it into the tree.
  ASSERT_EQ(result.script.events.size(), 4u);
  EXPECT_EQ(Dump(result.script.events[3]),
            "+0.000 packet > tcp . 1:1(0) ack 1");
}

TEST(MalformedTest, DeepNestingIsAnErrorNotACrash) {
  std::string text = "+0 f(" + std::string(100000, '[') + ") = 0\n";
  ParseResult result = Parse(text);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].message, "expression nested too deeply");
}

TEST(MalformedTest, NoiseNeverCrashes) {
  // Every byte value, and long runs of the characters that open constructs.
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (const std::string& text :
       {all, std::string(5000, '('), std::string(5000, '{'),
        std::string(5000, '<'), std::string(5000, '+'),
        std::string(5000, '.'), std::string(5000, '"'),
        std::string(5000, '`'), std::string("%{"), std::string("/*"),
        std::string("--"), std::string("+0...")}) {
    ParseResult result = Parse(text);
    std::string rendered = RenderAll(result.diagnostics, "noise.pkt", text);
    (void)rendered;
  }
}

std::vector<std::filesystem::path> CorpusScripts() {
  std::filesystem::path dir = std::filesystem::path(SYNACK_SOURCE_DIR) /
                              ".." / "shared" / "corpus" / "packetdrill" /
                              "tcp";
  std::vector<std::filesystem::path> scripts;
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return scripts;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(dir, error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".pkt") {
      scripts.push_back(entry.path());
    }
  }
  std::sort(scripts.begin(), scripts.end());
  return scripts;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every diagnostic points into the text it came from.
void ExpectLocationsInside(const ParseResult& result, std::string_view text,
                           const std::string& what) {
  int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  for (const Diagnostic& d : result.diagnostics) {
    EXPECT_GE(d.loc.line, 1) << what;
    EXPECT_LE(d.loc.line, lines) << what;
    EXPECT_GE(d.loc.column, 1) << what;
    EXPECT_FALSE(d.message.empty()) << what;
  }
}

TEST(MalformedTest, TruncatedCorpusScripts) {
  std::vector<std::filesystem::path> scripts = CorpusScripts();
  if (scripts.empty()) GTEST_SKIP() << "no corpus";
  int prefixes = 0, clean_at_line_ends = 0, line_ends = 0;
  for (const auto& path : scripts) {
    std::string text = ReadFile(path);
    // Every line end, and about 40 cuts inside lines.
    std::vector<size_t> cuts;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') cuts.push_back(i + 1);
    }
    size_t line_end_count = cuts.size();
    size_t stride = std::max<size_t>(1, text.size() / 40);
    for (size_t i = 1; i < text.size(); i += stride) cuts.push_back(i);
    for (size_t k = 0; k < cuts.size(); ++k) {
      std::string_view prefix(text.data(), cuts[k]);
      ParseResult result = Parse(prefix);
      ExpectLocationsInside(result, prefix, path.string());
      RenderAll(result.diagnostics, "prefix.pkt", prefix);
      ++prefixes;
      if (k < line_end_count) {
        ++line_ends;
        if (result.ok()) ++clean_at_line_ends;
      }
    }
  }
  // Cutting between lines mostly leaves a valid script: only cuts inside a
  // multi-line command, code block or system call do not.
  EXPECT_GT(clean_at_line_ends, line_ends * 8 / 10)
      << clean_at_line_ends << " of " << line_ends;
  std::cout << "[ prefixes ] " << prefixes << " parsed, " << clean_at_line_ends
            << " of " << line_ends << " line-end cuts clean\n";
}

TEST(MalformedTest, MangledCorpusScripts) {
  std::vector<std::filesystem::path> scripts = CorpusScripts();
  if (scripts.empty()) GTEST_SKIP() << "no corpus";
  std::mt19937 random(12345);  // fixed: the same mutations every run
  const char kBytes[] = "()[]{}<>:,.=|+-*~`\"%/\n\t 0x9aZ_\xff";
  for (const auto& path : scripts) {
    std::string text = ReadFile(path);
    if (text.empty()) continue;
    for (int round = 0; round < 20; ++round) {
      std::string mangled = text;
      for (int edit = 0; edit < 5; ++edit) {
        size_t at = random() % mangled.size();
        switch (random() % 3) {
          case 0:
            mangled[at] = kBytes[random() % (sizeof(kBytes) - 1)];
            break;
          case 1:
            mangled.erase(at, 1 + random() % 8);
            break;
          default:
            mangled.insert(at, 1, kBytes[random() % (sizeof(kBytes) - 1)]);
        }
        if (mangled.empty()) mangled = "x";
      }
      ParseResult result = Parse(mangled);
      ExpectLocationsInside(result, mangled, path.string());
      RenderAll(result.diagnostics, "mangled.pkt", mangled);
    }
  }
}

}  // namespace
}  // namespace synack::grammar
