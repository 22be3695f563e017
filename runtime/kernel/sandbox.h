// Sandbox: the private network namespace synack tests the kernel in, with
// loopback up and tun0 addressed and routed as packetdrill sets it up.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "interpreter/config.h"
#include "runtime/kernel/capture.h"
#include "runtime/kernel/deferred_release.h"
#include "runtime/kernel/unique_fd.h"

namespace synack::kernel {

class Sandbox {
 public:
  static constexpr char kDevice[] = "tun0";

  // Moves the CALLING THREAD into a new, unnamed network namespace
  // (unshare(CLONE_NEWNET)) and sets it up for `config`:
  //   lo up; tun0 (IFF_TUN | IFF_NO_PI | IFF_VNET_HDR, with checksum and
  //   TCP segmentation offload as packetdrill's tun0 has: the kernel hands it
  //   TSO super-segments, whose checksums Capture completes) with the MTU,
  //   the local address (IPv6 without duplicate address detection, and
  //   waited for until the kernel has it in use), up;
  //   a host route to the remote address via the gateway on tun0;
  //   IPv6 router solicitations and DAD off on tun0, so the kernel sends
  //   nothing there that a script did not cause.
  // The namespace has no name and no mount: it ends with the process, also
  // on SIGKILL. Call it from the main thread before starting other threads
  // (threads started later inherit the namespace; earlier ones do not), once
  // per process. Returns nullptr and sets `error` on failure; nothing is
  // written to sysctls unless the namespace was created, and a failure after
  // that leaves the thread in the new, half-built namespace.
  static std::unique_ptr<Sandbox> Create(const interpreter::NetConfig& config,
                                         std::string* error);

  // Writes one raw IP datagram into tun0 as if it came from the wire, behind
  // a virtio-net header (checksums as given, which the stack then verifies;
  // GSO of config.mss-byte segments for TCP with --mss: InjectHeader).
  // Returns an error message, empty on success.
  std::string Inject(std::span<const uint8_t> packet);

  Capture& capture() { return *capture_; }
  int tun_fd() const { return tun_.get(); }
  int ifindex() const { return ifindex_; }

 private:
  Sandbox() = default;

  DeferredRelease release_;  // of tun_; declared first, so destroyed last
  UniqueFd tun_;
  int ifindex_ = 0;
  int mss_ = 0;  // NetConfig::mss
  std::unique_ptr<Capture> capture_;  // reads tun_: declared after it
};

}  // namespace synack::kernel
