// Socket life-cycle calls: socket, bind, listen, accept, connect, close,
// shutdown, getsockname, getpeername.
#include <netinet/in.h>
#include <sys/socket.h>

#include <memory>

#include "interpreter/syscall_handlers.h"

namespace synack::interpreter {

std::optional<PortPair> ConnectionPorts(Syscalls& calls, int live_fd) {
  SocketAddress local, peer;
  local.len = peer.len = sizeof(sockaddr_storage);
  if (calls.Getsockname(live_fd, local.get(), &local.len).ret != 0 ||
      calls.Getpeername(live_fd, peer.get(), &peer.len).ret != 0) {
    return std::nullopt;
  }
  return PortPair{local.port(), peer.port()};
}

namespace syscalls {

namespace {

// The port a live socket is bound to, as getsockname() tells it.
uint16_t BoundPort(Syscalls& calls, int live_fd) {
  SocketAddress address;
  address.len = sizeof address.storage;
  SyscallResult result = calls.Getsockname(live_fd, address.get(), &address.len);
  return result.ret == 0 ? address.port() : 0;
}

// accept, getsockname, getpeername: an address and its length by pointer,
// filled in by the call.
struct AddressOut {
  SocketAddress address;
  socklen_t len = 0;
  bool null = false;
};

std::optional<AddressOut> EvalAddressOut(Evaluator& eval,
                                         const grammar::Expr& addr,
                                         const grammar::Expr& len) {
  AddressOut out;
  std::optional<SocketAddress> address =
      eval.Address(addr, AddressRole::kOutput);
  if (!address) return std::nullopt;
  out.address = *address;
  out.null = address->null;
  if (IsNull(len)) {
    out.null = true;
    return out;
  }
  if (!IsEllipsis(len)) {
    std::optional<int64_t> value = eval.IntPointer(len);
    if (!value) return std::nullopt;
    out.len = static_cast<socklen_t>(*value);
  } else {
    out.len = sizeof out.address.storage;
  }
  return out;
}

bool PrepareNameCall(const grammar::SyscallEvent& call, Evaluator& eval,
                     PreparedCall* out, bool peer) {
  std::optional<int> fd = eval.Fd(*call.args[0]);
  std::optional<AddressOut> addr =
      EvalAddressOut(eval, *call.args[1], *call.args[2]);
  if (!fd || !addr) return false;
  auto state = std::make_shared<AddressOut>(*addr);
  out->live_fd = *fd;
  out->execute = [state, fd = *fd, peer](Syscalls& s) {
    sockaddr* sa = state->null ? nullptr : state->address.get();
    socklen_t* len = state->null ? nullptr : &state->len;
    return peer ? s.Getpeername(fd, sa, len) : s.Getsockname(fd, sa, len);
  };
  return true;
}

}  // namespace

bool Socket(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv& env,
            PreparedCall* out) {
  std::optional<int64_t> domain =
      IsEllipsis(*call.args[0]) ? env.config.net.socket_family()
                                : eval.Int(*call.args[0]);
  std::optional<int64_t> type = eval.Int(*call.args[1]);
  std::optional<int64_t> protocol =
      IsEllipsis(*call.args[2]) ? 0 : eval.Int(*call.args[2]);
  if (!domain || !type || !protocol) return false;
  out->returns = PreparedCall::Returns::kNewSocket;
  out->execute = [d = static_cast<int>(*domain), t = static_cast<int>(*type),
                  p = static_cast<int>(*protocol)](Syscalls& s) {
    return s.Socket(d, t, p);
  };
  return true;
}

bool Bind(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
          PreparedCall* out) {
  std::optional<int> fd = eval.Fd(*call.args[0]);
  std::optional<SocketAddress> address =
      eval.Address(*call.args[1], AddressRole::kLocal);
  if (!fd || !address) return false;
  std::optional<socklen_t> len = eval.AddressLength(*call.args[2], *address);
  if (!len) return false;
  auto state = std::make_shared<SocketAddress>(*address);
  out->live_fd = *fd;
  out->execute = [state, fd = *fd, len = *len](Syscalls& s) {
    return s.Bind(fd, state->get(), len);
  };
  out->after = [state, fd = *fd](const SyscallResult& result, CallEnv& env) {
    if (result.ret == 0) {
      uint16_t port = state->port();
      if (port == 0) port = BoundPort(env.syscalls, fd);
      env.flows.OnBind(port);
    }
    return std::string();
  };
  return true;
}

bool Listen(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
            PreparedCall* out) {
  std::optional<int> fd = eval.Fd(*call.args[0]);
  std::optional<int64_t> backlog = eval.Int(*call.args[1]);
  if (!fd || !backlog) return false;
  out->live_fd = *fd;
  out->execute = [fd = *fd, backlog = static_cast<int>(*backlog)](Syscalls& s) {
    return s.Listen(fd, backlog);
  };
  out->after = [fd = *fd](const SyscallResult& result, CallEnv& env) {
    // The port comes from the socket itself: a listen() without bind()
    // gets an ephemeral one.
    if (result.ret == 0) env.flows.OnListen(BoundPort(env.syscalls, fd));
    return std::string();
  };
  return true;
}

bool Accept(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
            PreparedCall* out) {
  std::optional<int> fd = eval.Fd(*call.args[0]);
  std::optional<AddressOut> addr =
      EvalAddressOut(eval, *call.args[1], *call.args[2]);
  if (!fd || !addr) return false;
  auto state = std::make_shared<AddressOut>(*addr);
  out->returns = PreparedCall::Returns::kNewSocket;
  out->live_fd = *fd;
  out->execute = [state, fd = *fd](Syscalls& s) {
    if (state->null) return s.Accept(fd, nullptr, nullptr);
    return s.Accept(fd, state->address.get(), &state->len);
  };
  return true;
}

bool Accept4(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv& env,
             PreparedCall* out) {
  std::optional<int64_t> flags = eval.Int(*call.args[3]);
  if (!flags) return false;
  if (*flags != 0) {
    eval.Fail(*call.args[3],
              "accept4 with flags is not supported: the backends offer "
              "accept() only; use accept() and fcntl()");
    return false;
  }
  return Accept(call, eval, env, out);
}

bool Connect(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
             PreparedCall* out) {
  std::optional<int> fd = eval.Fd(*call.args[0]);
  std::optional<SocketAddress> address =
      eval.Address(*call.args[1], AddressRole::kRemote);
  if (!fd || !address) return false;
  std::optional<socklen_t> len = eval.AddressLength(*call.args[2], *address);
  if (!len) return false;
  auto state = std::make_shared<SocketAddress>(*address);
  out->live_fd = *fd;
  out->execute = [state, fd = *fd, len = *len](Syscalls& s) {
    return s.Connect(fd, state->get(), len);
  };
  if (state->storage.ss_family == AF_UNSPEC) {
    // A disconnect (tcp_disconnect()): the socket's next connect() starts
    // a new connection, whose first packet tells its port.
    out->after = [fd = *fd](const SyscallResult& result, CallEnv& env) {
      if (result.ret == 0) env.fds.Disconnected(fd);
      return std::string();
    };
    return true;
  }
  // The SYN leaves while connect() runs, so flows must know the
  // connection before the call starts.
  out->before = [state, fd = *fd](CallEnv& env) {
    if (state->port() != 0 && env.fds.FirstConnect(fd)) {
      env.flows.OnConnect(state->port());
    }
  };
  return true;
}

bool Close(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
           PreparedCall* out) {
  std::optional<int64_t> script_fd = eval.Int(*call.args[0]);
  std::optional<int> fd = eval.Fd(*call.args[0]);
  if (!script_fd || !fd) return false;
  out->live_fd = *fd;
  // Which connection this was can only be asked before it is gone.
  auto ports = std::make_shared<std::optional<PortPair>>();
  out->before = [ports, fd = *fd](CallEnv& env) {
    *ports = ConnectionPorts(env.syscalls, fd);
  };
  out->execute = [fd = *fd](Syscalls& s) { return s.Close(fd); };
  out->after = [ports, script_fd = static_cast<int>(*script_fd)](
                   const SyscallResult& result, CallEnv& env) {
    if (result.ret == 0) {
      env.fds.Remove(script_fd);
      if (*ports) env.fds.Forget(**ports);
    }
    return std::string();
  };
  return true;
}

bool Shutdown(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
              PreparedCall* out) {
  std::optional<int> fd = eval.Fd(*call.args[0]);
  std::optional<int64_t> how = eval.Int(*call.args[1]);
  if (!fd || !how) return false;
  out->live_fd = *fd;
  out->execute = [fd = *fd, how = static_cast<int>(*how)](Syscalls& s) {
    return s.Shutdown(fd, how);
  };
  return true;
}

bool Getsockname(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
                 PreparedCall* out) {
  return PrepareNameCall(call, eval, out, /*peer=*/false);
}

bool Getpeername(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
                 PreparedCall* out) {
  return PrepareNameCall(call, eval, out, /*peer=*/true);
}

}  // namespace syscalls
}  // namespace synack::interpreter
