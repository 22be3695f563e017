// File and pipe calls scripts use around sockets: open, pipe, splice,
// sendfile.
#include <array>
#include <memory>

#include "interpreter/syscall_handlers.h"

namespace synack::interpreter::syscalls {

namespace {

// An offset argument: NULL, or `[N]` (an int64 the call may update).
bool EvalOffset(const grammar::Expr& expr, Evaluator& eval,
                std::shared_ptr<int64_t>* out) {
  if (IsNull(expr) || IsEllipsis(expr)) {
    out->reset();
    return true;
  }
  std::optional<int64_t> value = eval.IntPointer(expr);
  if (!value) return false;
  *out = std::make_shared<int64_t>(*value);
  return true;
}

}  // namespace

bool Open(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv& env,
          PreparedCall* out) {
  const auto* path = std::get_if<grammar::String>(&call.args[0]->node);
  if (path == nullptr) {
    eval.Fail(*call.args[0], "expected a path string");
    return false;
  }
  std::optional<int64_t> flags = eval.Int(*call.args[1]);
  std::optional<int64_t> mode =
      call.args.size() > 2 ? eval.Int(*call.args[2]) : 0;
  if (!flags || !mode) return false;
  std::string full = path->value;
  if (!full.empty() && full[0] != '/' && !env.script_dir.empty()) {
    full = env.script_dir + "/" + full;
  }
  out->returns = PreparedCall::Returns::kNewFd;
  out->execute = [full, flags = static_cast<int>(*flags),
                  mode = static_cast<int>(*mode)](Syscalls& s) {
    return s.Open(full.c_str(), flags, mode);
  };
  return true;
}

bool Pipe(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
          PreparedCall* out) {
  const auto* array = std::get_if<grammar::Array>(&call.args[0]->node);
  if (array == nullptr || array->elements.size() != 2) {
    eval.Fail(*call.args[0], "expected the two script fds like [5, 6]");
    return false;
  }
  std::optional<int64_t> read_end = eval.Int(*array->elements[0]);
  std::optional<int64_t> write_end = eval.Int(*array->elements[1]);
  if (!read_end || !write_end) return false;
  auto fds = std::make_shared<std::array<int, 2>>();
  out->execute = [fds](Syscalls& s) { return s.Pipe(fds->data()); };
  out->after = [fds, r = static_cast<int>(*read_end),
                w = static_cast<int>(*write_end)](const SyscallResult& result,
                                                  CallEnv& env) -> std::string {
    if (result.ret != 0) return "";
    env.fds.Add(r, (*fds)[0], false);
    env.fds.Add(w, (*fds)[1], false);
    return "";
  };
  return true;
}

bool Splice(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
            PreparedCall* out) {
  std::optional<int> fd_in = eval.Fd(*call.args[0]);
  std::optional<int> fd_out = eval.Fd(*call.args[2]);
  std::optional<int64_t> len = eval.Int(*call.args[4]);
  std::optional<int64_t> flags = eval.Int(*call.args[5]);
  std::shared_ptr<int64_t> off_in, off_out;
  if (!fd_in || !fd_out || !len || !flags ||
      !EvalOffset(*call.args[1], eval, &off_in) ||
      !EvalOffset(*call.args[3], eval, &off_out)) {
    return false;
  }
  out->live_fd = *fd_in;
  out->execute = [=, fd_in = *fd_in, fd_out = *fd_out,
                  len = static_cast<size_t>(*len),
                  flags = static_cast<unsigned>(*flags)](Syscalls& s) {
    return s.Splice(fd_in, off_in.get(), fd_out, off_out.get(), len, flags);
  };
  return true;
}

bool Sendfile(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
              PreparedCall* out) {
  std::optional<int> out_fd = eval.Fd(*call.args[0]);
  std::optional<int> in_fd = eval.Fd(*call.args[1]);
  std::optional<int64_t> count = eval.Int(*call.args[3]);
  std::shared_ptr<int64_t> offset;
  if (!out_fd || !in_fd || !count ||
      !EvalOffset(*call.args[2], eval, &offset)) {
    return false;
  }
  out->live_fd = *out_fd;
  out->execute = [=, out_fd = *out_fd, in_fd = *in_fd,
                  count = static_cast<size_t>(*count)](Syscalls& s) {
    return s.Sendfile(out_fd, in_fd, offset.get(), count);
  };
  return true;
}

}  // namespace synack::interpreter::syscalls
