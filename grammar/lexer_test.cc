// Tokenization traps of the .pkt language, token by token.
#include "grammar/lexer.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace synack::grammar {
namespace {

// Tokens as `kind:text`, separated by blanks; `|` marks a line start.
std::string Tokens(std::string_view text) {
  Lexer lexer(text);
  std::string out;
  for (int i = 0; i < 1000; ++i) {
    Token token = lexer.Next();
    if (token.kind == TokenKind::kEnd) break;
    if (!out.empty()) out += " ";
    if (token.first_on_line && !out.empty()) out += "| ";
    switch (token.kind) {
      case TokenKind::kInteger:
        out += (token.hex ? "hex:" : "int:") + std::to_string(token.integer);
        break;
      case TokenKind::kFloat: out += "float:" + std::string(token.text); break;
      case TokenKind::kWord: out += "word:" + std::string(token.text); break;
      case TokenKind::kAlnum: out += "alnum:" + std::string(token.text); break;
      case TokenKind::kString: out += "str:" + EscapeText(token.value); break;
      case TokenKind::kCommand: out += "cmd:" + EscapeText(token.value); break;
      case TokenKind::kCode: out += "code:" + EscapeText(token.value); break;
      case TokenKind::kOption:
        out += "opt:" + token.value +
               (token.option_value ? "=" + *token.option_value : "");
        break;
      case TokenKind::kError: out += "error:" + token.value; break;
      default: out += std::string(token.text);
    }
  }
  return out;
}

struct LexCase {
  const char* input;
  const char* tokens;
};

TEST(LexerTest, Table) {
  const LexCase cases[] = {
      {"+0...0.200 accept", "+ int:0 ... float:0.200 word:accept"},
      {"+.1...0.2", "+ float:.1 ... float:0.2"},
      {"0.", "int:0 ."},
      {"1.5 .1 0.200", "float:1.5 float:.1 float:0.200"},
      {"S. 0:0(0)", "word:S . int:0 : int:0 ( int:0 )"},
      {"P. 1:1001(1000)", "word:P . int:1 : int:1001 ( int:1000 )"},
      {"< . 1:1(0)", "< . int:1 : int:1 ( int:0 )"},
      {"5001>8080 S", "int:5001 > int:8080 word:S"},
      {"+1~+2", "+ int:1 ~ + int:2"},
      {"0x1F -1", "hex:31 - int:1"},
      {"1234abcd ect01", "alnum:1234abcd word:ect01"},
      {"\"a\\x41\\n\\\"\"...", "str:aA\\n\\\" ..."},
      {"`echo 1\necho 2`", "cmd:echo 1\\necho 2"},
      {"%{ x = 1 }%", "code: x = 1 "},
      {"--tolerance_usecs=10000 // c", "opt:tolerance_usecs=10000"},
      {"--local_ip=fd::1", "opt:local_ip=fd::1"},
      {"--strict_segments\n0", "opt:strict_segments | int:0"},
      {"--define=X=\"a b\"", "opt:define=X=\"a b\""},
      {"--name=\"quoted\"", "opt:name=quoted"},
      {"a /* x\ny */ b // z\nc", "word:a | word:b | word:c"},
      {"{sa_family=AF_INET}", "{ word:sa_family = word:AF_INET }"},
      {"A|B", "word:A | word:B"},
      {"\"abc", "error:unterminated string"},
      {"`abc", "error:unterminated command: no closing '`'"},
      {"%{ abc", "error:unterminated code block: no closing '}%'"},
      {"/* abc", "error:unterminated comment"},
      {"99999999999999999999",
       "error:integer out of range: '99999999999999999999'"},
      {"18446744073709551615", "int:18446744073709551615"},
      {"\xc3\xa9 x", "error:unexpected non-ASCII byte 0xc3 word:x"},
      {"$", "error:unexpected character '$'"},
      {"1.5x", "error:malformed number '1.5x'"},
  };
  for (const LexCase& c : cases) {
    EXPECT_EQ(Tokens(c.input), c.tokens) << "input: " << c.input;
  }
}

TEST(LexerTest, LocationsAreOneBasedLineAndColumn) {
  Lexer lexer("a\n  bc\tdef");
  Token a = lexer.Next();
  Token bc = lexer.Next();
  Token def = lexer.Next();
  EXPECT_EQ(a.loc, (Location{1, 1}));
  EXPECT_EQ(bc.loc, (Location{2, 3}));
  EXPECT_EQ(bc.end_loc, (Location{2, 5}));
  EXPECT_EQ(def.loc, (Location{2, 6}));
  EXPECT_TRUE(a.first_on_line);
  EXPECT_TRUE(bc.first_on_line);
  EXPECT_FALSE(def.first_on_line);
}

TEST(LexerTest, SpecialModes) {
  {
    // An IPv6 address swallows the ':' ending an outer header only when the
    // address is invalid with it.
    Lexer lexer("fd3d::1 > fd3d::2: x");
    Token src = lexer.Next(LexMode::kIpv6Address);
    EXPECT_EQ(src.kind, TokenKind::kRaw);
    EXPECT_EQ(src.value, "fd3d::1");
    EXPECT_EQ(lexer.Next().kind, TokenKind::kGreater);
    Token dst = lexer.Next(LexMode::kIpv6Address);
    EXPECT_EQ(dst.value, "fd3d::2");
    EXPECT_EQ(lexer.Next().kind, TokenKind::kColon);
  }
  {
    Lexer lexer("2001:db8:::");
    EXPECT_EQ(lexer.Next(LexMode::kIpv6Address).value, "2001:db8::");
    EXPECT_EQ(lexer.Next().kind, TokenKind::kColon);
  }
  {
    Lexer lexer("::ffff:192.0.2.1");
    EXPECT_EQ(lexer.Next(LexMode::kIpv6Address).value, "::ffff:192.0.2.1");
  }
  {
    Lexer lexer("192.168.0.1 > 10.0.0.1:");
    EXPECT_EQ(lexer.Next(LexMode::kIpv4Address).value, "192.168.0.1");
  }
  {
    Lexer lexer("000102030405060708090a0b0c0d0e0f,nop");
    Token blob = lexer.Next(LexMode::kHexBlob);
    EXPECT_EQ(blob.kind, TokenKind::kRaw);
    EXPECT_EQ(blob.value, "000102030405060708090a0b0c0d0e0f");
    EXPECT_EQ(lexer.Next().kind, TokenKind::kComma);
  }
  {
    Lexer lexer(" Operation now  in progress ) x");
    EXPECT_EQ(lexer.Next(LexMode::kNote).value, "Operation now  in progress");
    EXPECT_EQ(lexer.Next().kind, TokenKind::kRParen);
  }
  {
    // Nothing matches the mode: the normal token, so callers can report it.
    Lexer lexer(" > x");
    EXPECT_EQ(lexer.Next(LexMode::kHexBlob).kind, TokenKind::kGreater);
  }
}

TEST(LexerTest, SeekRereadsFromAnOffset) {
  Lexer lexer("ab\ncd ef");
  lexer.Next();
  Token cd = lexer.Next();
  lexer.Next();
  lexer.Seek(cd.offset, cd.loc);
  Token again = lexer.Next();
  EXPECT_EQ(again.text, "cd");
  EXPECT_EQ(again.loc, (Location{2, 1}));
}

TEST(LexerTest, SkippedCommentsAreHandedOver) {
  const std::string text = "a // one  \t\r\n/* two\nlines */ b /**/ c //\n";
  Lexer lexer(text);
  while (lexer.Next().kind != TokenKind::kEnd) {
  }
  std::vector<LexedComment> comments = lexer.TakeComments(text.size());
  ASSERT_EQ(comments.size(), 4u);
  EXPECT_EQ(comments[0].text, "// one");  // trailing blanks dropped
  EXPECT_EQ(comments[0].loc, (Location{1, 3}));
  EXPECT_EQ(comments[0].offset, 2u);
  EXPECT_EQ(comments[0].end, 8u);
  EXPECT_EQ(comments[1].text, "/* two\nlines */");
  EXPECT_EQ(comments[1].loc, (Location{2, 1}));
  EXPECT_EQ(comments[2].text, "/**/");
  EXPECT_EQ(comments[3].text, "//");
  EXPECT_TRUE(lexer.TakeComments(text.size()).empty());  // taken once
}

TEST(LexerTest, TakeCommentsStopsAtTheOffset) {
  Lexer lexer("// a\nx // b\ny");
  lexer.Next();
  Token y = lexer.Next();
  std::vector<LexedComment> first = lexer.TakeComments(5);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].text, "// a");
  std::vector<LexedComment> rest = lexer.TakeComments(y.offset);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].text, "// b");
}

TEST(LexerTest, SeekForgetsCommentsItWillSkipAgain) {
  Lexer lexer("a /* x */ b");
  Token a = lexer.Next();
  lexer.Next();  // skips the comment
  lexer.Seek(a.end, a.end_loc);
  lexer.Next();  // skips it again
  std::vector<LexedComment> comments = lexer.TakeComments(100);
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_EQ(comments[0].text, "/* x */");
}

TEST(LexerTest, NotesHoldNoComments) {
  Lexer lexer("(see http://x) // c");
  lexer.Next();  // (
  Token note = lexer.Next(LexMode::kNote);
  EXPECT_EQ(note.value, "see http://x");
  lexer.Next();  // )
  lexer.Next();
  std::vector<LexedComment> comments = lexer.TakeComments(100);
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_EQ(comments[0].text, "// c");
}

}  // namespace
}  // namespace synack::grammar
