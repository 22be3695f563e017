// The map from script file descriptors to live ones.
#include "interpreter/fd_table.h"

#include <algorithm>

namespace synack::interpreter {

std::optional<int> FdTable::Add(int script_fd, int live_fd, bool is_socket) {
  std::optional<int> replaced = Find(script_fd);
  Remove(script_fd);
  live_by_script_[script_fd] = live_fd;
  // The kernel reuses numbers: a new socket has not connected yet.
  connected_.erase(live_fd);
  if (is_socket) {
    sockets_[next_age_] = script_fd;
    socket_age_[script_fd] = next_age_++;
  }
  return replaced;
}

void FdTable::Remove(int script_fd) {
  live_by_script_.erase(script_fd);
  if (auto it = socket_age_.find(script_fd); it != socket_age_.end()) {
    sockets_.erase(it->second);
    socket_age_.erase(it);
  }
}

std::optional<int> FdTable::Find(int script_fd) const {
  auto it = live_by_script_.find(script_fd);
  if (it == live_by_script_.end()) return std::nullopt;
  return it->second;
}

int FdTable::Translate(int script_fd) const {
  if (script_fd < 0) return script_fd;
  return Find(script_fd).value_or(kUnknownFd);
}

std::optional<int> FdTable::CurrentSocket() const {
  if (sockets_.empty()) return std::nullopt;
  return Find(sockets_.rbegin()->second);
}

bool FdTable::FirstConnect(int live_fd) {
  return connected_.insert(live_fd).second;
}

void FdTable::Disconnected(int live_fd) { connected_.erase(live_fd); }

void FdTable::Forget(PortPair ports) { forgotten_.insert(ports); }

bool FdTable::IsForgotten(PortPair ports) const {
  return forgotten_.count(ports) != 0;
}

}  // namespace synack::interpreter
