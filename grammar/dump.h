// A structural dump of the syntax tree, for tests: RE2's Dump() habit.
#pragma once

#include <string>

#include "grammar/ast.h"

namespace synack::grammar {

// A one-line-per-event dump that ignores locations and spelling-only details
// (hex vs decimal, `(...)` vs `[...]` IP info, whitespace), e.g.
//   syscall socket(ellipsis, sym:SOCK_STREAM, sym:IPPROTO_TCP) = int:3
// Two trees are the same when their dumps are: the round-trip tests compare
// Dump(Parse(text)) with Dump(Parse(Print(Parse(text)))).
std::string Dump(const Script& script);
std::string Dump(const Event& event);
std::string Dump(const Expr& expr);

}  // namespace synack::grammar
