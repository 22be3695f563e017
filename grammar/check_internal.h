// What the checker's files share: the diagnostic sink and the per-concern
// checks that Check() (checker.cc) runs in script order.
#pragma once

#include <string>
#include <vector>

#include "grammar/ast.h"
#include "grammar/checker.h"
#include "grammar/diagnostics.h"

namespace synack::grammar {

// Collects diagnostics; the checks never stop at the first problem.
class Reporter {
 public:
  explicit Reporter(std::vector<Diagnostic>* out) : out_(out) {}
  void Error(Location loc, std::string message, std::string hint = "") {
    Add(Severity::kError, loc, std::move(message), std::move(hint));
  }
  void Warning(Location loc, std::string message, std::string hint = "") {
    Add(Severity::kWarning, loc, std::move(message), std::move(hint));
  }

 private:
  void Add(Severity severity, Location loc, std::string message,
           std::string hint) {
    out_->push_back(
        Diagnostic{severity, loc, std::move(message), std::move(hint)});
  }
  std::vector<Diagnostic>* out_;
};

// options.cc: a `--name=value` line names a known option with a valid value.
void CheckOptionLine(const OptionLine& option, Reporter& reporter);

// check_syscall.cc: resolves `-D` symbols in the call's expressions, then
// checks the call's name, argument count, constants, struct shapes and
// result.
void CheckSyscall(SyscallEvent& call, const Defines& defines,
                  Reporter& reporter);

// check_packet.cc: sequence ranges, option values, ICMP names, addresses;
// resolves `-D` symbols in TCP option cookies and ICMP codes. `at` is the
// event's location, since packet fields carry none of their own.
void CheckPacket(PacketEvent& packet, Location at, const CheckOptions& options,
                 Reporter& reporter);

}  // namespace synack::grammar
