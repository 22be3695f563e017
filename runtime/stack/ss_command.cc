// `ss -tn` over the stack's sockets, in iproute2's words and state filters.
#include <netinet/in.h>

#include <algorithm>
#include <array>

#include "runtime/stack/stack_shell.h"

namespace synack::stack {

namespace {

// iproute2's SS_* bit for each state, by its tcpi_state number.
uint32_t Bit(TcpState state) { return 1u << static_cast<int>(state); }

constexpr uint32_t kAll = 0xffe;  // states 1..11

uint32_t Connected() {
  return kAll & ~(Bit(TcpState::kListen) | Bit(TcpState::kClose));
}

// The filter `state NAME` selects.
std::optional<uint32_t> StateFilter(const std::string& name) {
  if (name == "all") return kAll;
  if (name == "connected") return Connected();
  if (name == "synchronized") return Connected() & ~Bit(TcpState::kSynSent);
  if (name == "bucket") return Bit(TcpState::kSynRecv) | Bit(TcpState::kTimeWait);
  if (name == "big") {
    return kAll & ~(Bit(TcpState::kSynRecv) | Bit(TcpState::kTimeWait));
  }
  struct Named {
    const char* name;
    TcpState state;
  };
  static const Named kNames[] = {
      {"established", TcpState::kEstablished}, {"syn-sent", TcpState::kSynSent},
      {"syn-recv", TcpState::kSynRecv},         {"fin-wait-1", TcpState::kFinWait1},
      {"fin-wait-2", TcpState::kFinWait2},      {"time-wait", TcpState::kTimeWait},
      {"closed", TcpState::kClose},             {"close-wait", TcpState::kCloseWait},
      {"last-ack", TcpState::kLastAck},         {"listening", TcpState::kListen},
      {"closing", TcpState::kClosing},
  };
  for (const Named& n : kNames) {
    if (name == n.name) return Bit(n.state);
  }
  return std::nullopt;
}

const char* StateWord(TcpState state) {
  switch (state) {
    case TcpState::kEstablished: return "ESTAB";
    case TcpState::kSynSent: return "SYN-SENT";
    case TcpState::kSynRecv: return "SYN-RECV";
    case TcpState::kFinWait1: return "FIN-WAIT-1";
    case TcpState::kFinWait2: return "FIN-WAIT-2";
    case TcpState::kTimeWait: return "TIME-WAIT";
    case TcpState::kClose: return "UNCONN";
    case TcpState::kCloseWait: return "CLOSE-WAIT";
    case TcpState::kLastAck: return "LAST-ACK";
    case TcpState::kListen: return "LISTEN";
    case TcpState::kClosing: return "CLOSING";
  }
  return "UNKNOWN";
}

// "192.168.0.1:8080", "[::ffff:192.168.0.1]:8080", "[fd3d::1]:8080",
// "0.0.0.0:*", "*:8080".
std::string Address(int domain, const std::optional<wire::IpAddress>& addr,
                    std::optional<uint16_t> port) {
  const std::string p = port ? std::to_string(*port) : "*";
  if (!addr) return (domain == AF_INET ? "0.0.0.0:" : "*:") + p;
  if (domain == AF_INET6 && addr->family == AF_INET) {
    return "[::ffff:" + addr->ToString() + "]:" + p;
  }
  if (addr->family == AF_INET6) return "[" + addr->ToString() + "]:" + p;
  return addr->ToString() + ":" + p;
}

}  // namespace

int SsCommand(const std::vector<std::string>& args,
              const std::vector<SocketSummary>& sockets, std::string* out,
              std::string* err) {
  bool header = true, tcp = false, other_protocol = false;
  std::optional<uint32_t> selected;  // from `state`; else by -a/-l
  bool all = false, listening = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "state" || arg == "exclude") {
      if (i + 1 >= args.size()) {
        *err += "ss: missing state name\n";
        return 1;
      }
      std::optional<uint32_t> bits = StateFilter(args[++i]);
      if (!bits) {
        *err += "ss: wrong state name: " + args[i] + "\n";
        return 1;
      }
      if (arg == "state") {
        selected = selected.value_or(0) | *bits;
      } else {
        selected = selected.value_or(kAll) & ~*bits;
      }
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-' && arg[1] != '-') {
      for (char c : arg.substr(1)) {
        switch (c) {
          case 'H': header = false; break;
          case 't': tcp = true; break;
          case 'n': break;
          case 'a': all = true; break;
          case 'l': listening = true; break;
          case 'u':
          case 'w':
          case 'x':
          case 'U':
            other_protocol = true;
            break;
          default:
            *err += "ss: option -" + std::string(1, c) +
                    " is not supported on the stack backend\n";
            return 1;
        }
      }
      continue;
    }
    *err += "ss: '" + arg + "' is not supported on the stack backend\n";
    return 1;
  }
  // Only TCP exists here: -u alone lists nothing.
  const bool list_tcp = tcp || !other_protocol;
  uint32_t filter;
  if (selected) {
    filter = *selected;
  } else if (all) {
    filter = kAll;
  } else if (listening) {
    // iproute2's -l: LISTEN and CLOSE (unconnected UDP); closed TCP
    // sockets are never listed.
    filter = Bit(TcpState::kListen) | Bit(TcpState::kClose);
  } else {
    // iproute2's default: connected sockets, less the SYN and TIME_WAIT
    // buckets.
    filter = Connected() & ~(Bit(TcpState::kTimeWait) | Bit(TcpState::kSynRecv));
  }
  // One selected state: iproute2 leaves its column out (`-l` selects two,
  // LISTEN and CLOSE, so it keeps it).
  const bool state_column = (filter & (filter - 1)) != 0;
  // iproute2 renders a table: each column as wide as its widest cell (the
  // header's included when shown), queues as "%-6d", addresses right-
  // aligned up to their colon, ports left-aligned, a blank before the
  // queue and address columns. Measured on iproute2 6.1:
  //   State    Recv-Q Send-Q Local Address:Port Peer Address:Port Process
  //   LISTEN   1      2        192.168.0.2:8080      0.0.0.0:*
  //   SYN-RECV 0      0        192.168.0.2:8080    192.0.2.1:40001
  // (every line padded to the full width), and with -H no header and no
  // padding beyond the cells: `LISTEN 1      2      192.168.0.2:8080 0.0.0.0:*`.
  enum Align { kLeft, kRight };
  struct Column {
    Align align;
    bool blank_before;
    bool shown;
  };
  const Column columns[] = {
      {kLeft, false, state_column}, {kLeft, true, true},  {kLeft, true, true},
      {kRight, true, true},         {kLeft, false, true}, {kRight, true, true},
      {kLeft, false, true},         {kLeft, false, true},
  };
  constexpr size_t kColumns = std::size(columns);
  using Row = std::array<std::string, kColumns>;
  auto queue = [](uint32_t n) {
    std::string text = std::to_string(n);
    if (text.size() < 6) text.resize(6, ' ');
    return text;
  };
  std::vector<Row> rows;
  if (header) {
    rows.push_back({"State", "Recv-Q", "Send-Q", "Local Address:", "Port",
                    "Peer Address:", "Port", "Process"});
  }
  if (list_tcp) {
    for (const SocketSummary& s : sockets) {
      if (!(filter & Bit(s.state))) continue;
      const bool listener = s.state == TcpState::kListen;
      const std::string local = Address(s.domain, s.local_addr, s.local_port);
      const std::string peer =
          listener ? Address(s.domain, std::nullopt, std::nullopt)
                   : Address(s.domain, s.remote_addr, s.remote_port);
      const size_t lc = local.rfind(':'), pc = peer.rfind(':');
      rows.push_back({StateWord(s.state), queue(s.recv_q), queue(s.send_q),
                      local.substr(0, lc + 1), local.substr(lc + 1),
                      peer.substr(0, pc + 1), peer.substr(pc + 1), ""});
    }
  }
  std::array<size_t, kColumns> width{};
  for (const Row& row : rows) {
    for (size_t c = 0; c < kColumns; ++c) width[c] = std::max(width[c], row[c].size());
  }
  for (const Row& row : rows) {
    std::string line;
    bool first = true;
    for (size_t c = 0; c < kColumns; ++c) {
      if (!columns[c].shown) continue;
      if (columns[c].blank_before && !first) line += ' ';
      first = false;
      const std::string pad(width[c] - row[c].size(), ' ');
      line += columns[c].align == kLeft ? row[c] + pad : pad + row[c];
    }
    *out += line + "\n";
  }
  return 0;
}

}  // namespace synack::stack
