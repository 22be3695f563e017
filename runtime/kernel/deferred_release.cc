// DeferredRelease: a self-referencing SCM_RIGHTS cycle (see the header).
#include "runtime/kernel/deferred_release.h"

#include <sys/socket.h>

#include <cstring>

namespace synack::kernel {

DeferredRelease DeferredRelease::Hold(int fd) {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair) != 0) return {};
  DeferredRelease held;
  held.sender_.reset(pair[0]);
  held.receiver_.reset(pair[1]);

  int fds[2] = {fd, pair[1]};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(fds))] = {};
  char byte = 0;
  iovec iov{&byte, 1};
  msghdr message{};
  message.msg_iov = &iov;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof(control);
  cmsghdr* cmsg = CMSG_FIRSTHDR(&message);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(fds));
  std::memcpy(CMSG_DATA(cmsg), fds, sizeof(fds));
  if (sendmsg(pair[0], &message, MSG_DONTWAIT) != 1) return {};
  return held;
}

void DeferredRelease::Close(UniqueFd fd) {
  DeferredRelease held = Hold(fd.get());
  // The descriptor first: closed after the pair, it could find the garbage
  // collector already done, and be the last reference after all.
  fd.reset();
}

}  // namespace synack::kernel
