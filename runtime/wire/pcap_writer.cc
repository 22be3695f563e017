// PcapWriter: a libpcap dump file of raw IP packets, nanosecond timestamps.
#include "runtime/wire/pcap_writer.h"

#include <pcap/pcap.h>

#include <algorithm>

namespace synack::wire {
namespace {

// Large enough for any IP datagram: nothing written is ever cut.
constexpr int kSnapLength = 65535;

}  // namespace

struct PcapWriter::Impl {
  pcap_t* pcap = nullptr;
  pcap_dumper_t* dumper = nullptr;

  ~Impl() {
    if (dumper != nullptr) pcap_dump_close(dumper);
    if (pcap != nullptr) pcap_close(pcap);
  }
};

std::unique_ptr<PcapWriter> PcapWriter::Open(const std::string& path,
                                             std::string* error) {
  auto impl = std::make_unique<Impl>();
  // A "dead" handle only describes the link type and timestamp precision;
  // nanosecond precision makes the file carry the nanosecond magic number.
  impl->pcap = pcap_open_dead_with_tstamp_precision(DLT_RAW, kSnapLength,
                                                    PCAP_TSTAMP_PRECISION_NANO);
  if (impl->pcap == nullptr) {
    *error = "pcap_open_dead failed";
    return nullptr;
  }
  impl->dumper = pcap_dump_open(impl->pcap, path.c_str());
  if (impl->dumper == nullptr) {
    *error = path + ": " + pcap_geterr(impl->pcap);
    return nullptr;
  }
  return std::unique_ptr<PcapWriter>(new PcapWriter(std::move(impl)));
}

PcapWriter::PcapWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PcapWriter::~PcapWriter() = default;

void PcapWriter::Write(std::chrono::nanoseconds time,
                       std::span<const uint8_t> packet) {
  constexpr int64_t kNanosPerSecond = 1'000'000'000;
  const int64_t nanos = time.count();
  pcap_pkthdr header = {};
  header.ts.tv_sec = static_cast<time_t>(nanos / kNanosPerSecond);
  // With nanosecond precision libpcap reads tv_usec as nanoseconds.
  header.ts.tv_usec = static_cast<suseconds_t>(nanos % kNanosPerSecond);
  header.len = static_cast<bpf_u_int32>(packet.size());
  header.caplen = std::min<bpf_u_int32>(header.len, kSnapLength);
  pcap_dump(reinterpret_cast<u_char*>(impl_->dumper), &header, packet.data());
}

void PcapWriter::Flush() { pcap_dump_flush(impl_->dumper); }

}  // namespace synack::wire
