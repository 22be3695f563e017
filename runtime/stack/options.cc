// Reading and writing TCP options (RFC 9293 §3.2, RFC 7323, RFC 2018).
#include "runtime/stack/options.h"

#include <algorithm>

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
        // tcp_parse_fastopen_option(): a cookie of 4 to 16 bytes, even,
        // or none (a request).
        if (d.empty() || (d.size() >= 4 && d.size() <= 16 && d.size() % 2 == 0)) {
          out.fastopen = d;
        }
        break;
      case wire::tcp_opt::kExperimental:
        if (d.size() >= 2 && wire::Load16(d.data()) == wire::tcp_opt::kFastOpenMagic) {
          std::vector<uint8_t> cookie(d.begin() + 2, d.end());
          if (cookie.empty() ||
              (cookie.size() >= 4 && cookie.size() <= 16 && cookie.size() % 2 == 0)) {
            out.fastopen = cookie;
          }
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
    // (measured: `...,wscale 8,FO,nop,nop` for a cookie request).
    out.push_back({wire::tcp_opt::kFastOpen, *spec.fastopen});
    for (size_t n = 2 + spec.fastopen->size(); n % 4 != 0; ++n) out.push_back(Nop());
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

}  // namespace synack::stack
