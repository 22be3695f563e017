// The printer: a syntax tree in, its canonical .pkt text out. Parsing the
// output gives the same tree back (see Dump).
#pragma once

#include <string>

#include "grammar/ast.h"

namespace synack::grammar {

// The canonical form of a whole script: options, init command, one event per
// line with times aligned, cleanup command, each section after a blank line.
// Comments are kept in place, as written (see CommentLines in ast.h), and so
// are blank lines between lines of a section.
std::string Print(const Script& script);

// One event as Print writes its line: the time right-aligned, the action
// and the trailing comment, without a newline or the comments before it.
std::string PrintEventLine(const Event& event);

std::string PrintExpr(const Expr& expr);
std::string PrintEventTime(const EventTime& time);
std::string PrintPacket(const PacketEvent& packet);  // without the time
std::string PrintTcpOptions(const std::vector<TcpOption>& options);

}  // namespace synack::grammar
