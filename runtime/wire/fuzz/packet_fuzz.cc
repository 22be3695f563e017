// libFuzzer target for the packet parser: any bytes give a packet or an
// error, never both or neither; an accepted packet formats, builds, and the
// bytes it builds parse to the same packet.
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <span>

#include "runtime/wire/packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace synack::wire;
  ParseResult parsed = Parse(std::span<const uint8_t>(data, size));
  if (parsed.packet.has_value() == !parsed.error.empty()) {
    std::cerr << "property broken: a packet or an error: " << parsed.error
              << "\n";
    std::abort();
  }
  if (!parsed.packet) return 0;
  const std::string text = Format(*parsed.packet);
  BuildResult built = Build(*parsed.packet);
  // Build refuses only what cannot be serialized (options past 40 bytes
  // after normalization, for example); what it builds must read back.
  if (!built.ok()) return 0;
  ParseResult again = Parse(built.bytes);
  if (!again.packet) {
    std::cerr << "property broken: a built packet parses: " << again.error
              << "\n" << text << "\n";
    std::abort();
  }
  if (Format(*again.packet) != text) {
    std::cerr << "property broken: parse, build, parse is the same packet\n"
              << text << "\n" << Format(*again.packet) << "\n";
    std::abort();
  }
  return 0;
}
