// Data calls: read, readv, recv, recvfrom, recvmsg, write, writev, send,
// sendto, sendmsg.
#include <sys/socket.h>
#include <sys/uio.h>

#include <memory>

#include "grammar/printer.h"
#include "interpreter/cmsg.h"
#include "interpreter/syscall_handlers.h"

namespace synack::interpreter::syscalls {

namespace {

// The buffers behind a struct msghdr; `header` points into them, so a
// Message lives in one place (a shared_ptr) once linked.
struct Message {
  SocketAddress name;
  std::vector<Buffer> buffers;
  std::vector<iovec> iov;
  std::vector<uint8_t> control;
  int flags = 0;
  msghdr header{};

  void Link() {
    iov.clear();
    for (Buffer& buffer : buffers) {
      iov.push_back({buffer.data(), buffer.bytes.size()});
    }
    header = {};
    if (!name.null) {
      header.msg_name = name.get();
      header.msg_namelen = name.len;
    }
    header.msg_iov = iov.empty() ? nullptr : iov.data();
    header.msg_iovlen = iov.size();
    header.msg_control = control.empty() ? nullptr : control.data();
    header.msg_controllen = control.size();
    header.msg_flags = flags;
  }
};

struct IovecState {
  std::vector<Buffer> buffers;
  std::vector<iovec> iov;
  void Link() {
    iov.clear();
    for (Buffer& buffer : buffers) {
      iov.push_back({buffer.data(), buffer.bytes.size()});
    }
  }
};

// What a msghdr expects back from recvmsg(): flags and control messages.
struct MessageExpectations {
  const grammar::Expr* flags = nullptr;
  const grammar::Expr* control = nullptr;
};

bool EvalMessage(const grammar::Expr& expr, Evaluator& eval, bool to_send,
                 Message* message, MessageExpectations* expect) {
  const auto* record = std::get_if<grammar::Struct>(&expr.node);
  if (record == nullptr) {
    eval.Fail(expr, "expected a msghdr like {msg_name(...)=..., "
                    "msg_iov(1)=[{..., 100}], msg_flags=0}");
    return false;
  }
  // msg_name(...)=...: a connected TCP socket ignores the name unless the
  // call connects (MSG_FASTOPEN), where the remote address is what scripts
  // mean; recvmsg() gets room for the sender's address.
  message->name.null = true;
  if (const grammar::Field* name = FindField(*record, "msg_name")) {
    std::optional<SocketAddress> address = eval.Address(
        *name->value, to_send ? AddressRole::kRemote : AddressRole::kOutput);
    if (!address) return false;
    message->name = *address;
  }
  if (const grammar::Field* iov = FindField(*record, "msg_iov")) {
    std::optional<std::vector<Buffer>> buffers =
        eval.Iovecs(*iov->value, to_send);
    if (!buffers) return false;
    message->buffers = std::move(*buffers);
    // msg_iov(N): N must be the array's length.
    if (const auto* key = std::get_if<grammar::Call>(&iov->key->node)) {
      if (key->args.size() == 1) {
        std::optional<int64_t> count = eval.Int(*key->args[0]);
        if (!count) return false;
        if (static_cast<size_t>(*count) != message->buffers.size()) {
          eval.Fail(*iov->key, "msg_iov(" + std::to_string(*count) +
                                   ") has " +
                                   std::to_string(message->buffers.size()) +
                                   " iovecs");
          return false;
        }
      }
    }
  }
  if (const grammar::Field* flags = FindField(*record, "msg_flags")) {
    if (to_send) {
      std::optional<int64_t> value = eval.Int(*flags->value);
      if (!value) return false;
      // syscall_sendmsg() refuses what sendmsg() would silently ignore.
      if (*value != 0) {
        eval.Fail(*flags->value, "msg_flags must be 0: sendmsg() ignores "
                                  "msghdr's msg_flags");
        return false;
      }
      message->flags = static_cast<int>(*value);
    } else if (!IsEllipsis(*flags->value)) {
      expect->flags = flags->value.get();
    }
  }
  if (const grammar::Field* control = FindField(*record, "msg_control")) {
    if (to_send) {
      if (!EncodeCmsgs(*control->value, eval, &message->control)) return false;
    } else if (!IsEllipsis(*control->value)) {
      expect->control = control->value.get();
      message->control.assign(CmsgSpace(*control->value), 0);
    }
  }
  return true;
}

std::optional<size_t> Length(Evaluator& eval, const grammar::Expr& expr) {
  std::optional<int64_t> len = eval.Int(expr);
  if (!len) return std::nullopt;
  if (*len < 0) return eval.Fail(expr, "a length cannot be negative");
  return static_cast<size_t>(*len);
}

bool PrepareRecv(Evaluator& eval, const grammar::Expr& fd_expr,
                 const grammar::Expr& buf_expr, const grammar::Expr& len_expr,
                 const grammar::Expr* flags_expr, PreparedCall* out) {
  std::optional<int> fd = eval.Fd(fd_expr);
  std::optional<size_t> len = Length(eval, len_expr);
  if (!fd || !len) return false;
  std::optional<Buffer> buffer = eval.DataIn(buf_expr, *len);
  std::optional<int64_t> flags = flags_expr ? eval.Int(*flags_expr) : 0;
  if (!buffer || !flags) return false;
  auto state = std::make_shared<Buffer>(std::move(*buffer));
  out->live_fd = *fd;
  if (flags_expr == nullptr) {
    out->execute = [state, fd = *fd, len = *len](Syscalls& s) {
      return s.Read(fd, state->data(), len);
    };
  } else {
    out->execute = [state, fd = *fd, len = *len,
                    flags = static_cast<int>(*flags)](Syscalls& s) {
      return s.Recvfrom(fd, state->data(), len, flags, nullptr, nullptr);
    };
  }
  return true;
}

bool PrepareSend(Evaluator& eval, const grammar::Expr& fd_expr,
                 const grammar::Expr& buf_expr, const grammar::Expr& len_expr,
                 const grammar::Expr* flags_expr,
                 const grammar::Expr* addr_expr,
                 const grammar::Expr* addrlen_expr, PreparedCall* out) {
  std::optional<int> fd = eval.Fd(fd_expr);
  std::optional<size_t> len = Length(eval, len_expr);
  if (!fd || !len) return false;
  std::optional<Buffer> buffer = eval.DataOut(buf_expr, *len);
  std::optional<int64_t> flags = flags_expr ? eval.Int(*flags_expr) : 0;
  if (!buffer || !flags) return false;
  struct State {
    Buffer data;
    SocketAddress address;
    socklen_t address_len = 0;
  };
  auto state = std::make_shared<State>();
  state->data = std::move(*buffer);
  state->address.null = true;
  if (addr_expr != nullptr) {
    std::optional<SocketAddress> address =
        eval.Address(*addr_expr, AddressRole::kRemote);
    if (!address) return false;
    std::optional<socklen_t> address_len =
        eval.AddressLength(*addrlen_expr, *address);
    if (!address_len) return false;
    state->address = *address;
    state->address_len = *address_len;
  }
  out->live_fd = *fd;
  if (flags_expr == nullptr) {
    out->execute = [state, fd = *fd, len = *len](Syscalls& s) {
      return s.Write(fd, state->data.data(), len);
    };
    return true;
  }
  // sendto(MSG_FASTOPEN) connects: flows must know before the SYN leaves.
  if ((*flags & MSG_FASTOPEN) != 0) {
    out->before = [state, fd = *fd](CallEnv& env) {
      if (state->address.port() != 0 && env.fds.FirstConnect(fd)) {
        env.flows.OnConnect(state->address.port());
      }
    };
  }
  out->execute = [state, fd = *fd, len = *len,
                  flags = static_cast<int>(*flags)](Syscalls& s) {
    return s.Sendto(fd, state->data.data(), len, flags, state->address.get(),
                    state->address_len);
  };
  return true;
}

bool PrepareIovecs(const grammar::SyscallEvent& call, Evaluator& eval,
                   PreparedCall* out, bool to_send) {
  std::optional<int> fd = eval.Fd(*call.args[0]);
  std::optional<std::vector<Buffer>> buffers =
      eval.Iovecs(*call.args[1], to_send);
  std::optional<int64_t> count = eval.Int(*call.args[2]);
  if (!fd || !buffers || !count) return false;
  auto state = std::make_shared<IovecState>();
  state->buffers = std::move(*buffers);
  state->Link();
  out->live_fd = *fd;
  out->execute = [state, fd = *fd, count = static_cast<int>(*count),
                  to_send](Syscalls& s) {
    const iovec* iov = state->iov.empty() ? nullptr : state->iov.data();
    return to_send ? s.Writev(fd, iov, count) : s.Readv(fd, iov, count);
  };
  return true;
}

}  // namespace

bool Read(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
          PreparedCall* out) {
  return PrepareRecv(eval, *call.args[0], *call.args[1], *call.args[2],
                     nullptr, out);
}

bool Recv(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
          PreparedCall* out) {
  return PrepareRecv(eval, *call.args[0], *call.args[1], *call.args[2],
                     call.args[3].get(), out);
}

bool Recvfrom(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
              PreparedCall* out) {
  std::optional<int> fd = eval.Fd(*call.args[0]);
  std::optional<size_t> len = Length(eval, *call.args[2]);
  if (!fd || !len) return false;
  std::optional<Buffer> buffer = eval.DataIn(*call.args[1], *len);
  std::optional<int64_t> flags = eval.Int(*call.args[3]);
  std::optional<SocketAddress> from =
      eval.Address(*call.args[4], AddressRole::kOutput);
  if (!buffer || !flags || !from) return false;
  struct State {
    Buffer data;
    SocketAddress from;
  };
  auto state = std::make_shared<State>(State{std::move(*buffer), *from});
  out->live_fd = *fd;
  out->execute = [state, fd = *fd, len = *len,
                  flags = static_cast<int>(*flags)](Syscalls& s) {
    socklen_t* from_len = state->from.null ? nullptr : &state->from.len;
    return s.Recvfrom(fd, state->data.data(), len, flags, state->from.get(),
                      from_len);
  };
  return true;
}

bool Readv(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
           PreparedCall* out) {
  return PrepareIovecs(call, eval, out, /*to_send=*/false);
}

bool Writev(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
            PreparedCall* out) {
  return PrepareIovecs(call, eval, out, /*to_send=*/true);
}

bool Write(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
           PreparedCall* out) {
  return PrepareSend(eval, *call.args[0], *call.args[1], *call.args[2],
                     nullptr, nullptr, nullptr, out);
}

bool Send(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
          PreparedCall* out) {
  return PrepareSend(eval, *call.args[0], *call.args[1], *call.args[2],
                     call.args[3].get(), nullptr, nullptr, out);
}

bool Sendto(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
            PreparedCall* out) {
  return PrepareSend(eval, *call.args[0], *call.args[1], *call.args[2],
                     call.args[3].get(), call.args[4].get(),
                     call.args[5].get(), out);
}

bool Sendmsg(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
             PreparedCall* out) {
  std::optional<int> fd = eval.Fd(*call.args[0]);
  std::optional<int64_t> flags = eval.Int(*call.args[2]);
  if (!fd || !flags) return false;
  auto message = std::make_shared<Message>();
  MessageExpectations unused;
  if (!EvalMessage(*call.args[1], eval, /*to_send=*/true, message.get(),
                   &unused)) {
    return false;
  }
  // Only a connecting send needs the name; otherwise pass none, as a
  // connected socket would ignore it anyway.
  if ((*flags & MSG_FASTOPEN) == 0) {
    message->name = SocketAddress{};
    message->name.null = true;
  } else {
    out->before = [message, fd = *fd](CallEnv& env) {
      if (message->name.port() != 0 && env.fds.FirstConnect(fd)) {
        env.flows.OnConnect(message->name.port());
      }
    };
  }
  message->Link();
  out->live_fd = *fd;
  out->execute = [message, fd = *fd,
                  flags = static_cast<int>(*flags)](Syscalls& s) {
    return s.Sendmsg(fd, &message->header, flags);
  };
  return true;
}

bool Recvmsg(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
             PreparedCall* out) {
  std::optional<int> fd = eval.Fd(*call.args[0]);
  std::optional<int64_t> flags = eval.Int(*call.args[2]);
  if (!fd || !flags) return false;
  auto message = std::make_shared<Message>();
  MessageExpectations expect;
  if (!EvalMessage(*call.args[1], eval, /*to_send=*/false, message.get(),
                   &expect)) {
    return false;
  }
  message->Link();
  out->live_fd = *fd;
  out->execute = [message, fd = *fd,
                  flags = static_cast<int>(*flags)](Syscalls& s) {
    return s.Recvmsg(fd, &message->header, flags);
  };
  out->after = [message, expect](const SyscallResult& result,
                                 CallEnv& env) -> std::string {
    if (result.ret < 0) return "";
    if (expect.flags != nullptr) {
      Evaluator values(env.config.net, env.fds);
      std::optional<int64_t> want = values.Int(*expect.flags);
      if (!want) return values.error().message;
      if (*want != message->header.msg_flags) {
        return "recvmsg: expected msg_flags " +
               grammar::PrintExpr(*expect.flags) + ", got " +
               std::to_string(message->header.msg_flags);
      }
    }
    if (expect.control != nullptr) {
      return CheckCmsgs("recvmsg", *expect.control, message->header, env);
    }
    return "";
  };
  return true;
}

}  // namespace synack::interpreter::syscalls
