// `%{ python }%` blocks: the state each block sees is taken at the block's
// time (TCP_INFO of the current socket, the stack's counters); all blocks
// run at the end of the script in one python3 process, as in packetdrill,
// so names a block defines stay visible to later blocks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "grammar/ast.h"
#include "interpreter/backend.h"
#include "interpreter/socket_values.h"

namespace synack::interpreter {

// One block and what it sees.
struct CodeSnapshot {
  grammar::Location loc;  // the block's event; its code starts on this line
  std::string code;
  NamedValues values;     // the socket's (socket_values.h) and counters
};

struct CodeVerdict {
  bool ok = true;
  grammar::Location loc;  // the failing line
  std::string message;
};

// Runs every block in order in one `python` process. Each block first gets
// its snapshot's names, on top of the constants scripts compare with
// (TCPI_OPT_*, TCP_CA_*, TCP_ESTABLISHED, ...). The first block that raises
// fails the run: an AssertionError as "assertion failed: <line>", others
// with their exception name. With `server_fd` (a BlockServer's client_fd)
// a fork of that server runs them, and `python` only when it cannot. The
// blocks and their verdict pass through two files in `temp_dir` (empty:
// $TMPDIR, else /tmp), removed before it returns.
CodeVerdict RunCodeBlocks(const std::vector<CodeSnapshot>& blocks,
                          const std::string& python = "python3",
                          int server_fd = -1,
                          const std::string& temp_dir = "");

// The driver program, exposed for tests.
const char* PythonDriver();

}  // namespace synack::interpreter
