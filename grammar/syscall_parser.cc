// Parsing system call lines and their expressions: integers, names, strings,
// `A|B`, arrays, calls and `{...}` structs, and the result, errno and note.
#include <string>
#include <utility>
#include <vector>

#include "grammar/parser_impl.h"

namespace synack::grammar {
namespace {

// Deep enough for any real struct (msghdr > cmsg > sock_extended_err is 4),
// shallow enough that a hostile `[[[[...` cannot exhaust the stack.
constexpr int kMaxDepth = 64;

ExprPtr MakeExpr(Location loc) {
  auto expr = std::make_unique<Expr>();
  expr->loc = loc;
  return expr;
}

}  // namespace

// `[...end] name(args) = result [ERRNO] [(note)]`.
bool Parser::ParseSyscall(SyscallEvent* syscall) {
  if (At(TokenKind::kEllipsis)) {
    Advance();
    int64_t end = 0;
    if (!ParseTime("the end time of the blocking call after '...'", &end)) {
      return false;
    }
    syscall->end_usecs = end;
    if (!At(TokenKind::kWord)) {
      return Fail("a system call after the blocking end time");
    }
  }
  syscall->name = std::string(tok_.text);
  syscall->name_loc = tok_.loc;
  Advance();
  if (!Expect(TokenKind::kLParen, "'(' after '" + syscall->name + "'")) {
    return false;
  }
  if (!ParseCallArgs(syscall->name, &syscall->args)) return false;
  if (!Expect(TokenKind::kEqual,
              "'=' and the result after '" + syscall->name + "(...)'",
              "write '= ...' to accept any result")) {
    return false;
  }
  if (!ParseExpr("a result after '='", /*allow_call=*/false,
                 &syscall->result)) {
    return false;
  }
  // The errno and the note belong to the result's line.
  if (At(TokenKind::kWord) && !AtLineEnd()) {
    syscall->errno_name = std::string(tok_.text);
    Advance();
  }
  if (At(TokenKind::kLParen) && !AtLineEnd()) {
    std::string note;
    if (!ParseNote(&note)) return false;
    syscall->note = std::move(note);
  }
  return true;
}

// `(Operation now in progress)`: free text, kept as written.
bool Parser::ParseNote(std::string* note) {
  Advance();  // '('
  Relex(LexMode::kNote);
  if (At(TokenKind::kRaw)) {
    *note = tok_.value;
    Advance();
  } else if (!At(TokenKind::kRParen)) {
    return Fail("the note text and ')'");
  }
  return Expect(TokenKind::kRParen, "')' after the note");
}

// After the '(': `)` or `expr, expr, ... )`.
bool Parser::ParseCallArgs(std::string_view callee,
                           std::vector<ExprPtr>* args) {
  if (At(TokenKind::kRParen)) {
    Advance();
    return true;
  }
  for (;;) {
    ExprPtr arg;
    std::string expected = args->empty() ? "an argument or ')' after '" +
                                               std::string(callee) + "('"
                                         : "an argument after ','";
    if (!ParseExpr(expected, /*allow_call=*/true, &arg)) return false;
    if (!ParseAssign(&arg)) return false;
    args->push_back(std::move(arg));
    if (At(TokenKind::kComma)) {
      Advance();
      continue;
    }
    if (At(TokenKind::kRParen)) {
      Advance();
      return true;
    }
    return Fail("',' or ')' after an argument of '" + std::string(callee) +
                "'");
  }
}

// An operand, or operands joined by `|`.
bool Parser::ParseExpr(std::string_view expected, bool allow_call,
                       ExprPtr* out) {
  if (depth_ >= kMaxDepth) {
    return Error(tok_.loc, "expression nested too deeply",
                 "at most " + std::to_string(kMaxDepth) + " levels");
  }
  ++depth_;
  ExprPtr first;
  bool ok = ParseOperand(expected, allow_call, &first);
  if (ok && At(TokenKind::kPipe)) {
    ExprPtr bit_or = MakeExpr(first->loc);
    BitOr node;
    node.operands.push_back(std::move(first));
    while (ok && At(TokenKind::kPipe)) {
      Advance();
      ExprPtr operand;
      ok = ParseOperand("a flag after '|'", allow_call, &operand);
      if (ok) node.operands.push_back(std::move(operand));
    }
    bit_or->node = std::move(node);
    first = std::move(bit_or);
  }
  --depth_;
  if (!ok) return false;
  *out = std::move(first);
  return true;
}

bool Parser::ParseOperand(std::string_view expected, bool allow_call,
                          ExprPtr* out) {
  ExprPtr expr = MakeExpr(tok_.loc);
  switch (tok_.kind) {
    case TokenKind::kEllipsis:
      expr->node = Ellipsis{};
      Advance();
      break;
    case TokenKind::kInteger:
    case TokenKind::kMinus: {
      bool negative = At(TokenKind::kMinus);
      if (negative) {
        Advance();
        if (!At(TokenKind::kInteger)) return Fail("a number after '-'");
      }
      // int64: a negative value reaches one further than a positive one.
      uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
      if (tok_.integer > limit) {
        return Error(expr->loc,
                     "integer out of range: '" +
                         std::string(negative ? "-" : "") +
                         std::string(tok_.text) + "'",
                     "integers must fit in 64 bits");
      }
      Integer integer;
      integer.hex = tok_.hex;
      integer.value = negative ? static_cast<int64_t>(0 - tok_.integer)
                               : static_cast<int64_t>(tok_.integer);
      expr->node = integer;
      Advance();
      break;
    }
    case TokenKind::kWord: {
      std::string name(tok_.text);
      Advance();
      if (allow_call && At(TokenKind::kLParen)) {
        Advance();
        Call call;
        call.name = name;
        if (!ParseCallArgs(name, &call.args)) return false;
        expr->node = std::move(call);
      } else {
        expr->node = Symbol{std::move(name)};
      }
      break;
    }
    case TokenKind::kString: {
      String string;
      string.value = tok_.value;
      Advance();
      // parser.y's string_sequence: adjacent literals are one string, as in
      // C ("re" "no" is "reno").
      while (At(TokenKind::kString)) {
        string.value += tok_.value;
        Advance();
      }
      if (At(TokenKind::kEllipsis)) {
        string.ellipsis = true;
        Advance();
      }
      expr->node = std::move(string);
      break;
    }
    case TokenKind::kLBracket: return ParseArray(out);
    case TokenKind::kLBrace: return ParseStruct(out);
    default: return Fail(expected);
  }
  *out = std::move(expr);
  return true;
}

// After a name read as an element or argument: `NAME=value` (parser.y's
// binary_expression `WORD '=' expression`). Inside `{...}` the same text is a
// field, which ParseStruct reads itself.
bool Parser::ParseAssign(ExprPtr* expr) {
  const auto* symbol = std::get_if<Symbol>(&(*expr)->node);
  if (!symbol || !At(TokenKind::kEqual)) return true;
  Assign assign;
  assign.name = symbol->name;
  Advance();  // '='
  if (!ParseExpr("a value after '" + assign.name + "='", /*allow_call=*/true,
                 &assign.value)) {
    return false;
  }
  (*expr)->node = std::move(assign);
  return true;
}

// `[]` or `[a, b, ...]`.
bool Parser::ParseArray(ExprPtr* out) {
  ExprPtr expr = MakeExpr(tok_.loc);
  Advance();  // '['
  Array array;
  if (At(TokenKind::kRBracket)) {
    Advance();
  } else {
    for (;;) {
      ExprPtr element;
      if (!ParseExpr(array.elements.empty() ? "an element or ']' after '['"
                                            : "an element after ','",
                     /*allow_call=*/true, &element)) {
        return false;
      }
      if (!ParseAssign(&element)) return false;
      array.elements.push_back(std::move(element));
      if (At(TokenKind::kComma)) {
        Advance();
        continue;
      }
      if (!Expect(TokenKind::kRBracket, "',' or ']' in the array")) {
        return false;
      }
      break;
    }
  }
  expr->node = std::move(array);
  *out = std::move(expr);
  return true;
}

// `{}`, `{a, b}`, `{name=value, call(x)=value, ...}`.
bool Parser::ParseStruct(ExprPtr* out) {
  ExprPtr expr = MakeExpr(tok_.loc);
  Advance();  // '{'
  // parser.y's mpls_stack_expression and '{' gre_header_expression '}':
  // setsockopt() values for packetdrill's own tunnel tests, which synack
  // has no tunnel device for.
  if (At(TokenKind::kLParen)) {
    return Error(expr->loc,
                 "MPLS label stack values ('{(label N, tc N, [S], ttl N)}') "
                 "are not supported");
  }
  Struct node;
  if (At(TokenKind::kRBrace)) {
    Advance();
  } else {
    for (;;) {
      Field field;
      ExprPtr first;
      if (!ParseExpr(node.fields.empty() ? "a field or '}' after '{'"
                                         : "a field after ','",
                     /*allow_call=*/true, &first)) {
        return false;
      }
      const auto* symbol = std::get_if<Symbol>(&first->node);
      if (node.fields.empty() && symbol && symbol->name == "flags" &&
          (At(TokenKind::kLBracket) || At(TokenKind::kInteger))) {
        return Error(expr->loc,
                     "GRE header values ('{flags [...], sum N, off N, key N, "
                     "seq N}') are not supported");
      }
      if (At(TokenKind::kEqual)) {
        bool named = std::holds_alternative<Symbol>(first->node) ||
                     std::holds_alternative<Call>(first->node);
        if (!named) {
          return Error(first->loc,
                       "a field name must be a name or a call such as "
                       "'msg_iov(1)'");
        }
        Advance();
        field.key = std::move(first);
        if (!ParseExpr("a value after '='", /*allow_call=*/true,
                       &field.value)) {
          return false;
        }
      } else {
        field.value = std::move(first);
      }
      node.fields.push_back(std::move(field));
      if (At(TokenKind::kComma)) {
        Advance();
        continue;
      }
      if (!Expect(TokenKind::kRBrace, "',' or '}' in the struct")) {
        return false;
      }
      break;
    }
  }
  expr->node = std::move(node);
  *out = std::move(expr);
  return true;
}

}  // namespace synack::grammar
