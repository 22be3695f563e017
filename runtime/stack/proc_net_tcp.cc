// /proc/net/tcp and /proc/net/tcp6 over the stack's sockets, in the
// layout of Linux's tcp4_seq_show() / tcp6_seq_show(). The stack fills in
// what it models (slot, addresses, state, send and receive queues); the
// timer, uid, inode, refcount, pointer, RTO, ATO, quick-ACK, cwnd and
// ssthresh columns are zeros.
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "runtime/stack/stack_shell.h"

namespace synack::stack {
namespace {

// An address as the kernel prints its __be32 words with %08X on a
// little-endian machine: each 4-byte word's bytes reversed. IPv4 in an
// IPv6 socket's table is ::ffff:a.b.c.d.
std::string Words(const std::optional<wire::IpAddress>& address, bool ipv6) {
  std::array<uint8_t, 16> bytes{};
  if (address && address->family == AF_INET && ipv6) {
    bytes[10] = bytes[11] = 0xff;
    std::copy(address->bytes.begin(), address->bytes.begin() + 4, bytes.begin() + 12);
  } else if (address) {
    bytes = address->bytes;
  }
  std::string text;
  const size_t words = ipv6 ? 4 : 1;
  for (size_t w = 0; w < words; ++w) {
    char word[9];
    std::snprintf(word, sizeof word, "%02X%02X%02X%02X", bytes[4 * w + 3], bytes[4 * w + 2],
                  bytes[4 * w + 1], bytes[4 * w]);
    text += word;
  }
  return text;
}

}  // namespace

std::string ProcNetTcp(const std::vector<SocketSummary>& sockets, bool ipv6) {
  std::string out;
  // tcp4_seq_show() pads every line to TMPSZ - 1 = 149 characters.
  auto pad = [&out, ipv6](size_t line_start) {
    if (!ipv6 && out.size() - line_start < 149) out.append(149 - (out.size() - line_start), ' ');
    out += '\n';
  };
  out += ipv6 ? "  sl  local_address                         remote_address"
                "                        st tx_queue rx_queue tr tm->when retrnsmt"
                "   uid  timeout inode"
              : "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when"
                " retrnsmt   uid  timeout inode";
  pad(0);
  int slot = 0;
  for (const SocketSummary& s : sockets) {
    if ((s.domain == AF_INET6) != ipv6) continue;
    const bool listener = s.state == TcpState::kListen;
    // A listener's tx_queue is write_seq - snd_una (0) and its rx_queue
    // the accept queue's length (sk_ack_backlog).
    const uint32_t tx = listener ? 0 : s.send_q;
    const uint32_t rx = s.recv_q;
    char line[256];
    std::snprintf(line, sizeof line,
                  "%4d: %s:%04X %s:%04X %02X %08X:%08X 00:00000000 00000000     0        0 0 "
                  "0 0000000000000000 0 0 0 0 0",
                  slot++, Words(s.local_addr, ipv6).c_str(), s.local_port,
                  Words(listener ? std::nullopt : s.remote_addr, ipv6).c_str(),
                  listener ? 0 : s.remote_port, static_cast<unsigned>(s.state), tx, rx);
    const size_t start = out.size();
    out += line;
    pad(start);
  }
  return out;
}

}  // namespace synack::stack
