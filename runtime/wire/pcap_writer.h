// Writes packets to a pcap file (link type RAW: bare IP datagrams) with
// libpcap, so captures open in tcpdump and Wireshark.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace synack::wire {

class PcapWriter {
 public:
  // Opens `path` for writing; on failure returns null and sets *error.
  static std::unique_ptr<PcapWriter> Open(const std::string& path,
                                          std::string* error);
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // `time` since the Unix epoch.
  void Write(std::chrono::nanoseconds time, std::span<const uint8_t> packet);
  void Flush();

 private:
  struct Impl;
  explicit PcapWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace synack::wire
