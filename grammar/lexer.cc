// The .pkt tokenizer: numbers, words, punctuation, strings, commands, code
// blocks and option lines, plus the special modes the parser asks for.
#include "grammar/lexer.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>

#include "re2/re2.h"

namespace synack::grammar {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Accumulates digits into a uint64, reporting overflow.
bool AccumulateDigits(std::string_view digits, unsigned base, uint64_t* out) {
  uint64_t value = 0;
  for (char c : digits) {
    uint64_t digit = static_cast<uint64_t>(HexValue(c));
    if (value > (UINT64_MAX - digit) / base) return false;
    value = value * base + digit;
  }
  *out = value;
  return true;
}

bool ValidAddress(int family, const std::string& text) {
  unsigned char buffer[16];
  return inet_pton(family, text.c_str(), buffer) == 1;
}

}  // namespace

Lexer::Lexer(std::string_view text) : text_(text) {}

char Lexer::Peek(size_t ahead) const {
  return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
}

Location Lexer::Here() const {
  return Location{line_, static_cast<int>(pos_ - line_start_) + 1};
}

void Lexer::Advance() {
  if (AtEnd()) return;
  if (text_[pos_] == '\n') {
    ++line_;
    line_start_ = pos_ + 1;
  }
  ++pos_;
}

void Lexer::Seek(size_t offset, Location loc) {
  pos_ = offset <= text_.size() ? offset : text_.size();
  line_ = loc.line;
  size_t back = loc.column > 0 ? static_cast<size_t>(loc.column - 1) : 0;
  line_start_ = pos_ >= back ? pos_ - back : 0;
  newline_seen_ = false;
  while (!comments_.empty() && comments_.back().offset >= pos_) {
    comments_.pop_back();
  }
}

std::vector<LexedComment> Lexer::TakeComments(size_t offset) {
  auto first_kept = std::find_if(comments_.begin(), comments_.end(),
                                 [offset](const LexedComment& comment) {
                                   return comment.offset >= offset;
                                 });
  std::vector<LexedComment> taken(comments_.begin(), first_kept);
  comments_.erase(comments_.begin(), first_kept);
  return taken;
}

Token Lexer::Make(TokenKind kind, size_t start, Location start_loc) {
  Token token;
  token.kind = kind;
  token.loc = start_loc;
  token.offset = start;
  token.end = pos_;
  token.end_loc = Here();
  token.text = text_.substr(start, pos_ - start);
  token.first_on_line = newline_seen_;
  newline_seen_ = false;
  return token;
}

Token Lexer::MakeError(size_t start, Location start_loc, std::string message,
                       std::string hint) {
  Token token = Make(TokenKind::kError, start, start_loc);
  token.value = std::move(message);
  token.hint = std::move(hint);
  return token;
}

std::optional<Token> Lexer::SkipSpace() {
  while (!AtEnd()) {
    char c = Peek();
    if (c == '\n') {
      newline_seen_ = true;
      Advance();
    } else if (IsBlank(c)) {
      Advance();
    } else if (c == '/' && Peek(1) == '/') {
      size_t start = pos_;
      Location start_loc = Here();
      while (!AtEnd() && Peek() != '\n') Advance();
      size_t end = pos_;
      while (IsBlank(text_[end - 1])) --end;  // the `//` stops this
      comments_.push_back({start_loc, start, end,
                           text_.substr(start, end - start)});
    } else if (c == '/' && Peek(1) == '*') {
      size_t start = pos_;
      Location start_loc = Here();
      Advance();
      Advance();
      while (!AtEnd() && !(Peek() == '*' && Peek(1) == '/')) {
        if (Peek() == '\n') newline_seen_ = true;
        Advance();
      }
      if (AtEnd()) {
        return MakeError(start, start_loc, "unterminated comment",
                         "close it with '*/'");
      }
      Advance();
      Advance();
      comments_.push_back({start_loc, start, pos_,
                           text_.substr(start, pos_ - start)});
    } else {
      break;
    }
  }
  return std::nullopt;
}

