// The system calls a script may make, with how many arguments each takes.
#include <string>

#include "grammar/checker.h"
#include "grammar/known_names.h"

namespace synack::grammar {

namespace {

// The socket calls packetdrill runs, plus the few file and pipe calls its
// scripts use around them (open, pipe, splice, sendfile). Argument counts
// are the C prototypes': fcntl's third and open's mode are optional.
const SyscallInfo kSyscalls[] = {
    {"socket", 3, 3},        {"bind", 3, 3},       {"listen", 2, 2},
    {"accept", 3, 3},        {"accept4", 4, 4},    {"connect", 3, 3},
    {"read", 3, 3},          {"readv", 3, 3},      {"recv", 4, 4},
    {"recvfrom", 6, 6},      {"recvmsg", 3, 3},    {"write", 3, 3},
    {"writev", 3, 3},        {"send", 4, 4},       {"sendto", 6, 6},
    {"sendmsg", 3, 3},       {"close", 1, 1},      {"shutdown", 2, 2},
    {"getsockopt", 5, 5},    {"setsockopt", 5, 5}, {"getsockname", 3, 3},
    {"getpeername", 3, 3},   {"socketpair", 4, 4}, {"fcntl", 2, 3},
    {"ioctl", 2, 3},         {"poll", 3, 3},       {"epoll_create", 1, 1},
    {"epoll_create1", 1, 1}, {"epoll_ctl", 4, 4},  {"epoll_wait", 4, 4},
    {"open", 2, 3},          {"pipe", 1, 1},       {"splice", 6, 6},
    {"sendfile", 4, 4},
};

}  // namespace

const SyscallInfo* LookupSyscall(const std::string& name) {
  for (const SyscallInfo& info : kSyscalls) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

std::vector<std::string_view> SyscallNames() {
  std::vector<std::string_view> names;
  for (const SyscallInfo& info : kSyscalls) names.push_back(info.name);
  return names;
}

}  // namespace synack::grammar
