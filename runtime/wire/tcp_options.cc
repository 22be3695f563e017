// Encoding and decoding of TCP option lists.
#include "runtime/wire/tcp_options.h"

namespace synack::wire {
namespace {

bool IsSingleByte(uint8_t kind) {
  return kind == tcp_opt::kEol || kind == tcp_opt::kNop;
}

}  // namespace

EncodedTcpOptions EncodeTcpOptions(const std::vector<TcpOption>& options) {
  EncodedTcpOptions out;
  for (const TcpOption& option : options) {
    if (IsSingleByte(option.kind)) {
      if (!option.data.empty()) {
        out.error = "TCP option kind " + std::to_string(option.kind) +
                    " carries no data";
        return out;
      }
      out.bytes.push_back(option.kind);
      continue;
    }
    // The length byte counts kind and length; it must fit in one byte.
    if (option.data.size() > 255 - 2) {
      out.error = "TCP option kind " + std::to_string(option.kind) +
                  " has too much data";
      return out;
    }
    out.bytes.push_back(option.kind);
    out.bytes.push_back(static_cast<uint8_t>(option.data.size() + 2));
    out.bytes.insert(out.bytes.end(), option.data.begin(), option.data.end());
  }
  if (out.bytes.size() > kMaxTcpOptionBytes) {
    out.error = "TCP options take " + std::to_string(out.bytes.size()) +
                " bytes, at most 40 fit";
  }
  return out;
}

DecodedTcpOptions DecodeTcpOptions(std::span<const uint8_t> area) {
  DecodedTcpOptions out;
  size_t i = 0;
  while (i < area.size()) {
    const uint8_t kind = area[i];
    // Padding after an EOL is zero bytes: each is kept as one more EOL, so
    // that the list rebuilds to the same header length.
    if (IsSingleByte(kind)) {
      out.options.push_back({kind, {}});
      ++i;
      continue;
    }
    if (i + 1 >= area.size()) {
      out.error = "truncated TCP option kind " + std::to_string(kind);
      return out;
    }
    const size_t length = area[i + 1];
    if (length < 2 || i + length > area.size()) {
      out.error = "bad TCP option length " + std::to_string(length) +
                  " for kind " + std::to_string(kind);
      return out;
    }
    out.options.push_back(
        {kind, std::vector<uint8_t>(area.begin() + i + 2, area.begin() + i + length)});
    i += length;
  }
  return out;
}

}  // namespace synack::wire
