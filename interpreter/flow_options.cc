// TCP options from script spelling to wire form, and the SACK and timestamp
// fields inside them.
#include "interpreter/flow_options.h"

namespace synack::interpreter {
namespace {

using grammar::TcpOption;

void Put16(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

void Put32(std::vector<uint8_t>& out, uint32_t v) {
  Put16(out, v >> 16);
  Put16(out, v & 0xffff);
}

uint32_t Get32(const std::vector<uint8_t>& data, size_t at) {
  return (uint32_t{data[at]} << 24) | (uint32_t{data[at + 1]} << 16) |
         (uint32_t{data[at + 2]} << 8) | uint32_t{data[at + 3]};
}

void Set32(std::vector<uint8_t>& data, size_t at, uint32_t v) {
  data[at] = static_cast<uint8_t>(v >> 24);
  data[at + 1] = static_cast<uint8_t>(v >> 16);
  data[at + 2] = static_cast<uint8_t>(v >> 8);
  data[at + 3] = static_cast<uint8_t>(v);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "de4f234f" -> {0xde, 0x4f, 0x23, 0x4f}. A cookie is a byte string, so an
// odd digit count or a name left unresolved (an undefined -D symbol) is an
// error rather than a guess.
std::optional<std::vector<uint8_t>> HexBytes(const std::string& hex,
                                             const char* what,
                                             std::string* error) {
  std::vector<uint8_t> bytes;
  bool ok = hex.size() % 2 == 0;
  for (size_t i = 0; ok && i < hex.size(); i += 2) {
    int high = HexDigit(hex[i]), low = HexDigit(hex[i + 1]);
    ok = high >= 0 && low >= 0;
    if (ok) bytes.push_back(static_cast<uint8_t>(high * 16 + low));
  }
  if (!ok) {
    *error = std::string(what) + " '" + hex +
             "' is not an even number of hex digits";
    return std::nullopt;
  }
  return bytes;
}

std::optional<wire::TcpOption> ToWire(const TcpOption& option,
                                      std::string* error) {
  wire::TcpOption out;
  switch (option.kind) {
    case TcpOption::Kind::kNop:
      out.kind = wire::tcp_opt::kNop;
      break;
    case TcpOption::Kind::kEol:
      out.kind = wire::tcp_opt::kEol;
      break;
    case TcpOption::Kind::kMss:
      out.kind = wire::tcp_opt::kMss;
      Put16(out.data, option.value);
      break;
    case TcpOption::Kind::kWscale:
      out.kind = wire::tcp_opt::kWscale;
      out.data.push_back(static_cast<uint8_t>(option.value));
      break;
    case TcpOption::Kind::kSackOk:
      out.kind = wire::tcp_opt::kSackOk;
      break;
    case TcpOption::Kind::kSack:
      out.kind = wire::tcp_opt::kSack;
      for (const grammar::SackBlock& block : option.blocks) {
        Put32(out.data, block.left);
        Put32(out.data, block.right);
      }
      break;
    case TcpOption::Kind::kTimestamp:
      out.kind = wire::tcp_opt::kTimestamp;
      Put32(out.data, option.value);
      Put32(out.data, option.ecr);
      break;
    case TcpOption::Kind::kMd5: {
      // RFC 2385: a 16-byte digest. A shorter one written in a script goes
      // out as written, a shorter option, as packetdrill's new_md5_option()
      // sends it (scripts that test invalid digests).
      auto digest = HexBytes(option.hex, "md5 digest", error);
      if (!digest) return std::nullopt;
      if (digest->size() > 16) {
        *error = "md5 digest '" + option.hex + "' is longer than 16 bytes";
        return std::nullopt;
      }
      out.kind = wire::tcp_opt::kMd5;
      out.data = std::move(*digest);
      break;
    }
    case TcpOption::Kind::kFastOpen:
    case TcpOption::Kind::kFastOpenExp: {
      auto cookie = HexBytes(option.hex, "Fast Open cookie", error);
      if (!cookie) return std::nullopt;
      if (option.kind == TcpOption::Kind::kFastOpen) {
        out.kind = wire::tcp_opt::kFastOpen;
      } else {
        // RFC 7413 §4.1.1: the experimental form is kind 254 with a magic.
        out.kind = wire::tcp_opt::kExperimental;
        Put16(out.data, wire::tcp_opt::kFastOpenMagic);
      }
      out.data.insert(out.data.end(), cookie->begin(), cookie->end());
      break;
    }
    case TcpOption::Kind::kAccEcn:
      // draft-ietf-tcpm-accurate-ecn §3.2.3: kind 172 lists the byte
      // counters EE0B, ECEB, EE1B; kind 174 lists EE1B, ECEB, EE0B; each
      // field 24 bits (packetdrill's new_tcp_accecn_option()).
      out.kind = static_cast<uint8_t>(option.accecn_e1b_first ? 174 : 172);
      for (uint32_t field : option.accecn_fields) {
        out.data.push_back(static_cast<uint8_t>(field >> 16));
        out.data.push_back(static_cast<uint8_t>(field >> 8));
        out.data.push_back(static_cast<uint8_t>(field));
      }
      break;
    case TcpOption::Kind::kGeneric:
      *error = "raw TCP options are not supported";
      return std::nullopt;
  }
  return out;
}

}  // namespace

std::optional<std::vector<wire::TcpOption>> ScriptOptionsToWire(
    const std::vector<TcpOption>& options, std::string* error) {
  std::vector<wire::TcpOption> out;
  for (const TcpOption& option : options) {
    auto converted = ToWire(option, error);
    if (!converted) return std::nullopt;
    out.push_back(std::move(*converted));
  }
  return out;
}

void MapSackBlocks(std::vector<wire::TcpOption>& options,
                   const std::function<uint32_t(uint32_t)>& map) {
  for (wire::TcpOption& option : options) {
    if (option.kind != wire::tcp_opt::kSack) continue;
    for (size_t at = 0; at + 4 <= option.data.size(); at += 4) {
      Set32(option.data, at, map(Get32(option.data, at)));
    }
  }
}

std::optional<Timestamps> FindTimestamps(
    const std::vector<wire::TcpOption>& options) {
  for (const wire::TcpOption& option : options) {
    if (option.kind == wire::tcp_opt::kTimestamp && option.data.size() == 8) {
      return Timestamps{Get32(option.data, 0), Get32(option.data, 4)};
    }
  }
  return std::nullopt;
}

void SetTimestamps(std::vector<wire::TcpOption>& options, Timestamps ts) {
  for (wire::TcpOption& option : options) {
    if (option.kind == wire::tcp_opt::kTimestamp && option.data.size() == 8) {
      Set32(option.data, 0, ts.val);
      Set32(option.data, 4, ts.ecr);
    }
  }
}

bool HasOptions(const std::vector<wire::TcpOption>& options) {
  for (const wire::TcpOption& option : options) {
    if (option.kind != wire::tcp_opt::kEol) return true;
  }
  return false;
}

std::vector<wire::TcpOption> WithoutTrailingEol(
    std::vector<wire::TcpOption> options) {
  while (!options.empty() && options.back().kind == wire::tcp_opt::kEol) {
    options.pop_back();
  }
  return options;
}

}  // namespace synack::interpreter
