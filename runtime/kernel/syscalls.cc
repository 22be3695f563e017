// LinuxSyscalls: thin wrappers returning {ret, errno}.
#include "runtime/kernel/syscalls.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

namespace synack::kernel {
namespace {

using Result = interpreter::SyscallResult;

template <typename T>
Result Wrap(T ret) {
  if (ret < 0) return {static_cast<int64_t>(ret), errno};
  return {static_cast<int64_t>(ret), 0};
}

}  // namespace

Result LinuxSyscalls::Socket(int domain, int type, int protocol) {
  return Wrap(::socket(domain, type, protocol));
}
Result LinuxSyscalls::Bind(int fd, const sockaddr* addr, socklen_t len) {
  return Wrap(::bind(fd, addr, len));
}
Result LinuxSyscalls::Listen(int fd, int backlog) {
  return Wrap(::listen(fd, backlog));
}
Result LinuxSyscalls::Accept(int fd, sockaddr* addr, socklen_t* len) {
  return Wrap(::accept(fd, addr, len));
}
Result LinuxSyscalls::Connect(int fd, const sockaddr* addr, socklen_t len) {
  return Wrap(::connect(fd, addr, len));
}
Result LinuxSyscalls::Read(int fd, void* buf, size_t len) {
  return Wrap(::read(fd, buf, len));
}
Result LinuxSyscalls::Readv(int fd, const iovec* iov, int iovcnt) {
  return Wrap(::readv(fd, iov, iovcnt));
}
Result LinuxSyscalls::Recvfrom(int fd, void* buf, size_t len, int flags,
                               sockaddr* addr, socklen_t* addrlen) {
  return Wrap(::recvfrom(fd, buf, len, flags, addr, addrlen));
}
Result LinuxSyscalls::Recvmsg(int fd, msghdr* msg, int flags) {
  return Wrap(::recvmsg(fd, msg, flags));
}
Result LinuxSyscalls::Write(int fd, const void* buf, size_t len) {
  return Wrap(::write(fd, buf, len));
}
Result LinuxSyscalls::Writev(int fd, const iovec* iov, int iovcnt) {
  return Wrap(::writev(fd, iov, iovcnt));
}
Result LinuxSyscalls::Sendto(int fd, const void* buf, size_t len, int flags,
                             const sockaddr* addr, socklen_t addrlen) {
  return Wrap(::sendto(fd, buf, len, flags, addr, addrlen));
}
Result LinuxSyscalls::Sendmsg(int fd, const msghdr* msg, int flags) {
  return Wrap(::sendmsg(fd, msg, flags));
}
Result LinuxSyscalls::Close(int fd) { return Wrap(::close(fd)); }
Result LinuxSyscalls::Shutdown(int fd, int how) {
  return Wrap(::shutdown(fd, how));
}
Result LinuxSyscalls::Getsockopt(int fd, int level, int name, void* value,
                                 socklen_t* len) {
  return Wrap(::getsockopt(fd, level, name, value, len));
}
Result LinuxSyscalls::Setsockopt(int fd, int level, int name,
                                 const void* value, socklen_t len) {
  return Wrap(::setsockopt(fd, level, name, value, len));
}
Result LinuxSyscalls::Getsockname(int fd, sockaddr* addr, socklen_t* len) {
  return Wrap(::getsockname(fd, addr, len));
}
Result LinuxSyscalls::Getpeername(int fd, sockaddr* addr, socklen_t* len) {
  return Wrap(::getpeername(fd, addr, len));
}
Result LinuxSyscalls::Fcntl(int fd, int cmd, int64_t arg) {
  return Wrap(::fcntl(fd, cmd, static_cast<long>(arg)));
}
Result LinuxSyscalls::Ioctl(int fd, unsigned long request, void* arg) {
  return Wrap(::ioctl(fd, request, arg));
}
Result LinuxSyscalls::Poll(pollfd* fds, int nfds, int timeout_ms) {
  return Wrap(::poll(fds, static_cast<nfds_t>(nfds), timeout_ms));
}
Result LinuxSyscalls::EpollCreate(int size) {
  return Wrap(::epoll_create(size));
}
Result LinuxSyscalls::EpollCtl(int epfd, int op, int fd, epoll_event* ev) {
  return Wrap(::epoll_ctl(epfd, op, fd, ev));
}
Result LinuxSyscalls::EpollWait(int epfd, epoll_event* events, int max,
                                int timeout_ms) {
  return Wrap(::epoll_wait(epfd, events, max, timeout_ms));
}
Result LinuxSyscalls::Pipe(int fds[2]) { return Wrap(::pipe(fds)); }

// loff_t and off_t need not be int64_t's type; go through locals.
Result LinuxSyscalls::Splice(int fd_in, int64_t* off_in, int fd_out,
                             int64_t* off_out, size_t len, unsigned flags) {
  loff_t in = off_in ? *off_in : 0;
  loff_t out = off_out ? *off_out : 0;
  Result result = Wrap(::splice(fd_in, off_in ? &in : nullptr, fd_out,
                                off_out ? &out : nullptr, len, flags));
  if (off_in) *off_in = in;
  if (off_out) *off_out = out;
  return result;
}
Result LinuxSyscalls::Sendfile(int out_fd, int in_fd, int64_t* offset,
                               size_t count) {
  off_t off = offset ? *offset : 0;
  Result result = Wrap(::sendfile(out_fd, in_fd, offset ? &off : nullptr, count));
  if (offset) *offset = off;
  return result;
}
Result LinuxSyscalls::Open(const char* path, int flags, int mode) {
  return Wrap(::open(path, flags, static_cast<mode_t>(mode)));
}

}  // namespace synack::kernel
