// The .pkt tokenizer: script text in, one token at a time out, each with its
// 1-based line and column. Reentrant: all state lives in the Lexer object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/ast.h"

namespace synack::grammar {

enum class TokenKind {
  kEnd,      // end of the text
  kError,    // a lexical error; `value` holds the message, `hint` a hint
  kInteger,  // 123 or 0x7b; `integer` holds the value, `hex` the spelling
  kFloat,    // 1.5, .1, 0.200 (times only)
  kWord,     // [A-Za-z_][A-Za-z0-9_]*
  kAlnum,    // a digit-led run with letters (1234abcd): only hex blobs take it
  kString,   // "..."; `value` holds the unescaped text
  kCommand,  // `...`; `value` holds the text between the backquotes
  kCode,     // %{ ... }%; `value` holds the text between the markers
  kOption,   // --name[=value]; `value` holds the name, `option_value` the value
  kRaw,      // text scanned in a special mode (hex blob, note, address, ...)
  kPlus,
  kMinus,
  kStar,
  kTilde,
  kEllipsis,
  kDot,
  kColon,
  kComma,
  kEqual,
  kPipe,
  kLess,
  kGreater,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  Location loc;
  Location end_loc;  // just past the last character
  size_t offset = 0;
  size_t end = 0;
  // The first token on its line: events start there, and error recovery
  // skips to such a token.
  bool first_on_line = false;
  std::string_view text;  // the spelling, as in the source
  std::string value;
  std::string hint;
  std::optional<std::string> option_value;
  uint64_t integer = 0;
  bool hex = false;
};

// How to read the next token. Most of the language is read in kNormal; a few
// spots hold text the normal rules would split or reject.
enum class LexMode {
  kNormal,
  kHexBlob,      // [A-Za-z0-9_]+ : md5 digests and Fast Open cookies
  kIpv4Address,  // 192.0.2.1
  kIpv6Address,  // fd3d::1 (a trailing ':' is left for the parser)
  kNote,         // free text up to the next ')' on the same line
  kUntilColon,   // free text up to the next ':' on the same line (GRE, MPLS)
};

// A comment the lexer skipped, for the parser to attach to the tree.
struct LexedComment {
  Location loc;
  size_t offset = 0;
  size_t end = 0;
  std::string_view text;  // as written; a `//` comment without trailing blanks
};

class Lexer {
 public:
  explicit Lexer(std::string_view text);

  Token Next(LexMode mode = LexMode::kNormal);

  // Resumes scanning at `offset`, which is at `loc`: how the parser re-reads
  // text in a special mode after looking at it in kNormal. Comments skipped
  // at or after `offset` are forgotten: they will be skipped again.
  void Seek(size_t offset, Location loc);

  // Hands over, in source order, the comments skipped so far that start
  // before `offset`.
  std::vector<LexedComment> TakeComments(size_t offset);

  std::string_view text() const { return text_; }

 private:
  // Skips blanks and comments. Returns an error token for an unterminated
  // `/*` comment, otherwise nullopt.
  std::optional<Token> SkipSpace();
  Token Make(TokenKind kind, size_t start, Location start_loc);
  Token MakeError(size_t start, Location start_loc, std::string message,
                  std::string hint = "");
  void Advance();  // one byte, tracking line and column
  char Peek(size_t ahead = 0) const;
  bool AtEnd() const { return pos_ >= text_.size(); }
  Location Here() const;

  Token LexNumber(size_t start, Location start_loc);
  Token LexWord(size_t start, Location start_loc);
  Token LexString(size_t start, Location start_loc);
  Token LexDelimited(size_t start, Location start_loc, std::string_view open,
                     std::string_view close, TokenKind kind,
                     std::string_view what);
  Token LexOption(size_t start, Location start_loc);
  Token LexSpecial(LexMode mode);

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  bool newline_seen_ = true;  // since the last token
  std::vector<LexedComment> comments_;  // skipped, not yet taken
};

// A readable rendering of a byte string for messages and dumps: printable
// ASCII as is, `"` and `\` escaped, everything else as \n, \t or \xHH.
std::string EscapeText(std::string_view text);

}  // namespace synack::grammar
