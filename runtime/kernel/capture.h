// Capture: what the kernel sends on tun0, with the kernel's own timestamp of
// each packet, read through an AF_PACKET socket bound to the device.
#pragma once

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "interpreter/backend.h"
#include "interpreter/clock.h"
#include "runtime/kernel/deferred_release.h"
#include "runtime/kernel/unique_fd.h"

namespace synack::kernel {

// Why a packet socket and not the TUN descriptor alone: a TUN read carries no
// time, so the time would be when synack got around to reading, which under
// load is late by however long the scheduler kept it waiting. The packet
// socket's software receive timestamp (SO_TIMESTAMPING) is taken by the
// kernel as the packet reaches the device (dev_queue_xmit_nit). The same
// packets also queue on the TUN descriptor (500 of them at most, then the
// device drops: after the tap, so the capture misses nothing, as measured
// with 3000 unread datagrams). Capture reads and drops them whenever it
// waits, so they do not sit in memory.
//
// The tap sees what the stack hands tun0, before any segmentation: with
// tun0's TSO on, a super-segment is one packet, as packetdrill sees it. Its
// TCP (or UDP) checksum is then still partial, and Next completes it.
//
// Not thread-safe: one thread (the interpreter's) calls Next and DrainTun.
class Capture {
 public:
  // `tun_fd` (non-blocking, not owned) is the device's queue to drain.
  // Call before the device is up, with loopback up: Open sends probe frames
  // through `lo_ifindex` to make sure the kernel timestamps packets.
  static std::unique_ptr<Capture> Open(int ifindex, int lo_ifindex,
                                       int tun_fd, std::string* error);

  // The next packet the kernel sent on the device, oldest first, waiting
  // until `deadline` (CLOCK_MONOTONIC) at most. Its time is the kernel's
  // stamp moved to CLOCK_MONOTONIC. A transport checksum the kernel left
  // for the device (CHECKSUM_PARTIAL) is filled in.
  std::optional<interpreter::Outbound> Next(interpreter::Instant deadline);

  // Reads and drops whatever waits on the TUN descriptor.
  void DrainTun();

  // Packets the packet socket had to drop (its receive buffer was full)
  // since the last call: should stay 0.
  unsigned Drops();

 private:
  Capture(UniqueFd socket, int tun_fd);
  std::optional<interpreter::Outbound> TryReceive();

  DeferredRelease release_;
  UniqueFd socket_;  // declared after release_: closes before it
  int tun_fd_;
  std::vector<uint8_t> buffer_;
};

// CLOCK_REALTIME `stamp` as an Instant on CLOCK_MONOTONIC, through the
// clocks' current offset (both are slewed alike by NTP; only a step of the
// realtime clock between the stamp and now would bend the result).
interpreter::Instant RealtimeToMonotonic(const timespec& stamp);

}  // namespace synack::kernel
