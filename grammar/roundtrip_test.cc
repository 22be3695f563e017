// Print-then-reparse round trips: every corpus script, and constructs the
// corpus lacks. Parse(Print(tree)) must be the tree again (same Dump), and
// printing is idempotent.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "grammar/dump.h"
#include "grammar/lexer.h"
#include "grammar/parser.h"
#include "grammar/printer.h"

namespace synack::grammar {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The comments in `text` as the lexer alone finds them, reading every token
// in the normal mode: a count that does not depend on the parser.
std::vector<std::string> LexedComments(const std::string& text) {
  Lexer lexer(text);
  while (lexer.Next().kind != TokenKind::kEnd) {
  }
  std::vector<std::string> comments;
  for (const LexedComment& comment : lexer.TakeComments(text.size())) {
    comments.emplace_back(comment.text);
  }
  return comments;
}

// The comments kept in a tree, in source order.
std::vector<std::string> TreeComments(const Script& script) {
  std::vector<std::string> comments;
  auto add = [&comments](const CommentLines& before,
                         const std::string& trailing) {
    for (const std::string& line : before) {
      if (!line.empty()) comments.push_back(line);
    }
    // A trailing comment may be several: `/* a */ // b`.
    for (const std::string& comment : LexedComments(trailing)) {
      comments.push_back(comment);
    }
  };
  for (const OptionLine& option : script.options) {
    add(option.comments_before, option.trailing_comment);
  }
  if (script.init_command) {
    add(script.init_comments_before, script.init_trailing_comment);
  }
  for (const Event& event : script.events) {
    add(event.comments_before, event.trailing_comment);
  }
  if (script.cleanup_command) {
    add(script.cleanup_comments_before, script.cleanup_trailing_comment);
  }
  add(script.comments_at_end, "");
  return comments;
}

int LineCount(const std::vector<std::string>& comments) {
  int lines = 0;
  for (const std::string& comment : comments) {
    lines += 1 + static_cast<int>(std::count(comment.begin(), comment.end(),
                                             '\n'));
  }
  return lines;
}

// Every comment of `text` is in the tree and in the printed text, in order.
bool KeepsComments(const std::string& name, const std::string& text,
                   const Script& tree, const std::string& printed) {
  const std::vector<std::string> source = LexedComments(text);
  bool ok = true;
  if (TreeComments(tree) != source) {
    ADD_FAILURE() << name << ": the tree does not hold the "
                  << source.size() << " comments of the text";
    ok = false;
  }
  const std::vector<std::string> kept = LexedComments(printed);
  if (kept != source || LineCount(kept) != LineCount(source)) {
    ADD_FAILURE() << name << ": " << source.size() << " comments on "
                  << LineCount(source) << " lines, printed "
                  << kept.size() << " on " << LineCount(kept)
                  << " lines\n" << printed;
    ok = false;
  }
  return ok;
}

// Parses `text`, prints it, parses the print; adds a failure naming `name`
// for each way the round trip breaks. Returns whether it held.
bool RoundTrips(const std::string& name, const std::string& text) {
  ParseResult first = Parse(text);
  if (!first.ok()) {
    ADD_FAILURE() << name << " does not parse:\n"
                  << RenderAll(first.diagnostics, name, text);
    return false;
  }
  const std::string printed = Print(first.script);
  ParseResult second = Parse(printed);
  if (!second.ok()) {
    ADD_FAILURE() << name << ": the printed script does not parse:\n"
                  << RenderAll(second.diagnostics, name + " (printed)",
                               printed);
    return false;
  }
  bool ok = KeepsComments(name, text, first.script, printed);
  if (Dump(first.script) != Dump(second.script)) {
    ADD_FAILURE() << name << ": the tree changed in the round trip\n"
                  << "before:\n"
                  << Dump(first.script) << "after:\n"
                  << Dump(second.script);
    ok = false;
  }
  if (Print(second.script) != printed) {
    ADD_FAILURE() << name << ": printing is not idempotent\nfirst:\n"
                  << printed << "second:\n"
                  << Print(second.script);
    ok = false;
  }
  return ok;
}

// The .pkt files under `root`, sorted.
std::vector<std::filesystem::path> ScriptsUnder(
    const std::filesystem::path& root) {
  std::vector<std::filesystem::path> scripts;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() == ".pkt") scripts.push_back(entry.path());
  }
  std::sort(scripts.begin(), scripts.end());
  return scripts;
}

// Round-trips every script under `root`; returns how many held.
int RoundTripAll(const std::filesystem::path& root,
                 const std::vector<std::filesystem::path>& scripts) {
  int held = 0;
  for (const auto& path : scripts) {
    std::string name = std::filesystem::relative(path, root).string();
    if (RoundTrips(name, ReadFile(path))) ++held;
  }
  return held;
}

TEST(RoundTripTest, CorpusScripts) {
  const std::filesystem::path root = std::filesystem::path(SYNACK_SOURCE_DIR) /
                                     ".." / "shared" / "corpus" /
                                     "packetdrill" / "tcp";
  if (!std::filesystem::is_directory(root)) {
    GTEST_SKIP() << "no corpus at " << root;
  }
  const std::vector<std::filesystem::path> scripts = ScriptsUnder(root);
  int held = RoundTripAll(root, scripts);
  RecordProperty("scripts", static_cast<int>(scripts.size()));
  RecordProperty("round_trips", held);
  std::printf("[ round trip ] %d of %zu corpus scripts\n", held,
              scripts.size());
  EXPECT_GT(scripts.size(), 100u);
  EXPECT_EQ(static_cast<int>(scripts.size()), held);
}

