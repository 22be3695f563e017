// `synack import`'s converter: the packets of one TCP connection in a
// capture become a first draft of a .pkt script, the peer's packets as `<`
// lines, the local side's (the stack under test) as `>` lines, with the
// system calls the packets imply.
#pragma once

#include <span>
#include <string>

#include "runtime/wire/pcap_reader.h"

namespace synack::cli {

struct ImportOptions {
  std::string source;  // the capture's name, for messages and the header
  // `--flow ADDR:PORT` (or ADDR, [ADDR]:PORT): the connection with that
  // endpoint, when the capture holds several.
  std::string flow;
  // `--local ADDR` (or ADDR:PORT): the side under test, instead of the one
  // the handshake names.
  std::string local;
  size_t non_ip_frames = 0;  // the reader's count, named in the header
};

struct ImportResult {
  std::string script;  // the draft, canonical (as `synack fmt` prints it)
  std::string error;   // empty on success
};

ImportResult ImportCapture(std::span<const wire::CapturedPacket> packets,
                           const ImportOptions& options);

}  // namespace synack::cli
