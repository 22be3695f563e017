// ReadCaptureFile(): libpcap reads the file (pcap or pcapng, any byte
// order, micro- or nanosecond times); this file removes the link layer and
// hands each IP datagram to Parse().
#include "runtime/wire/pcap_reader.h"

#include <pcap/pcap.h>

#include <cstdio>
#include <memory>
#include <optional>

#include "runtime/wire/bytes.h"

namespace synack::wire {
namespace {

constexpr uint16_t kEtherIpv4 = 0x0800, kEtherIpv6 = 0x86dd,
                   kEtherVlan = 0x8100, kEtherQinQ = 0x88a8;

// Where the IP datagram starts in a frame of `link_type`; nullopt for a
// frame that carries something else. `error` is set when the frame is too
// short for its own link header.
std::optional<size_t> IpOffset(int link_type, std::span<const uint8_t> frame,
                               std::string* error) {
  auto need = [&](size_t size) {
    if (frame.size() >= size) return true;
    *error = "link header cut short: " + std::to_string(frame.size()) +
             " bytes, need " + std::to_string(size);
    return false;
  };
  auto by_ethertype = [](uint16_t type, size_t offset) -> std::optional<size_t> {
    if (type == kEtherIpv4 || type == kEtherIpv6) return offset;
    return std::nullopt;
  };
  switch (link_type) {
    case DLT_RAW:
#ifdef DLT_IPV4
    case DLT_IPV4:
    case DLT_IPV6:
#endif
      return 0;
    case DLT_EN10MB: {
      // 802.1Q and 802.1ad tags sit between the MAC addresses and the type.
      size_t offset = 12;
      if (!need(offset + 2)) return std::nullopt;
      uint16_t type = Load16(&frame[offset]);
      while (type == kEtherVlan || type == kEtherQinQ) {
        offset += 4;
        if (!need(offset + 2)) return std::nullopt;
        type = Load16(&frame[offset]);
      }
      return by_ethertype(type, offset + 2);
    }
    case DLT_LINUX_SLL:  // tcpdump -i any: 16 bytes, protocol last
      if (!need(16)) return std::nullopt;
      return by_ethertype(Load16(&frame[14]), 16);
#ifdef DLT_LINUX_SLL2
    case DLT_LINUX_SLL2:  // 20 bytes, protocol first
      if (!need(20)) return std::nullopt;
      return by_ethertype(Load16(&frame[0]), 20);
#endif
    case DLT_NULL:
    case DLT_LOOP:
      // A 4-byte address family whose value differs between systems; the
      // IP version nibble says the same and is the same everywhere.
      if (!need(5)) return std::nullopt;
      if ((frame[4] >> 4) == 4 || (frame[4] >> 4) == 6) return 4;
      return std::nullopt;
  }
  const char* name = pcap_datalink_val_to_name(link_type);
  *error = "link type " + std::to_string(link_type) + " (" +
           (name != nullptr ? name : "unknown") +
           ") is not one synack reads (raw IP, Ethernet, Linux cooked, "
           "loopback)";
  return std::nullopt;
}

struct PcapCloser {
  void operator()(pcap_t* pcap) const { pcap_close(pcap); }
};
using PcapHandle = std::unique_ptr<pcap_t, PcapCloser>;

Capture ReadAll(pcap_t* pcap, const std::string& name) {
  Capture capture;
  const int link_type = pcap_datalink(pcap);
  const bool nanos = pcap_get_tstamp_precision(pcap) ==
                     PCAP_TSTAMP_PRECISION_NANO;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  for (size_t number = 1;; ++number) {
    const int status = pcap_next_ex(pcap, &header, &data);
    if (status == PCAP_ERROR_BREAK) break;  // end of file
    auto fail = [&](const std::string& what) {
      capture.error = name + ": frame " + std::to_string(number) + ": " + what;
      return capture;
    };
    if (status != 1) return fail(pcap_geterr(pcap));
    if (header->caplen < header->len) {
      // The datagram's lengths would point past what was kept: sequence
      // ranges and reads could not be told from it.
      return fail("captured " + std::to_string(header->caplen) + " of " +
                  std::to_string(header->len) +
                  " bytes: the capture was cut short by its snapshot "
                  "length (capture again with tcpdump -s 0)");
    }
    const std::span<const uint8_t> frame(data, header->caplen);
    std::string error;
    const std::optional<size_t> offset = IpOffset(link_type, frame, &error);
    if (!error.empty()) return fail(error);
    if (!offset) {
      ++capture.non_ip_frames;
      continue;
    }
    ParseResult parsed = Parse(frame.subspan(*offset));
    if (!parsed.packet) return fail("not a valid IP packet: " + parsed.error);
    const int64_t fraction = header->ts.tv_usec;
    const std::chrono::nanoseconds time =
        std::chrono::seconds(header->ts.tv_sec) +
        (nanos ? std::chrono::nanoseconds(fraction)
               : std::chrono::microseconds(fraction));
    capture.packets.push_back({time, number, std::move(*parsed.packet)});
  }
  return capture;
}

Capture OpenFailed(const std::string& name, const char* libpcap_error) {
  Capture capture;
  capture.error = name + ": expected a pcap or pcapng capture: " +
                  libpcap_error;
  return capture;
}

}  // namespace

Capture ReadCaptureFile(const std::string& path) {
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  PcapHandle pcap(pcap_open_offline_with_tstamp_precision(
      path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf));
  if (!pcap) return OpenFailed(path, errbuf);
  return ReadAll(pcap.get(), path);
}

Capture ReadCaptureBytes(std::span<const uint8_t> bytes,
                         const std::string& name) {
  // libpcap reads from a FILE*; fmemopen gives one over the bytes, and
  // pcap_close closes it.
  FILE* file = fmemopen(const_cast<uint8_t*>(bytes.data()), bytes.size(), "rb");
  if (file == nullptr) return OpenFailed(name, "fmemopen failed");
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  PcapHandle pcap(pcap_fopen_offline_with_tstamp_precision(
      file, PCAP_TSTAMP_PRECISION_NANO, errbuf));
  if (!pcap) {
    std::fclose(file);
    return OpenFailed(name, errbuf);
  }
  return ReadAll(pcap.get(), name);
}

}  // namespace synack::wire
