// The seam between the interpreter and a stack under test. Chosen once per
// run: the Linux kernel (runtime/kernel) or synack's own stack.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "interpreter/clock.h"

struct pollfd;
struct epoll_event;
struct msghdr;
struct iovec;

namespace synack::interpreter {

// A system call's outcome in Linux's terms: ret >= 0, or ret == -1 and err.
struct SyscallResult {
  int64_t ret = 0;
  int err = 0;
};

// A packet the stack sent, with the time the backend saw it leave.
struct Outbound {
  std::vector<uint8_t> bytes;
  Instant time;
};

struct CommandResult {
  int exit_status = 0;  // as from waitpid, decoded: exit code, or 128+signal
  std::string output;   // stdout and stderr, interleaved
};

// The socket API as the language uses it, Linux ABI: the same argument types
// as the libc functions, backend-owned descriptors. Blocking calls may be
// issued from another thread than the interpreter's (the kernel backend runs
// them on threads); implementations must allow that.
class Syscalls {
 public:
  virtual ~Syscalls() = default;
  virtual SyscallResult Socket(int domain, int type, int protocol) = 0;
  virtual SyscallResult Bind(int fd, const sockaddr* addr, socklen_t len) = 0;
  virtual SyscallResult Listen(int fd, int backlog) = 0;
  virtual SyscallResult Accept(int fd, sockaddr* addr, socklen_t* len) = 0;
  virtual SyscallResult Connect(int fd, const sockaddr* addr, socklen_t len) = 0;
  virtual SyscallResult Read(int fd, void* buf, size_t len) = 0;
  virtual SyscallResult Readv(int fd, const iovec* iov, int iovcnt) = 0;
  virtual SyscallResult Recvfrom(int fd, void* buf, size_t len, int flags,
                                 sockaddr* addr, socklen_t* addrlen) = 0;
  virtual SyscallResult Recvmsg(int fd, msghdr* msg, int flags) = 0;
  virtual SyscallResult Write(int fd, const void* buf, size_t len) = 0;
  virtual SyscallResult Writev(int fd, const iovec* iov, int iovcnt) = 0;
  virtual SyscallResult Sendto(int fd, const void* buf, size_t len, int flags,
                               const sockaddr* addr, socklen_t addrlen) = 0;
  virtual SyscallResult Sendmsg(int fd, const msghdr* msg, int flags) = 0;
  virtual SyscallResult Close(int fd) = 0;
  virtual SyscallResult Shutdown(int fd, int how) = 0;
  virtual SyscallResult Getsockopt(int fd, int level, int name, void* value,
                                   socklen_t* len) = 0;
  virtual SyscallResult Setsockopt(int fd, int level, int name,
                                   const void* value, socklen_t len) = 0;
  virtual SyscallResult Getsockname(int fd, sockaddr* addr, socklen_t* len) = 0;
  virtual SyscallResult Getpeername(int fd, sockaddr* addr, socklen_t* len) = 0;
  virtual SyscallResult Fcntl(int fd, int cmd, int64_t arg) = 0;
  virtual SyscallResult Ioctl(int fd, unsigned long request, void* arg) = 0;
  virtual SyscallResult Poll(pollfd* fds, int nfds, int timeout_ms) = 0;
  virtual SyscallResult EpollCreate(int size) = 0;
  virtual SyscallResult EpollCtl(int epfd, int op, int fd, epoll_event* ev) = 0;
  virtual SyscallResult EpollWait(int epfd, epoll_event* events, int max,
                                  int timeout_ms) = 0;
  virtual SyscallResult Pipe(int fds[2]) = 0;
  virtual SyscallResult Splice(int fd_in, int64_t* off_in, int fd_out,
                               int64_t* off_out, size_t len, unsigned flags) = 0;
  virtual SyscallResult Sendfile(int out_fd, int in_fd, int64_t* offset,
                                 size_t count) = 0;
  virtual SyscallResult Open(const char* path, int flags, int mode) = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual Clock& clock() = 0;
  virtual Syscalls& syscalls() = 0;

  // Hands a packet (a raw IP datagram) to the stack as if from the wire.
  // Returns an error message, empty on success.
  virtual std::string Inject(std::span<const uint8_t> packet) = 0;

  // The next packet the stack sends, waiting until `deadline` at most.
  virtual std::optional<Outbound> NextOutbound(Instant deadline) = 0;

  // Runs a shell command (a backtick line) where the stack lives, with
  // `env` added to the environment.
  virtual CommandResult RunCommand(
      const std::string& command,
      const std::map<std::string, std::string>& env) = 0;

  // The SNMP and netstat counters under their nstat names
  // (TcpExtListenOverflows, TcpActiveOpens, ...).
  virtual std::map<std::string, int64_t> Counters() = 0;
};

}  // namespace synack::interpreter
