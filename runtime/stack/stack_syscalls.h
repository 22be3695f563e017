// StackSyscalls: interpreter::Syscalls over a SharedStack, turning the
// libc-shaped calls (iovecs, msghdrs, pollfds) into the stack's own.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>

#include "interpreter/backend.h"
#include "runtime/stack/files.h"
#include "runtime/stack/shared_stack.h"

namespace synack::stack {

// Calls on a blocking socket wait as SharedStack's pending calls. Besides
// TCP sockets and epoll instances there are files of a FileTable, opened
// read-only, and pipes (file_syscalls.cc: open(), pipe(), read() and
// write() on them, sendfile() and splice()). A NULL buffer with a length is EFAULT once the call
// gets as far as copying, as in Linux.
class StackSyscalls final : public interpreter::Syscalls {
 public:
  using Result = interpreter::SyscallResult;

  // `files`: what open() finds (none without it).
  explicit StackSyscalls(SharedStack& shared, const FileTable* files = nullptr)
      : shared_(shared), files_(files) {}

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

 private:
  // `inq`, when given, gets the TCP_INQ hint as the read left it.
  Result ReadInto(int fd, const iovec* iov, size_t iovcnt, int flags,
                  std::optional<int>* inq = nullptr);
  Result WriteFrom(int fd, const iovec* iov, size_t iovcnt, int flags,
                   const sockaddr* addr = nullptr, socklen_t addrlen = 0);
  // A call that never blocks.
  template <typename F>
  Result Now(F&& f);

  // An epoll instance's interest list. Edge-triggered items report a
  // socket once per wake-up (Stack::Wakeups), level-triggered ones
  // whenever it is ready.
  struct EpollItem {
    uint32_t events = 0;
    uint64_t data = 0;
    uint64_t seen_wakeups = 0;
    bool pending = false;   // on the ready list since ADD or MOD
    bool disabled = false;  // EPOLLONESHOT fired
  };
  using Epoll = std::map<int, EpollItem>;  // by fd
  // Stack and epoll state are only touched inside SharedStack::Call, under
  // its lock.
  int CollectEpollEvents(Stack& s, Instant now, Epoll& epoll, epoll_event* events,
                         int max);

  // An open file: its contents when opened and the file position.
  struct OpenFile {
    std::vector<uint8_t> data;
    int64_t pos = 0;
  };
  // read() on a file descriptor (a copy from the position).
  Result ReadFile(OpenFile& file, const iovec* iov, size_t iovcnt);
  // A pipe: its buffer and which ends are open; each end's descriptor.
  struct PipeBuffer {
    std::deque<uint8_t> data;
    bool reader = true, writer = true;
  };
  struct PipeEnd {
    std::shared_ptr<PipeBuffer> pipe;
    bool write = false;
  };
  // read() and write() on a pipe's descriptor, as one attempt (nullopt:
  // it would block).
  std::optional<Result> PipeRead(PipeEnd& end, const iovec* iov, size_t iovcnt);
  std::optional<Result> PipeWrite(PipeEnd& end, const iovec* iov, size_t iovcnt);

  SharedStack& shared_;
  const FileTable* files_;
  std::map<int, Epoll> epolls_;  // by epoll fd
  std::map<int, OpenFile> open_files_;  // by fd; touched under the lock too
  std::map<int, PipeEnd> pipes_;        // by fd, likewise
};

}  // namespace synack::stack
