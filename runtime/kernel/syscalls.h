// LinuxSyscalls: interpreter::Syscalls as the libc calls themselves.
#pragma once

#include "interpreter/backend.h"

namespace synack::kernel {

// Each method is the libc call with its result and errno. Stateless, so any
// thread may call any method (errno is per thread).
class LinuxSyscalls final : public interpreter::Syscalls {
 public:
  using Result = interpreter::SyscallResult;

  Result Socket(int domain, int type, int protocol) override;
  Result Bind(int fd, const sockaddr* addr, socklen_t len) override;
  Result Listen(int fd, int backlog) override;
  Result Accept(int fd, sockaddr* addr, socklen_t* len) override;
  Result Connect(int fd, const sockaddr* addr, socklen_t len) override;
  Result Read(int fd, void* buf, size_t len) override;
  Result Readv(int fd, const iovec* iov, int iovcnt) override;
  Result Recvfrom(int fd, void* buf, size_t len, int flags, sockaddr* addr,
                  socklen_t* addrlen) override;
  Result Recvmsg(int fd, msghdr* msg, int flags) override;
  Result Write(int fd, const void* buf, size_t len) override;
  Result Writev(int fd, const iovec* iov, int iovcnt) override;
  Result Sendto(int fd, const void* buf, size_t len, int flags,
                const sockaddr* addr, socklen_t addrlen) override;
  Result Sendmsg(int fd, const msghdr* msg, int flags) override;
  Result Close(int fd) override;
  Result Shutdown(int fd, int how) override;
  Result Getsockopt(int fd, int level, int name, void* value,
                    socklen_t* len) override;
  Result Setsockopt(int fd, int level, int name, const void* value,
                    socklen_t len) override;
  Result Getsockname(int fd, sockaddr* addr, socklen_t* len) override;
  Result Getpeername(int fd, sockaddr* addr, socklen_t* len) override;
  Result Fcntl(int fd, int cmd, int64_t arg) override;
  Result Ioctl(int fd, unsigned long request, void* arg) override;
  Result Poll(pollfd* fds, int nfds, int timeout_ms) override;
  Result EpollCreate(int size) override;
  Result EpollCtl(int epfd, int op, int fd, epoll_event* ev) override;
  Result EpollWait(int epfd, epoll_event* events, int max,
                   int timeout_ms) override;
  Result Pipe(int fds[2]) override;
  Result Splice(int fd_in, int64_t* off_in, int fd_out, int64_t* off_out,
                size_t len, unsigned flags) override;
  Result Sendfile(int out_fd, int in_fd, int64_t* offset,
                  size_t count) override;
  Result Open(const char* path, int flags, int mode) override;
};

}  // namespace synack::kernel
