// System call names to their prepare functions, and the check of a call's
// return value and errno against the script.
#include <string.h>

#include <map>

#include "grammar/checker.h"
#include "grammar/known_names.h"
#include "grammar/printer.h"
#include "interpreter/syscall.h"
#include "interpreter/syscall_handlers.h"

namespace synack::interpreter {

namespace {

std::string ErrnoName(int err) {
  for (std::string_view name : grammar::ErrnoNames()) {
    if (grammar::LookupErrno(std::string(name)) == err) {
      return std::string(name);
    }
  }
  return "errno " + std::to_string(err);
}

std::string ResultText(const SyscallResult& result) {
  if (result.ret == -1) return "-1 " + ErrnoText(result.err);
  return std::to_string(result.ret);
}

}  // namespace

PrepareFn FindSyscall(const std::string& name) {
  static const std::map<std::string, PrepareFn> table = {
      {"socket", syscalls::Socket},
      {"bind", syscalls::Bind},
      {"listen", syscalls::Listen},
      {"accept", syscalls::Accept},
      {"accept4", syscalls::Accept4},
      {"connect", syscalls::Connect},
      {"close", syscalls::Close},
      {"shutdown", syscalls::Shutdown},
      {"getsockname", syscalls::Getsockname},
      {"getpeername", syscalls::Getpeername},
      {"read", syscalls::Read},
      {"readv", syscalls::Readv},
      {"recv", syscalls::Recv},
      {"recvfrom", syscalls::Recvfrom},
      {"recvmsg", syscalls::Recvmsg},
      {"write", syscalls::Write},
      {"writev", syscalls::Writev},
      {"send", syscalls::Send},
      {"sendto", syscalls::Sendto},
      {"sendmsg", syscalls::Sendmsg},
      {"getsockopt", syscalls::Getsockopt},
      {"setsockopt", syscalls::Setsockopt},
      {"fcntl", syscalls::Fcntl},
      {"ioctl", syscalls::Ioctl},
      {"poll", syscalls::Poll},
      {"epoll_create", syscalls::EpollCreate},
      {"epoll_create1", syscalls::EpollCreate1},
      {"epoll_ctl", syscalls::EpollCtl},
      {"epoll_wait", syscalls::EpollWait},
      {"open", syscalls::Open},
      {"pipe", syscalls::Pipe},
      {"splice", syscalls::Splice},
      {"sendfile", syscalls::Sendfile},
  };
  auto it = table.find(name);
  return it == table.end() ? nullptr : it->second;
}

std::string ErrnoText(int err) {
  const char* description = strerrordesc_np(err);
  std::string name = ErrnoName(err);
  return description ? name + " (" + description + ")" : name;
}

std::string CheckReturn(const grammar::SyscallEvent& call,
                        const SyscallResult& result,
                        PreparedCall::Returns returns, CallEnv& env) {
  if (!call.result || std::holds_alternative<grammar::Ellipsis>(call.result->node)) {
    return "";
  }
  Evaluator eval(env.config.net, env.fds);
  std::optional<int64_t> expected = eval.Int(*call.result);
  if (!expected) return eval.error().message;
  std::string expected_text = grammar::PrintExpr(*call.result);
  std::optional<int> expected_err;
  if (call.errno_name) {
    expected_err = grammar::LookupErrno(*call.errno_name);
    if (!expected_err) return "unknown errno name " + *call.errno_name;
    expected_text += " " + *call.errno_name;
  }
  const std::string mismatch =
      call.name + ": expected " + expected_text + ", got " + ResultText(result);

  if (returns != PreparedCall::Returns::kValue && *expected >= 0 &&
      result.ret >= 0) {
    std::optional<int> replaced =
        env.fds.Add(static_cast<int>(*expected), static_cast<int>(result.ret),
                    returns == PreparedCall::Returns::kNewSocket);
    // The script reused the number of a socket it never closed: like
    // packetdrill, forget that socket's connection.
    if (replaced) {
      if (std::optional<PortPair> ports =
              ConnectionPorts(env.syscalls, *replaced)) {
        env.fds.Forget(*ports);
      }
    }
    return "";
  }
  if (result.ret != *expected) return mismatch;
  if (expected_err && result.err != *expected_err) return mismatch;
  return "";
}

}  // namespace synack::interpreter
