// StackSyscalls: each call as one attempt on the stack, retried while it
// would block.
#include "runtime/stack/stack_syscalls.h"

#include <poll.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "runtime/stack/zerocopy.h"

namespace synack::stack {

namespace {

using Result = interpreter::SyscallResult;

std::optional<Result> Done(const CallResult& r) {
  if (r.would_block) return std::nullopt;
  return Result{r.ret, r.ret < 0 ? r.err : 0};
}

// A buffer the caller named with no memory behind it.
bool Unmapped(const iovec* iov, size_t iovcnt) {
  for (size_t i = 0; i < iovcnt; ++i) {
    if (iov[i].iov_base == nullptr && iov[i].iov_len > 0) return true;
  }
  return false;
}

size_t TotalLength(const iovec* iov, size_t iovcnt) {
  size_t total = 0;
  for (size_t i = 0; i < iovcnt; ++i) total += iov[i].iov_len;
  return total;
}

}  // namespace

template <typename F>
Result StackSyscalls::Now(F&& f) {
  return shared_.Call([&f](Stack& s, Instant now) -> std::optional<Result> {
    return Done(f(s, now));
  });
}

Result StackSyscalls::Socket(int domain, int type, int protocol) {
  return Now([&](Stack& s, Instant now) { return s.Socket(now, domain, type, protocol); });
}

Result StackSyscalls::Bind(int fd, const sockaddr* addr, socklen_t len) {
  return Now([&](Stack& s, Instant now) { return s.Bind(now, fd, addr, len); });
}

Result StackSyscalls::Listen(int fd, int backlog) {
  return Now([&](Stack& s, Instant now) { return s.Listen(now, fd, backlog); });
}

Result StackSyscalls::Accept(int fd, sockaddr* addr, socklen_t* len) {
  return shared_.Call([&](Stack& s, Instant now) {
    return Done(s.Accept(now, fd, addr, len));
  });
}

Result StackSyscalls::Connect(int fd, const sockaddr* addr, socklen_t len) {
  // The first attempt sends the SYN; a blocking connect then waits for the
  // handshake to end (FinishConnect) rather than connecting again.
  bool started = false;
  return shared_.Call([&](Stack& s, Instant now) {
    const CallResult r =
        started ? s.FinishConnect(now, fd) : s.Connect(now, fd, addr, len);
    started = true;
    return Done(r);
  });
}

Result StackSyscalls::ReadInto(int fd, const iovec* iov, size_t iovcnt,
                               int flags, std::optional<int>* inq) {
  const size_t total = TotalLength(iov, iovcnt);
  const bool unmapped = Unmapped(iov, iovcnt);
  std::vector<uint8_t> scratch;
  return shared_.Call([&](Stack& s, Instant now) -> std::optional<Result> {
    if (auto file = open_files_.find(fd); file != open_files_.end()) {
      if (flags != 0) return Result{-1, ENOTSOCK};  // recv() on a file
      return ReadFile(file->second, iov, iovcnt);
    }
    if (auto end = pipes_.find(fd); end != pipes_.end()) {
      if (flags != 0) return Result{-1, ENOTSOCK};
      return PipeRead(end->second, iov, iovcnt);
    }
    scratch.assign(total, 0);
    // With nowhere to copy to, Linux fails when it gets to the copy: peek
    // so that the data stays queued.
    const CallResult r =
        s.Read(now, fd, scratch, unmapped ? flags | MSG_PEEK : flags);
    if (r.would_block) return std::nullopt;
    if (r.ret < 0) return Result{-1, r.err};
    if (unmapped && r.ret > 0) return Result{-1, EFAULT};
    size_t at = 0;
    for (size_t i = 0; i < iovcnt && at < static_cast<size_t>(r.ret); ++i) {
      const size_t n = std::min(iov[i].iov_len, static_cast<size_t>(r.ret) - at);
      if (n > 0) std::memcpy(iov[i].iov_base, scratch.data() + at, n);
      at += n;
    }
    if (inq != nullptr) *inq = s.InqHint(fd);
    return Result{r.ret, 0};
  });
}

Result StackSyscalls::WriteFrom(int fd, const iovec* iov, size_t iovcnt,
                                int flags, const sockaddr* addr, socklen_t addrlen) {
  const bool unmapped = Unmapped(iov, iovcnt);
  std::vector<uint8_t> data;
  if (!unmapped) {
    data.reserve(TotalLength(iov, iovcnt));
    for (size_t i = 0; i < iovcnt; ++i) {
      const auto* base = static_cast<const uint8_t*>(iov[i].iov_base);
      if (iov[i].iov_len > 0) data.insert(data.end(), base, base + iov[i].iov_len);
    }
  }
  // A blocking write that fills the send buffer goes on where it stopped;
  // Linux returns the sum, or the error when nothing was sent.
  size_t sent = 0;
  // MSG_ZEROCOPY pins each iovec's pages: the stack needs their lengths.
  std::vector<size_t> iov_lengths;
  if (flags & MSG_ZEROCOPY) {
    for (size_t i = 0; i < iovcnt; ++i) {
      if (iov[i].iov_len > 0) iov_lengths.push_back(iov[i].iov_len);
    }
  }
  return shared_.Call([&](Stack& s, Instant now) -> std::optional<Result> {
    // A file opened read-only (send() on it is not a socket call).
    if (open_files_.count(fd) != 0) return Result{-1, flags != 0 ? ENOTSOCK : EBADF};
    if (auto end = pipes_.find(fd); end != pipes_.end()) {
      if (flags != 0) return Result{-1, ENOTSOCK};
      return PipeWrite(end->second, iov, iovcnt);
    }
    if (unmapped) {
      const CallResult r = s.Write(now, fd, {}, flags);
      if (r.would_block) return std::nullopt;
      if (r.ret < 0) return Result{-1, r.err};
      return Result{-1, EFAULT};
    }
    // What is left of the iovecs after what an earlier attempt took.
    const std::vector<size_t> rest = IovLengthsAfter(iov_lengths, sent);
    const CallResult r =
        s.Write(now, fd, std::span<const uint8_t>(data).subspan(sent), flags, addr, addrlen, rest);
    if (r.ret > 0) sent += static_cast<size_t>(r.ret);
    if (r.would_block) return std::nullopt;
    if (r.ret < 0) {
      if (sent > 0) return Result{static_cast<int64_t>(sent), 0};
      return Result{-1, r.err};
    }
    return Result{static_cast<int64_t>(sent), 0};
  });
}

Result StackSyscalls::Read(int fd, void* buf, size_t len) {
  const iovec iov{buf, len};
  return ReadInto(fd, &iov, 1, 0);
}

Result StackSyscalls::Readv(int fd, const iovec* iov, int iovcnt) {
  if (iovcnt < 0) return {-1, EINVAL};
  if (iov == nullptr && iovcnt > 0) return {-1, EFAULT};
  return ReadInto(fd, iov, static_cast<size_t>(iovcnt), 0);
}

Result StackSyscalls::Recvfrom(int fd, void* buf, size_t len, int flags,
                               sockaddr*, socklen_t* addrlen) {
  const iovec iov{buf, len};
  Result r = ReadInto(fd, &iov, 1, flags);
  // TCP leaves the source address out: Linux reports a length of 0.
  if (r.ret >= 0 && addrlen != nullptr) *addrlen = 0;
  return r;
}

Result StackSyscalls::Recvmsg(int fd, msghdr* msg, int flags) {
  if (msg == nullptr) return {-1, EFAULT};
  if (flags & MSG_ERRQUEUE) {
    return Now([&](Stack& s, Instant now) { return s.RecvError(now, fd, msg); });
  }
  std::optional<int> inq;
  Result r = ReadInto(fd, msg->msg_iov, msg->msg_iovlen, flags, &inq);
  if (r.ret < 0) return r;
  msg->msg_namelen = 0;
  msg->msg_flags = 0;
  const size_t room = msg->msg_control == nullptr ? 0 : msg->msg_controllen;
  msg->msg_controllen = 0;
  if (inq) {
    // put_cmsg(SOL_TCP, TCP_CM_INQ): cut short (MSG_CTRUNC) without room.
    if (room < CMSG_SPACE(sizeof(int))) {
      msg->msg_flags |= MSG_CTRUNC;
    } else {
      cmsghdr header{};
      header.cmsg_len = CMSG_LEN(sizeof(int));
      header.cmsg_level = SOL_TCP;
      header.cmsg_type = TCP_CM_INQ;
      auto* out = static_cast<unsigned char*>(msg->msg_control);
      std::memset(out, 0, CMSG_SPACE(sizeof(int)));
      std::memcpy(out, &header, sizeof header);
      std::memcpy(out + CMSG_LEN(0), &*inq, sizeof(int));
      msg->msg_controllen = CMSG_SPACE(sizeof(int));
    }
  }
  return r;
}

Result StackSyscalls::Write(int fd, const void* buf, size_t len) {
  const iovec iov{const_cast<void*>(buf), len};
  return WriteFrom(fd, &iov, 1, 0);
}

Result StackSyscalls::Writev(int fd, const iovec* iov, int iovcnt) {
  if (iovcnt < 0) return {-1, EINVAL};
  if (iov == nullptr && iovcnt > 0) return {-1, EFAULT};
  return WriteFrom(fd, iov, static_cast<size_t>(iovcnt), 0);
}

Result StackSyscalls::Sendto(int fd, const void* buf, size_t len, int flags,
                             const sockaddr* addr, socklen_t addrlen) {
  // A connected TCP socket ignores the address; MSG_FASTOPEN connects to it.
  const iovec iov{const_cast<void*>(buf), len};
  return WriteFrom(fd, &iov, 1, flags, addr, addrlen);
}

Result StackSyscalls::Sendmsg(int fd, const msghdr* msg, int flags) {
  if (msg == nullptr) return {-1, EFAULT};
  return WriteFrom(fd, msg->msg_iov, msg->msg_iovlen, flags,
                   static_cast<const sockaddr*>(msg->msg_name), msg->msg_namelen);
}

Result StackSyscalls::Close(int fd) {
  return Now([&](Stack& s, Instant now) {
    if (auto end = pipes_.find(fd); end != pipes_.end()) {
      (end->second.write ? end->second.pipe->writer : end->second.pipe->reader) = false;
      pipes_.erase(end);
      s.ReleaseFd(fd);
      return CallResult::Ok(0);
    }
    if (epolls_.erase(fd) != 0 || open_files_.erase(fd) != 0) {
      s.ReleaseFd(fd);
      return CallResult::Ok(0);
    }
    // A closed socket leaves every interest list (eventpoll_release()).
    for (auto& [epfd, epoll] : epolls_) epoll.erase(fd);
    return s.Close(now, fd);
  });
}

Result StackSyscalls::Shutdown(int fd, int how) {
  return Now([&](Stack& s, Instant now) { return s.Shutdown(now, fd, how); });
}

Result StackSyscalls::Getsockopt(int fd, int level, int name, void* value,
                                 socklen_t* len) {
  return Now([&](Stack& s, Instant now) {
    return s.Getsockopt(now, fd, level, name, value, len);
  });
}

Result StackSyscalls::Setsockopt(int fd, int level, int name,
                                 const void* value, socklen_t len) {
  return Now([&](Stack& s, Instant now) {
    return s.Setsockopt(now, fd, level, name, value, len);
  });
}

Result StackSyscalls::Getsockname(int fd, sockaddr* addr, socklen_t* len) {
  return Now([&](Stack& s, Instant now) { return s.Getsockname(now, fd, addr, len); });
}

Result StackSyscalls::Getpeername(int fd, sockaddr* addr, socklen_t* len) {
  return Now([&](Stack& s, Instant now) { return s.Getpeername(now, fd, addr, len); });
}

Result StackSyscalls::Fcntl(int fd, int cmd, int64_t arg) {
  return Now([&](Stack& s, Instant now) { return s.Fcntl(now, fd, cmd, arg); });
}

Result StackSyscalls::Ioctl(int fd, unsigned long request, void* arg) {
  return Now([&](Stack& s, Instant now) { return s.Ioctl(now, fd, request, arg); });
}

Result StackSyscalls::Poll(pollfd* fds, int nfds, int timeout_ms) {
  if (nfds < 0) return {-1, EINVAL};
  if (fds == nullptr && nfds > 0) return {-1, EFAULT};
  std::optional<Duration> timeout;
  if (timeout_ms >= 0) timeout = std::chrono::milliseconds(timeout_ms);
  return shared_.Call(
      [&](Stack& s, Instant now) -> std::optional<Result> {
        int ready = 0;
        for (int i = 0; i < nfds; ++i) {
          fds[i].revents =
              fds[i].fd < 0 ? 0 : s.PollEvents(now, fds[i].fd, fds[i].events);
          if (fds[i].revents != 0) ++ready;
        }
        if (ready > 0 || timeout_ms == 0) return Result{ready, 0};
        return std::nullopt;
      },
      timeout);
}

Result StackSyscalls::EpollCreate(int size) {
  if (size <= 0) return {-1, EINVAL};
  return Now([&](Stack& s, Instant) {
    const int fd = s.ReserveFd();
    epolls_[fd];
    return CallResult::Ok(fd);
  });
}

Result StackSyscalls::EpollCtl(int epfd, int op, int fd, epoll_event* ev) {
  return Now([&](Stack& s, Instant now) {
    auto ep = epolls_.find(epfd);
    if (ep == epolls_.end()) return CallResult::Error(EBADF);
    if (fd == epfd) return CallResult::Error(EINVAL);
    if (!s.Wakeups(fd)) return CallResult::Error(epolls_.count(fd) ? EINVAL : EBADF);
    if (op != EPOLL_CTL_DEL && ev == nullptr) return CallResult::Error(EFAULT);
    Epoll& epoll = ep->second;
    auto item = epoll.find(fd);
    switch (op) {
      case EPOLL_CTL_ADD:
      case EPOLL_CTL_MOD: {
        if (op == EPOLL_CTL_ADD && item != epoll.end()) return CallResult::Error(EEXIST);
        if (op == EPOLL_CTL_MOD && item == epoll.end()) return CallResult::Error(ENOENT);
        EpollItem& it = epoll[fd];
        it.events = ev->events;
        it.data = ev->data.u64;
        it.seen_wakeups = *s.Wakeups(fd);
        it.disabled = false;
        // ep_insert()/ep_modify(): a ready socket goes on the ready list.
        const short ready = s.PollEvents(now, fd, static_cast<short>(ev->events));
        it.pending = (ready & static_cast<short>(ev->events | EPOLLERR | EPOLLHUP)) != 0;
        return CallResult::Ok(0);
      }
      case EPOLL_CTL_DEL:
        if (item == epoll.end()) return CallResult::Error(ENOENT);
        epoll.erase(item);
        return CallResult::Ok(0);
      default:
        return CallResult::Error(EINVAL);
    }
  });
}

int StackSyscalls::CollectEpollEvents(Stack& s, Instant now, Epoll& epoll,
                                      epoll_event* events, int max) {
  int n = 0;
  for (auto& [fd, item] : epoll) {
    if (n >= max) break;
    if (item.disabled) continue;
    const std::optional<uint64_t> wakeups = s.Wakeups(fd);
    if (!wakeups) continue;
    const bool edge = (item.events & EPOLLET) != 0;
    const bool woken = item.pending || *wakeups != item.seen_wakeups;
    if (edge && !woken) continue;
    const uint32_t wanted = item.events | EPOLLERR | EPOLLHUP;
    const uint32_t ready =
        static_cast<uint16_t>(s.PollEvents(now, fd, static_cast<short>(item.events))) & wanted;
    // Looked at: an edge-triggered item leaves the ready list either way.
    item.pending = false;
    item.seen_wakeups = *wakeups;
    if (ready == 0) continue;
    events[n].events = ready;
    events[n].data.u64 = item.data;
    ++n;
    if (item.events & EPOLLONESHOT) item.disabled = true;
  }
  return n;
}

Result StackSyscalls::EpollWait(int epfd, epoll_event* events, int max, int timeout_ms) {
  if (max <= 0) return {-1, EINVAL};
  if (events == nullptr) return {-1, EFAULT};
  std::optional<Duration> timeout;
  if (timeout_ms >= 0) timeout = std::chrono::milliseconds(timeout_ms);
  return shared_.Call(
      [&](Stack& s, Instant now) -> std::optional<Result> {
        auto ep = epolls_.find(epfd);
        if (ep == epolls_.end()) return Result{-1, EBADF};
        const int n = CollectEpollEvents(s, now, ep->second, events, max);
        if (n > 0 || timeout_ms == 0) return Result{n, 0};
        return std::nullopt;
      },
      timeout);
}

}  // namespace synack::stack
