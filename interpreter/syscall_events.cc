// Readiness calls: poll, epoll_create, epoll_create1, epoll_ctl, epoll_wait.
#include <poll.h>
#include <sys/epoll.h>

#include <algorithm>
#include <memory>

#include "grammar/printer.h"
#include "interpreter/syscall_handlers.h"

namespace synack::interpreter::syscalls {

namespace {

struct FlagName {
  int64_t bit;
  const char* name;
};

// "POLLIN|POLLOUT" for diagnostics; unnamed bits in hex.
std::string FlagsText(int64_t value, std::initializer_list<FlagName> names) {
  if (value == 0) return "0";
  std::string text;
  for (const FlagName& flag : names) {
    if ((value & flag.bit) == flag.bit) {
      text += (text.empty() ? "" : "|") + std::string(flag.name);
      value &= ~flag.bit;
    }
  }
  if (value != 0) {
    char rest[32];
    std::snprintf(rest, sizeof rest, "0x%llx",
                  static_cast<unsigned long long>(value));
    text += (text.empty() ? "" : "|") + std::string(rest);
  }
  return text;
}

std::string PollText(int64_t value) {
  return FlagsText(value, {{POLLIN, "POLLIN"},
                           {POLLPRI, "POLLPRI"},
                           {POLLOUT, "POLLOUT"},
                           {POLLERR, "POLLERR"},
                           {POLLHUP, "POLLHUP"},
                           {POLLNVAL, "POLLNVAL"},
                           {POLLRDNORM, "POLLRDNORM"},
                           {POLLRDBAND, "POLLRDBAND"},
                           {POLLWRNORM, "POLLWRNORM"},
                           {POLLWRBAND, "POLLWRBAND"},
                           {POLLMSG, "POLLMSG"},
                           {POLLRDHUP, "POLLRDHUP"}});
}

std::string EpollText(int64_t value) {
  return FlagsText(value, {{EPOLLIN, "EPOLLIN"},
                           {EPOLLPRI, "EPOLLPRI"},
                           {EPOLLOUT, "EPOLLOUT"},
                           {EPOLLERR, "EPOLLERR"},
                           {EPOLLHUP, "EPOLLHUP"},
                           {EPOLLRDNORM, "EPOLLRDNORM"},
                           {EPOLLRDBAND, "EPOLLRDBAND"},
                           {EPOLLWRNORM, "EPOLLWRNORM"},
                           {EPOLLWRBAND, "EPOLLWRBAND"},
                           {EPOLLMSG, "EPOLLMSG"},
                           {EPOLLRDHUP, "EPOLLRDHUP"},
                           {EPOLLET, "EPOLLET"},
                           {EPOLLONESHOT, "EPOLLONESHOT"}});
}

const grammar::Struct* AsStruct(const grammar::Expr& expr) {
  return std::get_if<grammar::Struct>(&expr.node);
}

// The script's epoll events: one `{events=..., fd=...}` or an array of them.
std::vector<const grammar::Expr*> EventList(const grammar::Expr& expr) {
  std::vector<const grammar::Expr*> list;
  if (const auto* array = std::get_if<grammar::Array>(&expr.node)) {
    for (const grammar::ExprPtr& element : array->elements) {
      list.push_back(element.get());
    }
  } else if (AsStruct(expr) != nullptr) {
    list.push_back(&expr);
  }
  return list;
}

// An epoll_event from `{events=E, fd=N}` (or ptr=, u32=, u64=). The data
// is the script's own value: the kernel hands it back untouched.
bool EvalEpollEvent(const grammar::Expr& expr, Evaluator& eval,
                    epoll_event* event) {
  const grammar::Struct* record = AsStruct(expr);
  const grammar::Field* events = record ? FindField(*record, "events") : nullptr;
  if (events == nullptr) {
    eval.Fail(expr, "expected an epoll_event like {events=EPOLLIN, fd=4}");
    return false;
  }
  std::optional<int64_t> mask = eval.Int(*events->value);
  if (!mask) return false;
  *event = {};
  event->events = static_cast<uint32_t>(*mask);
  for (const char* name : {"fd", "u32", "u64", "ptr"}) {
    if (const grammar::Field* data = FindField(*record, name)) {
      std::optional<int64_t> value = eval.Int(*data->value);
      if (!value) return false;
      if (std::string(name) == "fd" || std::string(name) == "u32") {
        event->data.u64 = static_cast<uint32_t>(*value);
      } else {
        event->data.u64 = static_cast<uint64_t>(*value);
      }
    }
  }
  return true;
}

}  // namespace

bool Poll(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
          PreparedCall* out) {
  const auto* array = std::get_if<grammar::Array>(&call.args[0]->node);
  std::optional<int64_t> nfds = eval.Int(*call.args[1]);
  std::optional<int64_t> timeout = eval.Int(*call.args[2]);
  if (!nfds || !timeout) return false;
  if (array == nullptr) {
    eval.Fail(*call.args[0], "expected a pollfd array like "
                             "[{fd=4, events=POLLIN}]");
    return false;
  }
  struct State {
    std::vector<pollfd> fds;
    // null: `revents=...`, not checked; a pollfd without `revents`
    // expects 0, as packetdrill's opt_revents (parser.y) makes it.
    std::vector<const grammar::Expr*> revents;
    std::vector<bool> stated;
    std::vector<std::string> script_fds;
  };
  auto state = std::make_shared<State>();
  for (const grammar::ExprPtr& element : array->elements) {
    const grammar::Struct* record = AsStruct(*element);
    const grammar::Field* fd = record ? FindField(*record, "fd") : nullptr;
    const grammar::Field* events =
        record ? FindField(*record, "events") : nullptr;
    if (fd == nullptr || events == nullptr) {
      eval.Fail(*element, "expected a pollfd like {fd=4, events=POLLIN}");
      return false;
    }
    std::optional<int> live = eval.Fd(*fd->value);
    std::optional<int64_t> mask = eval.Int(*events->value);
    if (!live || !mask) return false;
    state->fds.push_back({*live, static_cast<short>(*mask), 0});
    const grammar::Field* revents = FindField(*record, "revents");
    state->stated.push_back(revents != nullptr);
    state->revents.push_back(
        revents && !IsEllipsis(*revents->value) ? revents->value.get()
                                                : nullptr);
    state->script_fds.push_back(grammar::PrintExpr(*fd->value));
  }
  if (!state->fds.empty()) out->live_fd = state->fds[0].fd;
  out->execute = [state, nfds = static_cast<int>(*nfds),
                  timeout = static_cast<int>(*timeout)](Syscalls& s) {
    return s.Poll(state->fds.empty() ? nullptr : state->fds.data(), nfds,
                  timeout);
  };
  out->after = [state](const SyscallResult& result,
                       CallEnv& env) -> std::string {
    if (result.ret < 0) return "";
    Evaluator values(env.config.net, env.fds);
    for (size_t i = 0; i < state->fds.size(); ++i) {
      std::optional<int64_t> want = 0;
      if (state->stated[i]) {
        if (state->revents[i] == nullptr) continue;
        want = values.Int(*state->revents[i]);
        if (!want) return values.error().message;
      }
      const int64_t got = static_cast<uint16_t>(state->fds[i].revents);
      if (*want != got) {
        return "poll: expected revents " + PollText(*want) + " for fd " +
               state->script_fds[i] + ", got " + PollText(got);
      }
    }
    return "";
  };
  return true;
}

bool EpollCreate(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
                 PreparedCall* out) {
  std::optional<int64_t> size = eval.Int(*call.args[0]);
  if (!size) return false;
  out->returns = PreparedCall::Returns::kNewFd;
  out->execute = [size = static_cast<int>(*size)](Syscalls& s) {
    return s.EpollCreate(size);
  };
  return true;
}

bool EpollCreate1(const grammar::SyscallEvent& call, Evaluator& eval,
                  CallEnv&, PreparedCall* out) {
  std::optional<int64_t> flags = eval.Int(*call.args[0]);
  if (!flags) return false;
  if (*flags != 0) {
    eval.Fail(*call.args[0], "epoll_create1 with flags is not supported: the "
                             "backends offer epoll_create() only");
    return false;
  }
  out->returns = PreparedCall::Returns::kNewFd;
  out->execute = [](Syscalls& s) { return s.EpollCreate(1); };
  return true;
}

bool EpollCtl(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
              PreparedCall* out) {
  std::optional<int> epfd = eval.Fd(*call.args[0]);
  std::optional<int64_t> op = eval.Int(*call.args[1]);
  std::optional<int> fd = eval.Fd(*call.args[2]);
  if (!epfd || !op || !fd) return false;
  auto event = std::make_shared<epoll_event>();
  const grammar::Expr& ev = *call.args[3];
  const bool null = IsEllipsis(ev) || IsNull(ev);
  if (!null && !EvalEpollEvent(ev, eval, event.get())) return false;
  out->live_fd = *epfd;
  out->execute = [event, null, epfd = *epfd, op = static_cast<int>(*op),
                  fd = *fd](Syscalls& s) {
    return s.EpollCtl(epfd, op, fd, null ? nullptr : event.get());
  };
  return true;
}

bool EpollWait(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv&,
               PreparedCall* out) {
  std::optional<int> epfd = eval.Fd(*call.args[0]);
  std::optional<int64_t> max = eval.Int(*call.args[2]);
  std::optional<int64_t> timeout = eval.Int(*call.args[3]);
  if (!epfd || !max || !timeout) return false;
  std::vector<epoll_event> expected;
  for (const grammar::Expr* item : EventList(*call.args[1])) {
    epoll_event event;
    if (!EvalEpollEvent(*item, eval, &event)) return false;
    expected.push_back(event);
  }
  auto events = std::make_shared<std::vector<epoll_event>>(
      static_cast<size_t>(*max > 0 ? *max : 1));
  out->live_fd = *epfd;
  out->execute = [events, epfd = *epfd, max = static_cast<int>(*max),
                  timeout = static_cast<int>(*timeout)](Syscalls& s) {
    return s.EpollWait(epfd, events->data(), max, timeout);
  };
  out->after = [events, expected](const SyscallResult& result,
                                  CallEnv&) -> std::string {
    if (result.ret < 0) return "";
    // syscall_epoll_wait() compares the first event whatever the call
    // returns: with none ready it is the zeroed buffer, so a script
    // expecting 0 states {events=0, ptr=0}.
    const size_t count = std::min(
        std::max(static_cast<size_t>(result.ret), size_t{1}), expected.size());
    for (size_t i = 0; i < count; ++i) {
      const epoll_event& got = (*events)[i];
      const epoll_event& want = expected[i];
      if (got.events != want.events) {
        return "epoll_wait: expected events " + EpollText(want.events) +
               ", got " + EpollText(got.events);
      }
      if (got.data.u64 != want.data.u64) {
        return "epoll_wait: expected data " + std::to_string(want.data.u64) +
               ", got " + std::to_string(got.data.u64);
      }
    }
    return "";
  };
  return true;
}

}  // namespace synack::interpreter::syscalls