Token Lexer::Next(LexMode mode) {
  if (mode == LexMode::kNote) {
    // A note is free text on the rest of the line: comments are not
    // comments there, so do not skip them.
    while (!AtEnd() && IsBlank(Peek())) Advance();
  } else if (std::optional<Token> error = SkipSpace()) {
    return *error;
  }
  size_t start = pos_;
  Location start_loc = Here();
  if (mode != LexMode::kNormal) {
    Token special = LexSpecial(mode);
    if (special.kind != TokenKind::kEnd) return special;
    // Nothing matched the special form: read a normal token so the parser
    // can say what it found.
    pos_ = start;
    if (mode == LexMode::kNote) {
      if (std::optional<Token> error = SkipSpace()) return *error;
      start = pos_;
      start_loc = Here();
    }
  }
  if (AtEnd()) return Make(TokenKind::kEnd, start, start_loc);

  char c = Peek();
  if (IsDigit(c)) return LexNumber(start, start_loc);
  if (c == '.') {
    if (Peek(1) == '.' && Peek(2) == '.') {
      pos_ += 3;
      return Make(TokenKind::kEllipsis, start, start_loc);
    }
    if (IsDigit(Peek(1))) return LexNumber(start, start_loc);
    Advance();
    return Make(TokenKind::kDot, start, start_loc);
  }
  if (IsAlpha(c)) return LexWord(start, start_loc);
  if (c == '"') return LexString(start, start_loc);
  if (c == '`') {
    return LexDelimited(start, start_loc, "`", "`", TokenKind::kCommand,
                        "command");
  }
  if (c == '%' && Peek(1) == '{') {
    return LexDelimited(start, start_loc, "%{", "}%", TokenKind::kCode,
                        "code block");
  }
  if (c == '-' && Peek(1) == '-' && IsAlpha(Peek(2))) {
    return LexOption(start, start_loc);
  }

  TokenKind kind;
  switch (c) {
    case '+': kind = TokenKind::kPlus; break;
    case '-': kind = TokenKind::kMinus; break;
    case '*': kind = TokenKind::kStar; break;
    case '~': kind = TokenKind::kTilde; break;
    case ':': kind = TokenKind::kColon; break;
    case ',': kind = TokenKind::kComma; break;
    case '=': kind = TokenKind::kEqual; break;
    case '|': kind = TokenKind::kPipe; break;
    case '<': kind = TokenKind::kLess; break;
    case '>': kind = TokenKind::kGreater; break;
    case '(': kind = TokenKind::kLParen; break;
    case ')': kind = TokenKind::kRParen; break;
    case '[': kind = TokenKind::kLBracket; break;
    case ']': kind = TokenKind::kRBracket; break;
    case '{': kind = TokenKind::kLBrace; break;
    case '}': kind = TokenKind::kRBrace; break;
    default: {
      unsigned char byte = static_cast<unsigned char>(c);
      if (byte >= 0x80) {
        // One error for a whole UTF-8 sequence, not one per byte.
        Advance();
        while (!AtEnd() &&
               (static_cast<unsigned char>(Peek()) & 0xC0) == 0x80) {
          Advance();
        }
        char buffer[8];
        std::snprintf(buffer, sizeof(buffer), "0x%02x", byte);
        return MakeError(start, start_loc,
                         std::string("unexpected non-ASCII byte ") + buffer,
                         "non-ASCII text belongs in comments, strings, "
                         "commands and code blocks");
      }
      Advance();
      if (byte < 0x20 || byte == 0x7f) {
        char buffer[8];
        std::snprintf(buffer, sizeof(buffer), "0x%02x", byte);
        return MakeError(start, start_loc,
                         std::string("unexpected control byte ") + buffer);
      }
      return MakeError(start, start_loc,
                       std::string("unexpected character '") + c + "'");
    }
  }
  Advance();
  return Make(kind, start, start_loc);
}

