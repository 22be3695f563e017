// Capture: the packet socket on tun0 and its timestamps.
#include "runtime/kernel/capture.h"

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "runtime/kernel/partial_checksum.h"
#include "runtime/kernel/vnet_header.h"

namespace synack::kernel {
namespace {

using interpreter::Duration;
using interpreter::Instant;

// Room for the largest IP datagram (a TSO super-segment can be that large)
// behind tun0's virtio-net header: a TUN read too short for its packet
// fails, which would stop DrainTun early.
constexpr size_t kMaxPacket = 65536 + sizeof(VnetHeader);
// Enough for a burst of full-size packets that nobody reads for a while.
constexpr int kReceiveBuffer = 8 << 20;

Duration ToDuration(const timespec& ts) {
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

Instant MonotonicNow() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return Instant{ToDuration(ts)};
}

std::string Errno(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// Whether the packet's transport checksum was left for the device to
// complete (CHECKSUM_PARTIAL), per the PACKET_AUXDATA message.
bool ChecksumNotReady(msghdr& message) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr;
       c = CMSG_NXTHDR(&message, c)) {
    if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
      tpacket_auxdata aux;
      std::memcpy(&aux, CMSG_DATA(c), sizeof(aux));
      return (aux.tp_status & TP_STATUS_CSUMNOTREADY) != 0;
    }
  }
  return false;
}

// The software receive stamp in a SCM_TIMESTAMPING message, if any.
std::optional<timespec> StampOf(msghdr& message) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr;
       c = CMSG_NXTHDR(&message, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING) {
      scm_timestamping stamps;
      std::memcpy(&stamps, CMSG_DATA(c), sizeof(stamps));
      if (stamps.ts[0].tv_sec != 0 || stamps.ts[0].tv_nsec != 0) {
        return stamps.ts[0];
      }
    }
  }
  return std::nullopt;
}

// A local experimental EtherType (IEEE 802): no protocol handles it, so a
// probe frame of this type touches no SNMP counter.
constexpr uint16_t kProbeType = 0x88b5;

// Returns once the kernel stamps received packets. Turning timestamps on
// system-wide is deferred to a workqueue when no socket had them on, and
// until it has run packets pass unstamped. Sends probe frames through
// loopback to a packet socket of its own until one comes back stamped.
// The probe socket is not the capture socket: binding that one to lo first
// would make its bind to tun0 a re-bind, which waits for RCU (15 ms).
std::string AwaitTimestamps(int lo_ifindex) {
  UniqueFd fd(socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Errno("socket(AF_PACKET)");
  int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
  if (setsockopt(fd.get(), SOL_SOCKET, SO_TIMESTAMPING, &flags,
                 sizeof(flags)) != 0) {
    return Errno("SO_TIMESTAMPING");
  }
  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons(kProbeType);
  address.sll_ifindex = lo_ifindex;
  address.sll_halen = 6;  // to 00:00:00:00:00:00, loopback's own address
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    return Errno("bind(AF_PACKET) to lo");
  }
  std::string result = "the kernel does not timestamp packets (SO_TIMESTAMPING)";
  constexpr int kAttempts = 2000;  // 100 us apart: 200 ms in all
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    static const char kProbe[] = "synack timestamp probe";
    if (sendto(fd.get(), kProbe, sizeof(kProbe), 0,
               reinterpret_cast<sockaddr*>(&address), sizeof(address)) < 0) {
      result = Errno("sending the timestamp probe");
      break;
    }
    pollfd ready{fd.get(), POLLIN, 0};
    if (poll(&ready, 1, 100) <= 0) {
      result = "the timestamp probe did not return";
      break;
    }
    char data[64];
    iovec iov{data, sizeof(data)};
    alignas(cmsghdr) char control[256];
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof(control);
    if (recvmsg(fd.get(), &message, MSG_DONTWAIT) < 0) {
      result = Errno("receiving the timestamp probe");
      break;
    }
    if (StampOf(message)) {
      result = "";
      break;
    }
    timespec pause{0, 100000};
    nanosleep(&pause, nullptr);
  }
  DeferredRelease::Close(std::move(fd));
  return result;
}

}  // namespace

Instant RealtimeToMonotonic(const timespec& stamp) {
  // Read realtime between two monotonic reads and take the midpoint: the
  // offset is then off by at most half the (sub-microsecond) gap.
  timespec before, real, after;
  clock_gettime(CLOCK_MONOTONIC, &before);
  clock_gettime(CLOCK_REALTIME, &real);
  clock_gettime(CLOCK_MONOTONIC, &after);
  Duration mono = ToDuration(before) + (ToDuration(after) - ToDuration(before)) / 2;
  Duration offset = ToDuration(real) - mono;
  Instant result{ToDuration(stamp) - offset};
  // A packet cannot have left after now; clamps a realtime step's damage.
  Instant now{ToDuration(after)};
  return result < now ? result : now;
}

