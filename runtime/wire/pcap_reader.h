// Reads a pcap or pcapng capture with libpcap into parsed IP packets, for
// `synack import`: link-layer headers are removed, frames that carry no IP
// (ARP, say) are counted and left out.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "runtime/wire/packet.h"

namespace synack::wire {

struct CapturedPacket {
  std::chrono::nanoseconds time{};  // as the capture says, since the epoch
  size_t number = 0;                // 1-based, as tcpdump and Wireshark count
  Packet packet;
};

struct Capture {
  std::vector<CapturedPacket> packets;
  size_t non_ip_frames = 0;
  // Empty on success. Else names the file, the frame and what was wrong:
  // `x.pcap: frame 3: captured 60 of 1514 bytes: ...`.
  std::string error;
};

// `name` is the file's name in messages.
Capture ReadCaptureFile(const std::string& path);
// The same from bytes in memory (for tests).
Capture ReadCaptureBytes(std::span<const uint8_t> bytes,
                         const std::string& name);

}  // namespace synack::wire
