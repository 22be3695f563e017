// Reading and writing TCP options (RFC 9293 §3.2, RFC 7323, RFC 2018).
#include "runtime/stack/options.h"

#include <algorithm>
#include <span>

#include "runtime/wire/bytes.h"

namespace synack::stack {
namespace {

wire::TcpOption Nop() { return {wire::tcp_opt::kNop, {}}; }

wire::TcpOption Timestamp(uint32_t tsval, uint32_t tsecr) {
  wire::TcpOption option{wire::tcp_opt::kTimestamp, std::vector<uint8_t>(8)};
  wire::Store32(&option.data[0], tsval);
  wire::Store32(&option.data[4], tsecr);
  return option;
}

// tcp_parse_fastopen_option(): only on a SYN or SYN-ACK, only an even
// length; a cookie of 4 to 16 bytes, and any other length a request.
void ParseFastOpen(std::span<const uint8_t> cookie, bool syn, bool exp,
                   ReceivedOptions* out) {
  if (!syn || cookie.size() % 2 != 0) return;
  if (cookie.size() >= 4 && cookie.size() <= 16) {
    out->fastopen = std::vector<uint8_t>(cookie.begin(), cookie.end());
  } else {
    out->fastopen = std::vector<uint8_t>{};
  }
  out->fastopen_exp = exp;
}

}  // namespace

ReceivedOptions ParseOptions(const std::vector<wire::TcpOption>& options,
                             bool syn) {
  ReceivedOptions out;
  for (const wire::TcpOption& option : options) {
    const std::vector<uint8_t>& d = option.data;
    switch (option.kind) {
      case wire::tcp_opt::kMss:
        if (syn && d.size() == 2 && wire::Load16(d.data()) != 0) {
          out.mss = wire::Load16(d.data());
        }
        break;
      case wire::tcp_opt::kWscale:
        if (syn && d.size() == 1) out.wscale = d[0];
        break;
      case wire::tcp_opt::kSackOk:
        if (syn && d.empty()) out.sack_permitted = true;
        break;
      case wire::tcp_opt::kTimestamp:
        if (d.size() == 8) {
          out.saw_tstamp = true;
          out.tsval = wire::Load32(&d[0]);
          out.tsecr = wire::Load32(&d[4]);
        }
        break;
      case wire::tcp_opt::kSack:
        if (!d.empty() && d.size() % 8 == 0) {
          for (size_t i = 0; i < d.size(); i += 8) {
            out.sacks.push_back({wire::Load32(&d[i]), wire::Load32(&d[i + 4])});
          }
        }
        break;
      case wire::tcp_opt::kFastOpen:
        ParseFastOpen(d, syn, false, &out);
        break;
      case wire::tcp_opt::kExperimental:
        if (d.size() >= 2 && wire::Load16(d.data()) == wire::tcp_opt::kFastOpenMagic) {
          ParseFastOpen(std::span<const uint8_t>(d).subspan(2), syn, true, &out);
        }
        break;
      default:
        break;
    }
  }
  return out;
}

std::vector<wire::TcpOption> BuildSynOptions(const SynOptions& spec) {
  std::vector<wire::TcpOption> out;
  wire::TcpOption mss{wire::tcp_opt::kMss, std::vector<uint8_t>(2)};
  wire::Store16(mss.data.data(), spec.mss);
  out.push_back(mss);
  // OPTION_SACK_ADVERTISE shares the TS option's first two bytes when both
  // are on; otherwise each is padded with two NOPs.
  if (spec.timestamps) {
    if (spec.sack) {
      out.push_back({wire::tcp_opt::kSackOk, {}});
    } else {
      out.push_back(Nop());
      out.push_back(Nop());
    }
    out.push_back(Timestamp(spec.tsval, spec.tsecr));
  } else if (spec.sack) {
    out.push_back(Nop());
    out.push_back(Nop());
    out.push_back({wire::tcp_opt::kSackOk, {}});
  }
  if (spec.wscale) {
    out.push_back(Nop());
    out.push_back({wire::tcp_opt::kWscale, {*spec.wscale}});
  }
  if (spec.fastopen) {
    // tcp_options_write(): the Fast Open option, then NOPs to a word
    // (measured: `...,wscale 8,FO,nop,nop` for a cookie request); the
    // experimental option's magic makes it a word already.
    if (spec.fastopen_exp) {
      std::vector<uint8_t> data(2);
      wire::Store16(data.data(), wire::tcp_opt::kFastOpenMagic);
      data.insert(data.end(), spec.fastopen->begin(), spec.fastopen->end());
      out.push_back({wire::tcp_opt::kExperimental, data});
    } else {
      out.push_back({wire::tcp_opt::kFastOpen, *spec.fastopen});
    }
    for (size_t n = 2 + (spec.fastopen_exp ? 2 : 0) + spec.fastopen->size(); n % 4 != 0; ++n) {
      out.push_back(Nop());
    }
  }
  return out;
}

std::vector<wire::TcpOption> BuildSegmentOptions(
    bool timestamps, uint32_t tsval, uint32_t tsecr,
    const std::vector<SackBlock>& sacks) {
  std::vector<wire::TcpOption> out;
  if (timestamps) {
    out.push_back(Nop());
    out.push_back(Nop());
    out.push_back(Timestamp(tsval, tsecr));
  }
  if (!sacks.empty()) {
    const size_t room = timestamps ? 3 : 4;
    const size_t n = std::min(room, sacks.size());
    wire::TcpOption sack{wire::tcp_opt::kSack, std::vector<uint8_t>(8 * n)};
    for (size_t i = 0; i < n; ++i) {
      wire::Store32(&sack.data[8 * i], sacks[i].start);
      wire::Store32(&sack.data[8 * i + 4], sacks[i].end);
    }
    out.push_back(Nop());
    out.push_back(Nop());
    out.push_back(sack);
  }
  return out;
}

uint32_t TcpOptionBytes(const std::vector<wire::TcpOption>& options) {
  uint32_t n = 0;
  for (const wire::TcpOption& o : options) {
    n += (o.kind == wire::tcp_opt::kNop || o.kind == wire::tcp_opt::kEol)
             ? 1
             : 2 + static_cast<uint32_t>(o.data.size());
  }
  return (n + 3) & ~3u;
}

}  // namespace synack::stack
