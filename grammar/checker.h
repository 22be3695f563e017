// The checking pass: meaning, not syntax. It resolves `-D` symbols and option
// lines, knows the system calls and constant names the interpreter supports,
// and reports every problem it finds, not only the first.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "grammar/ast.h"
#include "grammar/diagnostics.h"

namespace synack::grammar {

// `-D NAME=value` symbols from the command line.
using Defines = std::map<std::string, std::string>;

struct CheckOptions {
  Defines defines;
  // Outbound packets sketched as flags alone (`> S.`) are allowed: the
  // script is to be filled in by `synack run --update`.
  bool sketches = false;
};

// Checks `script` and resolves symbols in place: a Symbol named by a `-D`
// define becomes the define's value (Integer, String or Symbol as the value
// reads), so the interpreter sees no defines. Returns every diagnostic.
std::vector<Diagnostic> Check(Script& script, const CheckOptions& options);

// The integer value of a constant name the language knows (SOCK_STREAM,
// SOL_TCP, TCP_NODELAY, EPOLLIN, O_NONBLOCK, SIOCINQ, TCPI_OPT_SYN_DATA, ...),
// from the system headers.
std::optional<int64_t> LookupConstant(const std::string& name);

// The errno value of a name such as "EINPROGRESS".
std::optional<int> LookupErrno(const std::string& name);

// The command-line flags packetdrill accepts, which may also appear as option
// lines in a script (`--tolerance_usecs=10000`).
bool IsKnownOption(const std::string& name);

// The system calls the interpreter can run, with their argument counts.
struct SyscallInfo {
  std::string name;
  int min_args = 0;
  int max_args = 0;
};
const SyscallInfo* LookupSyscall(const std::string& name);

}  // namespace synack::grammar
