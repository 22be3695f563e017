// A structural dump of the syntax tree, for tests: RE2's Dump() habit.
#pragma once

#include <string>

#include "grammar/ast.h"

namespace synack::grammar {

// A one-line-per-event dump that ignores locations and spelling-only details
// (hex vs decimal, `(...)` vs `[...]` IP info, whitespace), e.g.
//   0.000 syscall socket(..., sym:SOCK_STREAM, sym:IPPROTO_TCP) = int:3
//   +0.100 packet < ip(ecn=ect1) tcp S. 0:0(0) ack 1 win 320 <mss 1000,nop>
//   +0.000 syscall ...0.200 accept(int:3, ..., ...) = int:4
// Two trees are the same when their dumps are: the round-trip tests compare
// Dump(Parse(text)) with Dump(Parse(Print(Parse(text)))).
std::string Dump(const Script& script);
std::string Dump(const Event& event);
std::string Dump(const Expr& expr);

}  // namespace synack::grammar