Token Lexer::LexNumber(size_t start, Location start_loc) {
  // 0x7b, 123, 1.5, .1; a digit-led run with letters is kAlnum (a hex blob
  // such as a Fast Open cookie 1234abcd).
  if (Peek() == '0' && (Peek(1) == 'x' || Peek(1) == 'X') &&
      IsHexDigit(Peek(2))) {
    Advance();
    Advance();
    size_t digits = pos_;
    while (IsHexDigit(Peek())) Advance();
    if (IsAlnum(Peek())) {
      while (IsAlnum(Peek())) Advance();
      return Make(TokenKind::kAlnum, start, start_loc);
    }
    uint64_t value = 0;
    if (!AccumulateDigits(text_.substr(digits, pos_ - digits), 16, &value)) {
      return MakeError(start, start_loc,
                       "integer out of range: '" +
                           std::string(text_.substr(start, pos_ - start)) + "'",
                       "integers must fit in 64 bits");
    }
    Token token = Make(TokenKind::kInteger, start, start_loc);
    token.integer = value;
    token.hex = true;
    return token;
  }
  while (IsDigit(Peek())) Advance();
  if (Peek() == '.' && IsDigit(Peek(1))) {
    Advance();
    while (IsDigit(Peek())) Advance();
    if (IsAlnum(Peek())) {
      while (IsAlnum(Peek())) Advance();
      return MakeError(start, start_loc,
                       "malformed number '" +
                           std::string(text_.substr(start, pos_ - start)) +
                           "'");
    }
    return Make(TokenKind::kFloat, start, start_loc);
  }
  if (IsAlnum(Peek())) {
    while (IsAlnum(Peek())) Advance();
    return Make(TokenKind::kAlnum, start, start_loc);
  }
  uint64_t value = 0;
  if (!AccumulateDigits(text_.substr(start, pos_ - start), 10, &value)) {
    return MakeError(start, start_loc,
                     "integer out of range: '" +
                         std::string(text_.substr(start, pos_ - start)) + "'",
                     "integers must fit in 64 bits");
  }
  Token token = Make(TokenKind::kInteger, start, start_loc);
  token.integer = value;
  return token;
}

Token Lexer::LexWord(size_t start, Location start_loc) {
  while (IsAlnum(Peek())) Advance();
  Token token = Make(TokenKind::kWord, start, start_loc);
  token.value = std::string(token.text);
  return token;
}

Token Lexer::LexString(size_t start, Location start_loc) {
  Advance();  // the opening quote
  std::string value;
  for (;;) {
    if (AtEnd() || Peek() == '\n') {
      return MakeError(start, start_loc, "unterminated string",
                       "close it with '\"' on the same line");
    }
    char c = Peek();
    Advance();
    if (c == '"') break;
    if (c != '\\') {
      value += c;
      continue;
    }
    if (AtEnd() || Peek() == '\n') {
      return MakeError(start, start_loc, "unterminated string",
                       "close it with '\"' on the same line");
    }
    char e = Peek();
    Advance();
    switch (e) {
      case 'n': value += '\n'; break;
      case 't': value += '\t'; break;
      case 'r': value += '\r'; break;
      case 'a': value += '\a'; break;
      case 'b': value += '\b'; break;
      case 'f': value += '\f'; break;
      case 'v': value += '\v'; break;
      case 'x': {
        int v = 0, n = 0;
        while (n < 2 && IsHexDigit(Peek())) {
          v = v * 16 + HexValue(Peek());
          Advance();
          ++n;
        }
        if (n == 0) {
          value += 'x';  // `\x` without digits: keep the letter
        } else {
          value += static_cast<char>(v);
        }
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int v = e - '0', n = 1;
          while (n < 3 && Peek() >= '0' && Peek() <= '7') {
            v = v * 8 + (Peek() - '0');
            Advance();
            ++n;
          }
          value += static_cast<char>(v & 0xff);
        } else {
          value += e;  // \" \\ \' \? and anything else: the character itself
        }
    }
  }
  Token token = Make(TokenKind::kString, start, start_loc);
  token.value = std::move(value);
  return token;
}

Token Lexer::LexDelimited(size_t start, Location start_loc,
                          std::string_view open, std::string_view close,
                          TokenKind kind, std::string_view what) {
  for (size_t i = 0; i < open.size(); ++i) Advance();
  size_t body = pos_;
  size_t found = text_.find(close, pos_);
  if (found == std::string_view::npos) {
    while (!AtEnd()) Advance();
    return MakeError(start, start_loc,
                     "unterminated " + std::string(what) + ": no closing '" +
                         std::string(close) + "'",
                     "close it with '" + std::string(close) + "'");
  }
  while (pos_ < found + close.size()) Advance();
  Token token = Make(kind, start, start_loc);
  token.value = std::string(text_.substr(body, found - body));
  return token;
}

