// FormatTcpOptions(): TCP options in packet-script spelling, e.g.
// `<mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 8>`.
#include <cstdio>

#include "runtime/wire/bytes.h"
#include "runtime/wire/packet.h"

namespace synack::wire {
namespace {

std::string Hex(std::span<const uint8_t> data) {
  std::string text;
  char byte[3];
  for (uint8_t b : data) {
    std::snprintf(byte, sizeof byte, "%02x", b);
    text += byte;
  }
  return text;
}

// "FO" or "FO 0123abcd": an empty cookie is a cookie request (RFC 7413).
std::string WithCookie(const char* name, std::span<const uint8_t> cookie) {
  return cookie.empty() ? name : std::string(name) + " " + Hex(cookie);
}

std::string Sack(const std::vector<uint8_t>& data) {
  std::string text = "sack";
  for (size_t i = 0; i + 8 <= data.size(); i += 8) {
    text += " " + std::to_string(Load32(&data[i])) + ":" +
            std::to_string(Load32(&data[i + 4]));
  }
  return text;
}

// A known kind whose length does not fit its definition, or an unknown
// kind: its number and its length byte.
std::string Raw(const TcpOption& option) {
  return "opt-" + std::to_string(option.kind) + "[" +
         std::to_string(option.data.size() + 2) + "]";
}

// "ECN e0b N ceb N e1b N", or e1b first for kind 174: the counters the
// option's length holds (one at least; packetdrill's accecn_option).
std::string AccEcn(const TcpOption& option) {
  const char* const kOrder[2][3] = {{"e0b", "ceb", "e1b"}, {"e1b", "ceb", "e0b"}};
  const bool e1b_first = option.kind == tcp_opt::kAccEcn1;
  std::string text = "ECN";
  for (size_t i = 0; i + 3 <= option.data.size(); i += 3) {
    const uint32_t count = (uint32_t{option.data[i]} << 16) |
                           (uint32_t{option.data[i + 1]} << 8) | option.data[i + 2];
    text += std::string(" ") + kOrder[e1b_first][i / 3] + " " + std::to_string(count);
  }
  return text;
}

bool IsFastOpenExp(const TcpOption& option) {
  return option.kind == tcp_opt::kExperimental && option.data.size() >= 2 &&
         Load16(option.data.data()) == tcp_opt::kFastOpenMagic;
}

std::string FormatOption(const TcpOption& option) {
  const std::vector<uint8_t>& data = option.data;
  switch (option.kind) {
    case tcp_opt::kEol: return "eol";
    case tcp_opt::kNop: return "nop";
    case tcp_opt::kMss:
      if (data.size() == 2) return "mss " + std::to_string(Load16(data.data()));
      break;
    case tcp_opt::kWscale:
      if (data.size() == 1) return "wscale " + std::to_string(data[0]);
      break;
    case tcp_opt::kSackOk:
      if (data.empty()) return "sackOK";
      break;
    case tcp_opt::kSack:
      if (!data.empty() && data.size() % 8 == 0) return Sack(data);
      break;
    case tcp_opt::kTimestamp:
      if (data.size() == 8) {
        return "TS val " + std::to_string(Load32(&data[0])) + " ecr " +
               std::to_string(Load32(&data[4]));
      }
      break;
    case tcp_opt::kMd5: return "md5 " + Hex(data);
    case tcp_opt::kFastOpen: return WithCookie("FO", data);
    case tcp_opt::kAccEcn0:
    case tcp_opt::kAccEcn1:
      if (!data.empty() && data.size() <= 9 && data.size() % 3 == 0) return AccEcn(option);
      break;
    case tcp_opt::kExperimental:
      if (IsFastOpenExp(option)) {
        return WithCookie("FOEXP", std::span(data).subspan(2));
      }
      break;
  }
  return Raw(option);
}

}  // namespace

std::string FormatTcpOptions(const std::vector<TcpOption>& options) {
  std::string text = "<";
  for (size_t i = 0; i < options.size(); ++i) {
    if (i > 0) text += ",";
    text += FormatOption(options[i]);
  }
  return text + ">";
}

}  // namespace synack::wire
