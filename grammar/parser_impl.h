// The recursive-descent parser behind Parse(): one method per construct.
// Internal to grammar/; the public entry point is grammar/parser.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/ast.h"
#include "grammar/diagnostics.h"
#include "grammar/lexer.h"
#include "grammar/parser.h"

namespace synack::grammar {

// Each Parse* method reads one construct starting at the current token. It
// returns true on success; on a syntax error it records one diagnostic and
// returns false, and the caller unwinds to the event loop, which skips to the
// next event (Synchronize) so every bad line gets its own report.
class Parser {
 public:
  explicit Parser(std::string_view text);
  ParseResult Run();

 private:
  // --- Tokens (parser.cc) ---
  void Advance();
  // Re-reads the text after the previous token in a special lexer mode.
  void Relex(LexMode mode);
  bool At(TokenKind kind) const { return tok_.kind == kind; }
  bool AtWord(std::string_view word) const;
  // The current token starts a new line (or the text ends): the end of an
  // event, since every event ends with its line.
  bool AtLineEnd() const;
  std::string Describe(const Token& token) const;
  // Records "expected <expected>, found <current token>" and returns false.
  // At a line break the error points just past the previous token.
  bool Fail(std::string_view expected, std::string hint = "");
  bool Error(Location loc, std::string message, std::string hint = "");
  bool Expect(TokenKind kind, std::string_view expected, std::string hint = "");
  // Reads an unsigned integer no larger than `max`; `what` names it in
  // messages ("window", "MSS").
  bool ParseUnsigned(uint64_t max, std::string_view what, uint64_t* out);
  template <typename T>
  bool ParseUnsignedAs(uint64_t max, std::string_view what, T* out) {
    uint64_t value = 0;
    if (!ParseUnsigned(max, what, &value)) return false;
    *out = static_cast<T>(value);
    return true;
  }
  void Synchronize();

  // --- Comments (parser.cc) ---
  // The comments and blank lines between the last line of the script read
  // and the current token, which starts the next line.
  CommentLines CommentsBefore();
  // At the end of a line of the script (the previous token ends it): appends
  // the comments inside the line to `before`, and returns the comments that
  // follow it on its last line.
  std::string CommentsOfLine(CommentLines* before);
  // Moves the comments the lexer skipped before the current token to
  // comments_.
  void CollectComments();
  // Appends a blank line to `lines` when the source has one between the last
  // line or comment read and `offset`.
  void AddBlankLine(size_t offset, CommentLines* lines) const;

  // --- Script structure and times (parser.cc) ---
  bool ParseOptionLine(OptionLine* option);
  bool ParseEvent(Event* event);
  bool ParseEventTime(EventTime* time);
  bool ParseTime(std::string_view expected, int64_t* usecs);
  bool ExpectLineEnd(std::string_view after);

  // --- Packets (packet_parser.cc) ---
  bool ParsePacket(PacketEvent* packet);
  bool ParseEncapsulation(Encapsulation* encapsulation);
  bool ParseAddress(bool ipv6, std::string_view expected, std::string* out);
  bool ParseIpInfo(IpInfo* info);
  bool ParsePortInfo(std::string_view hint, PortInfo* ports);
  bool ParseTcpPacket(TcpPacket* tcp);
  bool ParseTcpFlags(TcpFlags* flags);
  bool ParseSegment(uint32_t* start, uint32_t* end, uint32_t* length);
  bool ParseTcpOptions(TcpPacket* tcp);
  bool ParseTcpOption(TcpOption* option);
  bool ParseHexBlob(std::string_view option, bool required, std::string* out);
  bool ParseUdpPacket(UdpPacket* udp);
  bool ParseIcmpPacket(IcmpPacket* icmp);
  bool ParseIcmpEchoed(IcmpEchoed* echoed);

  // --- System calls and expressions (syscall_parser.cc) ---
  bool ParseSyscall(SyscallEvent* syscall);
  bool ParseCallArgs(std::string_view callee, std::vector<ExprPtr>* args);
  // `expected` names the expression in messages: "an argument", ...
  // `allow_call` is off for a result, where `= -1 ECONNRESET(...)` holds an
  // errno and a note, not a call.
  bool ParseExpr(std::string_view expected, bool allow_call, ExprPtr* out);
  bool ParseOperand(std::string_view expected, bool allow_call, ExprPtr* out);
  bool ParseArray(ExprPtr* out);
  bool ParseStruct(ExprPtr* out);
  bool ParseAssign(ExprPtr* expr);
  bool ParseAckAndAce(TcpFlags* flags);
  bool SetAce(char digit, const std::string& word, Location loc,
              TcpFlags* flags);
  bool ParseNote(std::string* note);

  Lexer lexer_;
  Token tok_;
  size_t prev_end_ = 0;
  Location prev_end_loc_{1, 1};
  bool have_prev_ = false;
  size_t event_offset_ = 0;  // where the construct being parsed starts
  int depth_ = 0;            // expression nesting, bounded
  std::vector<Diagnostic> diagnostics_;
  std::vector<LexedComment> comments_;  // skipped, not yet in the tree
  size_t mark_ = 0;    // the end of the last line or comment read
  bool marked_ = false;  // false at the start: no blank line goes first
};

}  // namespace synack::grammar