Token Lexer::LexOption(size_t start, Location start_loc) {
  Advance();
  Advance();
  size_t name = pos_;
  while (IsAlnum(Peek()) || Peek() == '-') Advance();
  std::string option_name(text_.substr(name, pos_ - name));
  std::optional<std::string> value;
  if (Peek() == '=') {
    Advance();
    size_t value_start = pos_;
    // The value is one blank-free run; quoted and backquoted parts may hold
    // blanks (`--define=X="a b"`).
    while (!AtEnd() && !IsBlank(Peek()) && Peek() != '\n') {
      char quote = Peek();
      Advance();
      if (quote == '"' || quote == '`') {
        while (!AtEnd() && Peek() != quote && Peek() != '\n') Advance();
        if (Peek() != quote) {
          return MakeError(start, start_loc,
                           std::string("unterminated quote in option value"),
                           std::string("close it with '") + quote + "'");
        }
        Advance();
      }
    }
    std::string raw(text_.substr(value_start, pos_ - value_start));
    if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"' &&
        raw.find('"', 1) == raw.size() - 1) {
      raw = raw.substr(1, raw.size() - 2);
    }
    value = std::move(raw);
  }
  Token token = Make(TokenKind::kOption, start, start_loc);
  token.value = std::move(option_name);
  token.option_value = std::move(value);
  return token;
}

Token Lexer::LexSpecial(LexMode mode) {
  size_t start = pos_;
  Location start_loc = Here();
  Token none;  // kind kEnd: "nothing matched"
  switch (mode) {
    case LexMode::kNormal: return none;
    case LexMode::kHexBlob: {
      while (IsAlnum(Peek())) Advance();
      if (pos_ == start) return none;
      Token token = Make(TokenKind::kRaw, start, start_loc);
      token.value = std::string(token.text);
      return token;
    }
    case LexMode::kIpv4Address:
    case LexMode::kIpv6Address: {
      // re2 finds the longest address-shaped run; inet_pton decides whether
      // it is an address. An IPv6 run may swallow the ':' that ends an
      // encapsulation prefix (`fd::1 > fd::2:`): give it back when the
      // address is valid without it.
      static constexpr char kIpv4[] = R"(^(\d+\.\d+\.\d+\.\d+))";
      static constexpr char kIpv6[] =
          R"(^([0-9A-Fa-f]*:[0-9A-Fa-f:]*(?:\d+\.\d+\.\d+\.\d+)?))";
      bool v4 = mode == LexMode::kIpv4Address;
      RE2::Options options;
      options.set_longest_match(true);
      RE2 pattern(v4 ? kIpv4 : kIpv6, options);
      std::string_view rest = text_.substr(pos_);
      std::string match;
      if (!RE2::PartialMatch(rest, pattern, &match)) return none;
      if (!v4 && match.size() > 1 && match.back() == ':' &&
          !ValidAddress(AF_INET6, match) &&
          ValidAddress(AF_INET6, match.substr(0, match.size() - 1))) {
        match.pop_back();
      }
      for (size_t i = 0; i < match.size(); ++i) Advance();
      Token token = Make(TokenKind::kRaw, start, start_loc);
      token.value = match;
      return token;
    }
    case LexMode::kNote: {
      while (!AtEnd() && Peek() != ')' && Peek() != '\n') Advance();
      if (Peek() != ')') {
        return MakeError(start, start_loc, "unterminated note: no closing ')'",
                         "a note is '(free text)' on one line");
      }
      size_t end = pos_;
      while (end > start && IsBlank(text_[end - 1])) --end;
      Token token = Make(TokenKind::kRaw, start, start_loc);
      token.value = std::string(text_.substr(start, end - start));
      return token;
    }
    case LexMode::kUntilColon: {
      while (!AtEnd() && Peek() != ':' && Peek() != '\n') Advance();
      if (Peek() != ':') {
        pos_ = start;
        return none;
      }
      size_t end = pos_;
      while (end > start && IsBlank(text_[end - 1])) --end;
      Token token = Make(TokenKind::kRaw, start, start_loc);
      token.value = std::string(text_.substr(start, end - start));
      return token;
    }
  }
  return none;
}

std::string EscapeText(std::string_view text) {
  std::string out;
  for (char c : text) {
    unsigned char byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (byte < 0x20 || byte >= 0x7f) {
          char buffer[8];
          std::snprintf(buffer, sizeof(buffer), "\\x%02x", byte);
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace synack::grammar
