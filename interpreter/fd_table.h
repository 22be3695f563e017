// The script's file descriptors and the live ones they stand for: a script
// says `socket(...) = 3` while the backend may hand out 7. Also what the
// interpreter remembers per socket: whether it has connected, and the
// connections the script let go of.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace synack::interpreter {

// A connection's ports as the stack sees them.
struct PortPair {
  uint16_t local = 0;
  uint16_t remote = 0;
  friend auto operator<=>(const PortPair&, const PortPair&) = default;
};

class FdTable {
 public:
  // What an unknown script fd becomes: a number no descriptor has, so the
  // call fails with EBADF instead of touching one of synack's own files.
  static constexpr int kUnknownFd = 0x3fffffff;

  // Maps `script_fd` to `live_fd`. A script may reuse a number that still
  // stands for an open descriptor (packetdrill forgets the old one); the
  // live fd it stood for is returned so its connection can be forgotten.
  std::optional<int> Add(int script_fd, int live_fd, bool is_socket);
  void Remove(int script_fd);

  std::optional<int> Find(int script_fd) const;
  // The live fd for a script fd argument: negative fds pass through (they
  // mean "none" in poll and friends), unknown ones become kUnknownFd.
  int Translate(int script_fd) const;

  // The socket `%{ }%` blocks read TCP_INFO from: the one most recently
  // created by socket() or accept() that is still open. Live fd.
  std::optional<int> CurrentSocket() const;

  // True the first time a live socket connects (connect(), sendto() with
  // MSG_FASTOPEN): a second call on a connecting socket (EALREADY) is no
  // new connection.
  bool FirstConnect(int live_fd);
  // connect(fd, AF_UNSPEC) disconnected the socket: its next connect() is a
  // new connection again (packetdrill's run_syscall_connect() makes the
  // socket SOCKET_NEW).
  void Disconnected(int live_fd);

  // Connections the script has closed or whose fd it reused. Their packets
  // the script no longer describes (an ACK of a late FIN) are skipped when
  // the script waits for another connection's packet.
  void Forget(PortPair ports);
  bool IsForgotten(PortPair ports) const;

 private:
  std::map<int, int> live_by_script_;
  // Open script fds of sockets by age (a counter at Add), both ways, so
  // that closing one of thousands costs O(log N).
  std::map<uint64_t, int> sockets_;
  std::map<int, uint64_t> socket_age_;
  uint64_t next_age_ = 0;
  std::set<int> connected_;   // live fds
  std::set<PortPair> forgotten_;
};

}  // namespace synack::interpreter
