// A `%{ }%` block as the runner hands it to RunCodeBlocks, for tests.
#pragma once

#include <string>
#include <utility>

#include "interpreter/python_blocks.h"

namespace synack::interpreter::testing {

// The block at `line` (column 4) with `code` and the values snapshotted
// for it.
inline CodeSnapshot Block(int line, std::string code,
                          NamedValues values = {}) {
  CodeSnapshot block;
  block.loc = {line, 4};
  block.code = std::move(code);
  block.values = std::move(values);
  return block;
}

}  // namespace synack::interpreter::testing