std::unique_ptr<Capture> Capture::Open(int ifindex, int lo_ifindex,
                                       int tun_fd, std::string* error) {
  // Protocol 0: the socket sees nothing until bind() names the device, so no
  // packet of another device can slip in before.
  UniqueFd fd(socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) {
    *error = Errno("socket(AF_PACKET)");
    return nullptr;
  }
  // SO_TIMESTAMPING rather than SO_TIMESTAMPNS: when a packet passed while
  // timestamps were off, SO_TIMESTAMPNS quietly stamps it with the time of
  // recvmsg(); SO_TIMESTAMPING leaves the stamp out, which can be seen.
  int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
  if (setsockopt(fd.get(), SOL_SOCKET, SO_TIMESTAMPING, &flags,
                 sizeof(flags)) != 0) {
    *error = Errno("SO_TIMESTAMPING");
    return nullptr;
  }
  // tun0 offloads checksums, so the kernel leaves TCP and UDP checksums
  // for it to complete; the auxiliary data says which packets those are.
  int on = 1;
  if (setsockopt(fd.get(), SOL_PACKET, PACKET_AUXDATA, &on, sizeof(on)) != 0) {
    *error = Errno("PACKET_AUXDATA");
    return nullptr;
  }
  // The capture socket asked first, so timestamps stay on once the probe
  // socket is gone.
  *error = AwaitTimestamps(lo_ifindex);
  if (!error->empty()) return nullptr;
  int size = kReceiveBuffer;
  if (setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0) {
    setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
  }
  // Keep only what the kernel sends (PACKET_OUTGOING): what synack injects
  // passes the same tap as PACKET_HOST and must not fill the buffer.
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS,
               static_cast<uint32_t>(SKF_AD_OFF + SKF_AD_PKTTYPE)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 0xFFFFFFFF),
      BPF_STMT(BPF_RET | BPF_K, 0),
  };
  sock_fprog program{static_cast<unsigned short>(std::size(code)), code};
  if (setsockopt(fd.get(), SOL_SOCKET, SO_ATTACH_FILTER, &program,
                 sizeof(program)) != 0) {
    *error = Errno("SO_ATTACH_FILTER");
    return nullptr;
  }
  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons(ETH_P_ALL);
  address.sll_ifindex = ifindex;
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    *error = Errno("bind(AF_PACKET) to tun0");
    return nullptr;
  }
  // Bound while tun0 is down, the socket holds a pending ENETDOWN; reading
  // SO_ERROR clears it (it would otherwise fail the first recvmsg).
  int pending = 0;
  socklen_t pending_len = sizeof(pending);
  getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &pending, &pending_len);
  return std::unique_ptr<Capture>(new Capture(std::move(fd), tun_fd));
}

Capture::Capture(UniqueFd socket, int tun_fd)
    : release_(DeferredRelease::Hold(socket.get())),
      socket_(std::move(socket)),
      tun_fd_(tun_fd),
      buffer_(kMaxPacket) {}

std::optional<interpreter::Outbound> Capture::TryReceive() {
  int errors = 0;
  for (;;) {
    sockaddr_ll from{};
    iovec iov{buffer_.data(), buffer_.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(scm_timestamping)) +
                                  CMSG_SPACE(sizeof(tpacket_auxdata)) + 64];
    msghdr message{};
    message.msg_name = &from;
    message.msg_namelen = sizeof(from);
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof(control);
    ssize_t got = recvmsg(socket_.get(), &message, MSG_DONTWAIT | MSG_TRUNC);
    if (got < 0) {
      // A socket error (ENETDOWN, ...) is reported once and cleared: the
      // packets queued behind it are still there.
      if (errno != EAGAIN && ++errors < 4) continue;
      return std::nullopt;
    }
    // The filter already keeps outgoing packets only; this guards a kernel
    // that ignored it.
    if (from.sll_pkttype != PACKET_OUTGOING) continue;
    size_t size = std::min(static_cast<size_t>(got), buffer_.size());
    interpreter::Outbound packet;
    packet.bytes.assign(buffer_.begin(), buffer_.begin() + size);
    // What the device would have put on the wire, so that the interpreter
    // and the pcap see valid checksums.
    if (ChecksumNotReady(message)) CompleteTransportChecksum(packet.bytes);
    packet.time = MonotonicNow();
    // Without a stamp (timestamps went off system-wide?) the read time is
    // the best there is.
    if (std::optional<timespec> stamp = StampOf(message)) {
      packet.time = RealtimeToMonotonic(*stamp);
    }
    return packet;
  }
}

void Capture::DrainTun() {
  for (;;) {
    ssize_t got = read(tun_fd_, buffer_.data(), buffer_.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return;
  }
}

std::optional<interpreter::Outbound> Capture::Next(Instant deadline) {
  for (;;) {
    if (auto packet = TryReceive()) return packet;
    DrainTun();
    Instant now = MonotonicNow();
    if (now >= deadline) return std::nullopt;
    Duration left = deadline - now;
    timespec timeout;
    timeout.tv_sec = std::chrono::duration_cast<std::chrono::seconds>(left).count();
    timeout.tv_nsec = (left - std::chrono::seconds(timeout.tv_sec)).count();
    pollfd fds[2] = {{socket_.get(), POLLIN, 0}, {tun_fd_, POLLIN, 0}};
    if (ppoll(fds, 2, &timeout, nullptr) < 0 && errno != EINTR) {
      return std::nullopt;
    }
  }
}

unsigned Capture::Drops() {
  tpacket_stats stats{};
  socklen_t len = sizeof(stats);
  // Reading the statistics resets them.
  if (getsockopt(socket_.get(), SOL_PACKET, PACKET_STATISTICS, &stats, &len) != 0) {
    return 0;
  }
  return stats.tp_drops;
}

}  // namespace synack::kernel
