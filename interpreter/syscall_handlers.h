// The prepare functions of the system calls, one per call, grouped by file:
// syscall_sockets.cc, syscall_io.cc, syscall_options.cc, syscall_events.cc,
// syscall_files.cc. syscall_table.cc maps names to them.
#pragma once

#include "interpreter/syscall.h"

namespace synack::interpreter::syscalls {

#define SYNACK_SYSCALL(name)                                               \
  bool name(const grammar::SyscallEvent& call, Evaluator& eval, CallEnv& env, \
            PreparedCall* out)

// syscall_sockets.cc
SYNACK_SYSCALL(Socket);
SYNACK_SYSCALL(Bind);
SYNACK_SYSCALL(Listen);
SYNACK_SYSCALL(Accept);
SYNACK_SYSCALL(Accept4);
SYNACK_SYSCALL(Connect);
SYNACK_SYSCALL(Close);
SYNACK_SYSCALL(Shutdown);
SYNACK_SYSCALL(Getsockname);
SYNACK_SYSCALL(Getpeername);

// syscall_io.cc
SYNACK_SYSCALL(Read);
SYNACK_SYSCALL(Readv);
SYNACK_SYSCALL(Recv);
SYNACK_SYSCALL(Recvfrom);
SYNACK_SYSCALL(Recvmsg);
SYNACK_SYSCALL(Write);
SYNACK_SYSCALL(Writev);
SYNACK_SYSCALL(Send);
SYNACK_SYSCALL(Sendto);
SYNACK_SYSCALL(Sendmsg);

// syscall_options.cc
SYNACK_SYSCALL(Getsockopt);
SYNACK_SYSCALL(Setsockopt);
SYNACK_SYSCALL(Fcntl);
SYNACK_SYSCALL(Ioctl);

// syscall_events.cc
SYNACK_SYSCALL(Poll);
SYNACK_SYSCALL(EpollCreate);
SYNACK_SYSCALL(EpollCreate1);
SYNACK_SYSCALL(EpollCtl);
SYNACK_SYSCALL(EpollWait);

// syscall_files.cc
SYNACK_SYSCALL(Open);
SYNACK_SYSCALL(Pipe);
SYNACK_SYSCALL(Splice);
SYNACK_SYSCALL(Sendfile);

#undef SYNACK_SYSCALL

}  // namespace synack::interpreter::syscalls