// synack's own scripts: documented at length, so `synack fmt -w` must keep
// every comment.
TEST(RoundTripTest, OwnScripts) {
  const std::filesystem::path root =
      std::filesystem::path(SYNACK_SOURCE_DIR) / "scripts";
  const std::vector<std::filesystem::path> scripts = ScriptsUnder(root);
  int comments = 0;
  for (const auto& path : scripts) {
    comments += static_cast<int>(LexedComments(ReadFile(path)).size());
  }
  EXPECT_GT(scripts.size(), 20u);
  EXPECT_GT(comments, 100);
  EXPECT_EQ(static_cast<int>(scripts.size()), RoundTripAll(root, scripts));
}

// Constructs the corpus never writes, or writes only one way.
TEST(RoundTripTest, ConstructsBeyondTheCorpus) {
  const char* const scripts[] = {
      // Options of each value kind, an init and a cleanup command.
      "--ip_version=ipv6\n--local_ip=fd::1\n--tcp_ts_ecr_scaled\n"
      "--tolerance_percent=12.5\n`echo init`\n0 `true`\n`echo done`\n",
      // Every time form, and a blocking call.
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "1.5 close(3) = 0\n"
      "+0.000001 close(3) = -1 EBADF (Bad file descriptor)\n"
      "* > S 0:0(0) <...>\n"
      "2~3 > . 1:1(0) ack 1\n"
      "+0.01~+0.015 > F. 1:1(0) ack 1\n"
      "+0...0.25 read(4, ..., 100) = 100\n"
      "4...5 read(4, ..., 100) = 100\n",
      // IP info in every spelling, ports, UDP and ICMP.
      "0 < (ect0) S 0:0(0) win 100\n"
      "0 < [ect1] . 1:1(0) ack 1 win 100\n"
      "0 < (ce) . 1:1(0) ack 1 win 100\n"
      "0 < [noecn] . 1:1(0) ack 1 win 100\n"
      "0 < (ect01) . 1:1(0) ack 1 win 100\n"
      "0 < (tos 0x10) . 1:1(0) ack 1 win 100\n"
      "0 < (tos 0x3, flowlabel 0x12345) . 1:1(0) ack 1 win 100\n"
      "0 < (ttl 3) . 1:1(0) ack 1 win 100\n"
      "0 < 5001>8080 S 0:0(0) win 100\n"
      "0 < udp (100)\n"
      "0 > udp 8080>5001 (10)\n"
      "0 < icmp unreachable port_unreachable [udp (8)]\n"
      "0 < icmp echo_reply id 7 [raw (20)]\n"
      "0 < icmp packet_too_big mtu 1400 [0:1440(1440)]\n"
      "0 < icmp time_exceeded\n",
      // Encapsulation.
      "0 < ipv4 192.0.2.2 > 192.168.0.1: S 0:0(0) win 100\n"
      "0 > ipv6 (ect0) 2001:db8::1 > fd3d::1: S. 0:0(0) ack 1\n"
      "0 < gre: S 0:0(0) win 100\n",
      // Every TCP flag and option.
      "0 < FSRPUEWA. 0:0(0) win 100\n"
      "0 < - 0:0(0) win 100\n"
      "0 < . 1:1(0) ack 1 win 100 urg 5 <sack 1:2 3:4,eol>\n"
      "0 < . 1:1(0) ack 1 win 100 <TS val 1 ecr 0,md5 "
      "000102030405060708090a0b0c0d0e0f>\n"
      "0 < S 0:0(0) win 100 <FO,FOEXP,FO 1234,FOEXP abcdef01>\n",
      // Expressions.
      "0 bind(3, {sa_family=AF_INET, sin_port=htons(8080), "
      "sin_addr=inet_addr(\"192.0.2.1\")}, 16) = 0\n"
      "0 connect(3, {sa_family=AF_INET6, sin6_port=htons(8080), "
      "sin6_addr=inet6_addr(\"::1\")}, 28) = 0\n"
      "0 write(4, \"a\\\"b\\\\c\\n\\t\\x00\\xffz\"..., 9) = 9\n"
      "0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0\n"
      "0 getsockopt(3, SOL_TCP, TCP_NOTSENT_LOWAT, [0xffffffff], [4]) = 0\n"
      "0 pipe([5, 6]) = 0\n"
      "0 writev(4, [{..., 10}, {..., 20}], 2) = 30\n"
      "0 epoll_wait(5, [{events=EPOLLIN|EPOLLET, u64=12}], 1, 0) = 1\n",
      // Comments everywhere, blank lines, a comment inside a call.
      "// head\n\n--x=1 // x\n/* i */ `init` // i\n\n// e\n"
      "0 f(1, // in\n 2) = 0 /* t */ // u\n\n\n+0 g() = 0\n"
      "/* c */\n`cleanup` /* multi\nline */\n// end\n\n/* end */\n",
  };
  for (const char* text : scripts) RoundTrips(text, text);
}

}  // namespace
}  // namespace synack::grammar
