// The parser's core: tokens and error recovery, the script's structure
// (option lines, init and cleanup commands, events) and event times.
#include "grammar/parser.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>

#include "grammar/parser_impl.h"

namespace synack::grammar {
namespace {

constexpr int64_t kUsecsPerSecond = 1000000;

// Tokens a line can start with when it starts an event: error recovery stops
// there. Words are not among them, since a multi-line system call continues
// on lines that start with one (`msg_iov(1)=[...]`).
bool StartsEvent(const Token& token) {
  switch (token.kind) {
    case TokenKind::kInteger:
    case TokenKind::kFloat:
    case TokenKind::kPlus:
    case TokenKind::kStar:
    case TokenKind::kCommand:
    case TokenKind::kCode:
    case TokenKind::kOption:
    case TokenKind::kLess:
    case TokenKind::kGreater:
    case TokenKind::kError: return true;
    default: return false;
  }
}

std::string Quote(std::string_view text) {
  constexpr size_t kMax = 32;
  if (text.size() > kMax) {
    return "'" + std::string(text.substr(0, kMax)) + "...'";
  }
  return "'" + std::string(text) + "'";
}

// Seconds as written (`1.5`, `.1`, `2`) to microseconds, without going
// through floating point; digits past the microsecond round half up.
bool SecondsToUsecs(std::string_view text, int64_t* usecs) {
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  int64_t seconds = 0;
  for (char c : whole) {
    if (seconds > (INT64_MAX / kUsecsPerSecond - 9) / 10) return false;
    seconds = seconds * 10 + (c - '0');
  }
  int64_t micros = 0;
  for (size_t i = 0; i < 6; ++i) {
    micros = micros * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  }
  if (fraction.size() > 6 && fraction[6] >= '5') ++micros;
  *usecs = seconds * kUsecsPerSecond + micros;
  return true;
}

}  // namespace

ParseResult Parse(std::string_view text) { return Parser(text).Run(); }

Parser::Parser(std::string_view text) : lexer_(text) {}

// ---------------------------------------------------------------------------
// Tokens.
// ---------------------------------------------------------------------------

void Parser::Advance() {
  prev_end_ = tok_.end;
  prev_end_loc_ = tok_.end_loc;
  have_prev_ = true;
  tok_ = lexer_.Next();
}

void Parser::Relex(LexMode mode) {
  lexer_.Seek(prev_end_, prev_end_loc_);
  tok_ = lexer_.Next(mode);
}

bool Parser::AtWord(std::string_view word) const {
  return tok_.kind == TokenKind::kWord && tok_.text == word;
}

bool Parser::AtLineEnd() const {
  return tok_.kind == TokenKind::kEnd || tok_.first_on_line;
}

std::string Parser::Describe(const Token& token) const {
  switch (token.kind) {
    case TokenKind::kEnd: return "end of file";
    case TokenKind::kString: return "string " + Quote(token.text);
    case TokenKind::kCommand: return "a command";
    case TokenKind::kCode: return "a code block";
    case TokenKind::kOption: return "option " + Quote(token.text);
    default: return Quote(token.text);
  }
}

bool Parser::Error(Location loc, std::string message, std::string hint) {
  Diagnostic diagnostic;
  diagnostic.severity = Severity::kError;
  diagnostic.loc = loc;
  diagnostic.message = std::move(message);
  diagnostic.hint = std::move(hint);
  diagnostics_.push_back(std::move(diagnostic));
  return false;
}

bool Parser::Fail(std::string_view expected, std::string hint) {
  // Something is missing at the end of a line: point past the last token
  // rather than at the start of the next line (whose own problems, if any,
  // are reported when it is parsed as the next event).
  bool at_break = tok_.kind == TokenKind::kEnd ||
                  (tok_.first_on_line && tok_.offset != event_offset_);
  if (at_break && have_prev_) {
    std::string found = tok_.kind == TokenKind::kEnd && !tok_.first_on_line
                            ? "end of file"
                            : "end of line";
    return Error(prev_end_loc_,
                 "expected " + std::string(expected) + ", found " + found,
                 std::move(hint));
  }
  if (tok_.kind == TokenKind::kError) {
    return Error(tok_.loc, tok_.value,
                 tok_.hint.empty() ? std::move(hint) : tok_.hint);
  }
  return Error(
      tok_.loc,
      "expected " + std::string(expected) + ", found " + Describe(tok_),
      std::move(hint));
}

bool Parser::Expect(TokenKind kind, std::string_view expected,
                    std::string hint) {
  if (!At(kind)) return Fail(expected, std::move(hint));
  Advance();
  return true;
}

bool Parser::ParseUnsigned(uint64_t max, std::string_view what, uint64_t* out) {
  if (!At(TokenKind::kInteger)) {
    return Fail("the " + std::string(what) + " (a number)");
  }
  if (tok_.integer > max) {
    return Error(tok_.loc, std::string(what) + " " + std::string(tok_.text) +
                               " out of range (0.." + std::to_string(max) +
                               ")");
  }
  *out = tok_.integer;
  Advance();
  return true;
}

void Parser::Synchronize() {
  while (!At(TokenKind::kEnd)) {
    if (tok_.first_on_line && tok_.offset != event_offset_ &&
        StartsEvent(tok_)) {
      return;
    }
    Advance();
  }
}

// ---------------------------------------------------------------------------
// Comments: kept in the tree for the printer.
// ---------------------------------------------------------------------------

void Parser::CollectComments() {
  for (LexedComment& comment : lexer_.TakeComments(tok_.offset)) {
    comments_.push_back(comment);
  }
}

void Parser::AddBlankLine(size_t offset, CommentLines* lines) const {
  if (!marked_ || offset < mark_) return;
  std::string_view gap = lexer_.text().substr(mark_, offset - mark_);
  bool blank = std::count(gap.begin(), gap.end(), '\n') >= 2;
  if (blank && (lines->empty() || !lines->back().empty())) {
    lines->emplace_back();
  }
}

CommentLines Parser::CommentsBefore() {
  CollectComments();
  CommentLines lines;
  for (const LexedComment& comment : comments_) {
    AddBlankLine(comment.offset, &lines);
    lines.emplace_back(comment.text);
    mark_ = comment.end;
    marked_ = true;
  }
  comments_.clear();
  // Blank lines at the end of the file are not kept.
  if (!At(TokenKind::kEnd)) AddBlankLine(tok_.offset, &lines);
  return lines;
}

std::string Parser::CommentsOfLine(CommentLines* before) {
  CollectComments();
  std::string_view text = lexer_.text();
  size_t taken = 0;
  // Inside the line (a multi-line system call): the printer writes the line
  // as one, so these go before it.
  while (taken < comments_.size() && comments_[taken].offset < prev_end_) {
    before->emplace_back(comments_[taken++].text);
  }
  std::string trailing;
  size_t end = prev_end_;
  while (taken < comments_.size() &&
         text.substr(end, comments_[taken].offset - end).find('\n') ==
             std::string_view::npos) {
    if (!trailing.empty()) trailing += ' ';
    trailing += comments_[taken].text;
    end = comments_[taken].end;
    ++taken;
  }
  comments_.erase(comments_.begin(),
                  comments_.begin() + static_cast<std::ptrdiff_t>(taken));
  mark_ = end;
  marked_ = true;
  return trailing;
}

// ---------------------------------------------------------------------------
// The script: options, init command, events, cleanup command.
// ---------------------------------------------------------------------------

ParseResult Parser::Run() {
  ParseResult result;
  Script& script = result.script;
  tok_ = lexer_.Next();

  while (At(TokenKind::kOption)) {
    event_offset_ = tok_.offset;
    OptionLine option;
    option.comments_before = CommentsBefore();
    if (ParseOptionLine(&option)) {
      option.trailing_comment = CommentsOfLine(&option.comments_before);
      script.options.push_back(std::move(option));
    } else {
      Synchronize();
    }
  }

  if (At(TokenKind::kCommand)) {
    event_offset_ = tok_.offset;
    script.init_comments_before = CommentsBefore();
    script.init_loc = tok_.loc;
    script.init_command = CommandEvent{tok_.value};
    Advance();
    if (ExpectLineEnd("the init command")) {
      script.init_trailing_comment =
          CommentsOfLine(&script.init_comments_before);
    } else {
      Synchronize();
    }
  }

  while (!At(TokenKind::kEnd)) {
    event_offset_ = tok_.offset;
    if (At(TokenKind::kOption)) {
      Error(tok_.loc,
            "option line " + Quote(tok_.text) +
                " after the first event or the init command",
            "option lines go at the top of the script");
      Advance();
      Synchronize();
      continue;
    }
    CommentLines comments = CommentsBefore();
    if (At(TokenKind::kCommand)) {
      // A command without a time is the cleanup command when nothing
      // follows it.
      Location loc = tok_.loc;
      std::string command = tok_.value;
      Advance();
      if (At(TokenKind::kEnd)) {
        script.cleanup_loc = loc;
        script.cleanup_command = CommandEvent{std::move(command)};
        script.cleanup_trailing_comment = CommentsOfLine(&comments);
        script.cleanup_comments_before = std::move(comments);
        break;
      }
      if (!AtLineEnd()) {
        ExpectLineEnd("the command");
      } else {
        Error(loc,
              "a command without a time must come before the first event or "
              "after the last one",
              "give it a time, e.g. '+0 `...`'");
      }
      Synchronize();
      continue;
    }
    Event event;
    event.comments_before = std::move(comments);
    if (ParseEvent(&event)) {
      event.trailing_comment = CommentsOfLine(&event.comments_before);
      script.events.push_back(std::move(event));
    } else {
      Synchronize();
    }
  }
  script.comments_at_end = CommentsBefore();

  result.diagnostics = std::move(diagnostics_);
  return result;
}

bool Parser::ParseOptionLine(OptionLine* option) {
  option->loc = tok_.loc;
  option->name = tok_.value;
  option->value = tok_.option_value;
  if (option->value && option->value->empty()) {
    return Error(
        tok_.end_loc,
        "expected a value after '=' in option '--" + option->name + "'" +
            ", found " +
            (tok_.end < lexer_.text().size() && lexer_.text()[tok_.end] != '\n'
                 ? std::string("a blank")
                 : std::string("end of line")),
        "write '--name=value' without blanks, or '--name'");
  }
  Advance();
  return true;
}

bool Parser::ExpectLineEnd(std::string_view after) {
  if (AtLineEnd()) return true;
  return Fail("end of line after " + std::string(after),
              "each event goes on its own line");
}

bool Parser::ParseEvent(Event* event) {
  event->loc = tok_.loc;
  if (!ParseEventTime(&event->time)) return false;

  if (At(TokenKind::kLess) || At(TokenKind::kGreater)) {
    PacketEvent packet;
    if (!ParsePacket(&packet)) return false;
    event->action = std::move(packet);
    return true;  // ParsePacket checks the line end itself
  }
  if (At(TokenKind::kEllipsis) || At(TokenKind::kWord)) {
    SyscallEvent syscall;
    if (!ParseSyscall(&syscall)) return false;
    event->action = std::move(syscall);
    return ExpectLineEnd("the system call");
  }
  if (At(TokenKind::kCommand)) {
    event->action = CommandEvent{tok_.value};
    Advance();
    return ExpectLineEnd("the command");
  }
  if (At(TokenKind::kCode)) {
    event->action = CodeEvent{tok_.value};
    Advance();
    return ExpectLineEnd("the code block");
  }
  return Fail(
      "a packet ('<' or '>'), a system call, a command or a code block after "
      "the event time");
}

// ---------------------------------------------------------------------------
// Event times: `0`, `1.5`, `+.1`, `*`, `1~2`, `+1~+2`.
// ---------------------------------------------------------------------------

bool Parser::ParseTime(std::string_view expected, int64_t* usecs) {
  if (!(At(TokenKind::kInteger) && !tok_.hex) && !At(TokenKind::kFloat)) {
    return Fail(expected);
  }
  if (!SecondsToUsecs(tok_.text, usecs)) {
    return Error(tok_.loc, "time " + Quote(tok_.text) + " out of range");
  }
  Advance();
  return true;
}

bool Parser::ParseEventTime(EventTime* time) {
  if (At(TokenKind::kStar)) {
    time->kind = TimeKind::kAny;
    Advance();
    return true;
  }
  Location start = tok_.loc;
  if (At(TokenKind::kPlus)) {
    Advance();
    if (!ParseTime("a time after '+'", &time->usecs)) return false;
    time->kind = TimeKind::kRelative;
    if (!At(TokenKind::kTilde)) return true;
    Advance();
    if (!At(TokenKind::kPlus)) {
      return Fail("'+' and the end of the relative time range after '~'",
                  "write a relative range as '+1~+2'");
    }
    Advance();
    if (!ParseTime("a time after '+'", &time->end_usecs)) return false;
    time->kind = TimeKind::kRelativeRange;
  } else if (At(TokenKind::kInteger) || At(TokenKind::kFloat)) {
    if (!ParseTime("an event time", &time->usecs)) return false;
    time->kind = TimeKind::kAbsolute;
    if (!At(TokenKind::kTilde)) return true;
    Advance();
    if (At(TokenKind::kPlus)) {
      return Fail("an absolute time after '~'",
                  "write an absolute range as '1~2'");
    }
    if (!ParseTime("the end of the time range after '~'", &time->end_usecs)) {
      return false;
    }
    time->kind = TimeKind::kRange;
  } else {
    return Fail("an event time (such as '0', '+0.1' or '*')",
                At(TokenKind::kWord)
                    ? "every event starts with a time, e.g. '+0 " +
                          std::string(tok_.text) + "(...)'"
                    : "");
  }
  if (time->end_usecs < time->usecs) {
    return Error(start, "time range ends before it starts");
  }
  return true;
}

}  // namespace synack::grammar
