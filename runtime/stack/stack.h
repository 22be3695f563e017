// Stack: synack's own userspace TCP/IP stack, modelled on Linux 6.18's TCP
// connection handling and sysctls. Raw IP datagrams go in and out; time is
// passed in; the socket API mirrors Linux's system calls.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/stack/bind_table.h"
#include "runtime/stack/counters.h"
#include "runtime/stack/fd_numbers.h"
#include "runtime/stack/isn.h"
#include "runtime/stack/sock.h"
#include "runtime/stack/sysctls.h"
#include "runtime/stack/tcp_time.h"
#include "runtime/stack/timer_queue.h"
#include "runtime/wire/packet.h"

namespace synack::stack {

struct StackConfig {
  // The addresses the stack owns; packets to them are delivered, others
  // ignored. Empty means packetdrill's local defaults, 192.168.0.1 and
  // fd3d:a0b:17d6::1.
  std::vector<wire::IpAddress> local_addresses;
  // Seeds the secrets behind ISNs, timestamp offsets, SYN cookies and port
  // choice, and the clocks' readings at time zero: one seed, one run.
  uint64_t seed = 1;
  // The device MTU: the MSS announced is MTU - 40 over IPv4, MTU - 60 over
  // IPv6 (packetdrill uses 1500 for IPv4 and 1520 for IPv6).
  int mtu = 1500;
};

// A packet the stack sent and the time it left.
struct SentPacket {
  std::vector<uint8_t> bytes;
  Instant time;
};

// One line of `ss -tan`: a socket, a request in a SYN queue, or a
// connection in TIME_WAIT.
struct SocketSummary {
  TcpState state = TcpState::kClose;
  int domain = AF_INET;  // how addresses print: AF_INET6 shows ::ffff:a.b.c.d
  std::optional<wire::IpAddress> local_addr;  // empty: the wildcard
  uint16_t local_port = 0;
  std::optional<wire::IpAddress> remote_addr;  // empty: none (a listener)
  uint16_t remote_port = 0;
  uint32_t recv_q = 0, send_q = 0;
};

// A socket call's outcome in Linux's terms: ret >= 0, or ret == -1 and err.
//
// Blocking calls. The stack never waits. When a call on a blocking socket
// (no O_NONBLOCK, no MSG_DONTWAIT) would sleep in Linux, the result is
// {-1, EAGAIN, would_block = true}; a non-blocking socket gets the same
// {-1, EAGAIN} (EINPROGRESS for connect) with would_block false, as Linux
// returns it. A caller that models blocking keeps such a call pending and
// calls again after each Input() or Poll() until would_block is false; the
// answer it then gets is what Linux's call would have returned at that
// moment. Retrying is what completes each call:
//   Accept, Read:  call again with the same arguments.
//   Connect:       a blocking connect() sends the SYN and returns
//                  would_block; call FinishConnect(fd) until it stops
//                  blocking (0, or the error: ECONNREFUSED, ETIMEDOUT...).
//   Write:         when the send buffer fills, returns would_block with
//                  ret = the bytes it took (> 0), or -1/EAGAIN if none fit;
//                  call again with the rest and add up (Linux's blocking
//                  write returns the sum). The writer sleeps until the
//                  socket is writable again (free space at least half of
//                  what is queued): until then a retry returns would_block
//                  and takes nothing.
// Everything else completes at once. A Stack is not thread-safe: a caller
// that runs blocking calls on threads must serialize every call, Input
// and Poll.
struct CallResult {
  int64_t ret = 0;
  int err = 0;
  bool would_block = false;

  static CallResult Ok(int64_t ret) { return {ret, 0, false}; }
  static CallResult Error(int err) { return {-1, err, false}; }
  friend bool operator==(const CallResult&, const CallResult&) = default;
};

// The stack never reads a clock: every entry point takes the time it runs
// at, and timers fire in Poll() (or on the way into any other call) at
// their own deadlines. A virtual clock drives it by jumping to
// min(next script event, NextDeadline()), calling Poll() there and taking
// the packets TakeOutput() returns, each stamped with its time.
class Stack {
 public:
  explicit Stack(const StackConfig& config);
  ~Stack();
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  // --- Packets and time ---------------------------------------------------

  // Delivers a raw IP datagram from the wire at `now` (timers due by then
  // fire first). Returns an error message for a datagram that does not
  // parse, empty otherwise; packets for other hosts or protocols are
  // dropped without error. `gso_size` (packetdrill's --mss) is the
  // virtio-net header's gso_size the datagram came with through tun, 0 for
  // none.
  std::string Input(std::span<const uint8_t> ip_packet, Instant now,
                    uint32_t gso_size = 0);
  // Fires every timer due at or before `now`, each at its own deadline, so
  // a jump of the virtual clock replays what happened on the way.
  void Poll(Instant now);
  // The earliest pending timer, if any.
  std::optional<Instant> NextDeadline() const;
  // CLOCK_REALTIME minus the stack's clock: the wall clock that its ISNs
  // follow, a value drawn from the seed (pcap times use it too).
  Duration RealtimeOffset() const { return Duration(secrets_.realtime_ns); }
  // The oldest packet sent and not yet taken.
  std::optional<SentPacket> TakeOutput();

  // --- Configuration and statistics ---------------------------------------

  // The device's TCP segmentation offload (ethtool -K tun0 tso on|off).
  // With it, a TSO packet leaves whole, as TUN shows it; without, the
  // device layer cuts it into segments of its MSS (PSH and FIN on the last).
  void SetDeviceTso(bool on) { device_tso_ = on; }
  // `ip link set dev tun0 mtu N`: the device's MTU, which a route without
  // an MTU metric gives TCP (ipv4_mtu(), ip6_mtu()); cached routes are
  // looked up again.
  void SetDeviceMtu(int mtu) {
    config_.mtu = mtu;
    ++route_genid_;
  }
  // The device's queue (`tc qdisc ... pfifo limit N`): packets leave at
  // once, so only a limit of 0 matters; it drops every packet, which TCP
  // sees as local congestion. nullopt: the default queue.
  void SetQdiscLimit(std::optional<int> limit) { qdisc_limit_ = limit; }
  // `ip route change DST ...`: the route towards DST and its metrics
  // (route.cc); connections see it at their next transmission.
  void SetRoute(const wire::IpAddress& dst, const RouteMetrics& metrics);
  // `ip tcp_metrics flush`: forget what was learned per peer (Fast Open
  // cookies).
  void FlushTcpMetrics() { fastopen_cookies_.clear(); }
  bool device_tso() const { return device_tso_; }

  Sysctls& sysctls() { return sysctls_; }
  const Sysctls& sysctls() const { return sysctls_; }
  // The SNMP and netstat counters under nstat's names.
  std::map<std::string, int64_t> Counters() const;
  // Every TCP socket, request and TIME_WAIT connection, as `ss` lists them.
  std::vector<SocketSummary> Sockets() const;

  // --- The socket API, Linux ABI, descriptors from 3 up ---------------------
  // Every call takes the time it happens at; timers due by then fire first.

  CallResult Socket(Instant now, int domain, int type, int protocol);
  CallResult Bind(Instant now, int fd, const sockaddr* addr, socklen_t len);
  CallResult Listen(Instant now, int fd, int backlog);
  CallResult Accept(Instant now, int fd, sockaddr* addr, socklen_t* len);
  CallResult Connect(Instant now, int fd, const sockaddr* addr, socklen_t len);
  CallResult FinishConnect(Instant now, int fd);
  // read/recv: `flags` takes MSG_PEEK and MSG_DONTWAIT.
  CallResult Read(Instant now, int fd, std::span<uint8_t> buffer, int flags = 0);
  // write/send: `flags` takes MSG_DONTWAIT (MSG_NOSIGNAL and MSG_MORE are
  // accepted and have no effect here).
  // MSG_FASTOPEN connects to `addr` and puts what fits in the SYN. With
  // MSG_ZEROCOPY, `iov_lengths` are the write's iovecs (empty: one), each
  // its own page fragments.
  CallResult Write(Instant now, int fd, std::span<const uint8_t> data,
                   int flags = 0, const sockaddr* addr = nullptr,
                   socklen_t addrlen = 0, std::span<const size_t> iov_lengths = {});
  // splice() from a socket (tcp_splice_read()): up to `max` bytes into
  // *out, stopping at urgent data; 0 at the urgent byte of a blocking
  // socket, which splice cannot pass.
  CallResult SpliceRead(Instant now, int fd, size_t max, bool nonblocking,
                        std::vector<uint8_t>* out);
  // recvmsg(MSG_ERRQUEUE): the oldest error-queue entry into `msg`, as
  // ip_recv_error() returns it; EAGAIN when there is none.
  CallResult RecvError(Instant now, int fd, msghdr* msg);
  CallResult Close(Instant now, int fd);
  CallResult Shutdown(Instant now, int fd, int how);
  CallResult Getsockopt(Instant now, int fd, int level, int name, void* value,
                        socklen_t* len);
  CallResult Setsockopt(Instant now, int fd, int level, int name,
                        const void* value, socklen_t len);
  CallResult Getsockname(Instant now, int fd, sockaddr* addr, socklen_t* len);
  CallResult Getpeername(Instant now, int fd, sockaddr* addr, socklen_t* len);
  // F_GETFL / F_SETFL (O_NONBLOCK), F_GETFD / F_SETFD.
  CallResult Fcntl(Instant now, int fd, int cmd, int64_t arg);
  // FIONREAD/SIOCINQ, SIOCOUTQ, SIOCOUTQNSD; `arg` points to an int.
  CallResult Ioctl(Instant now, int fd, unsigned long request, void* arg);
  // How often the socket behind `fd` woke its waiters (see Sock::wakeups):
  // what edge-triggered epoll reports on. nullopt for no socket.
  std::optional<uint64_t> Wakeups(int fd) const;
  // Descriptors that are not sockets (epoll instances, kept by the caller)
  // take numbers from the same table; socket calls on them are ENOTSOCK.
  int ReserveFd();
  void ReleaseFd(int fd);
  // With TCP_INQ on, what recvmsg() reports in its TCP_CM_INQ message
  // (tcp_inq_hint(): the bytes left to read, and one more for a FIN).
  std::optional<int> InqHint(int fd) const;
  // The revents poll() reports for `events` on `fd` (POLLNVAL for a bad
  // descriptor), as tcp_poll() computes them.
  short PollEvents(Instant now, int fd, short events);

 private:
  // A parsed inbound TCP segment.
  struct Segment {
    const wire::Packet* packet = nullptr;
    const wire::TcpHeader* th = nullptr;
    uint32_t seq = 0, end_seq = 0, ack = 0;
    uint32_t len = 0;  // payload bytes
    // skb_shinfo(skb)->gso_size: the segment size of a GSO packet that
    // came through tun with a virtio-net header (--mss), 0 for one segment.
    uint32_t gso_size = 0;
    ReceivedOptions opts;
    FourTuple tuple;  // local = our side
    bool syn() const;
    bool ack_flag() const;
    bool rst() const;
    bool fin() const;
    bool psh() const;
  };

  // An outbound TCP segment before it becomes a packet.
  struct OutSegment {
    uint32_t seq = 0, ack = 0;
    uint16_t flags = 0;
    uint16_t window = 0;
    std::vector<wire::TcpOption> options;
    std::vector<uint8_t> payload;
    uint8_t tos = 0;  // the IP header's TOS or traffic class, ECN field included
  };

  // stack.cc: plumbing.
  void AdvanceTo(Instant now);
  void RunLoopback();
  void Deliver(const wire::Packet& packet, uint32_t gso_size = 0);
  bool InboundHashDrop(const Segment& seg);
  // `gso_size`: the MSS a TSO packet's segments have (0: one segment).
  // Returns false when the device queue dropped it (local congestion).
  bool Emit(const FourTuple& tuple, const OutSegment& segment, uint16_t ip_id,
            uint32_t gso_size = 0);
  bool IsLocal(const wire::IpAddress& address) const;
  // The path MTU to `remote`: the device's, or less as ICMP taught.
  int PathMtu(const wire::IpAddress& remote) const;
  std::optional<wire::IpAddress> SourceFor(const wire::IpAddress& remote) const;
  int MssFor(const wire::IpAddress& remote) const;
  Sock* NewSock(int domain);
  Sock* FindSock(uint64_t id) const;
  Sock* SockForFd(int fd, CallResult* error) const;
  Sock* FindConnection(const FourTuple& tuple) const;
  Sock* FindListener(const Endpoint& local) const;
  void HashConnection(Sock* sk);
  void UnhashConnection(Sock* sk);
  // A socket that may have no reason left to live (no descriptor, not
  // queued for accept, CLOSE): Reap() looks at these only.
  void ReapLater(const Sock* sk) { reap_candidates_.push_back(sk->id); }
  void Reap();
  uint32_t TcpTimestampMs() const;
  Instant now() const { return now_; }

  // state.cc: state changes and the ends of connections.
  void SetState(Sock* sk, TcpState state);
  void TcpDone(Sock* sk);
  void DoneWithError(Sock* sk, int err);
  void TcpReset(Sock* sk);
  void TcpFinishConnect(Sock* sk);
  void InitTransfer(Sock* sk);
  void SyncMss(Sock* sk);  // for the connection's route's MTU
  void SyncMss(Sock* sk, uint32_t pmtu);
  void InitializeRcvMss(Sock* sk);

  // tcp_input.cc: segments for a socket that is not listening.
  void SegmentArrives(Sock* sk, const Segment& seg);
  // Returns true when the caller must answer with a RST.
  bool RcvSynSent(Sock* sk, const Segment& seg);
  bool RcvStateProcess(Sock* sk, const Segment& seg);
  bool ValidateIncoming(Sock* sk, const Segment& seg);
  enum class AckResult { kOk, kOld, kUnsentData, kTooOld };
  AckResult TcpAck(Sock* sk, const Segment& seg);
  // What tcp_clean_rtx_queue() tells tcp_ack().
  struct CleanResult {
    uint32_t pkts_acked = 0;     // segments acknowledged, SACKed or not
    uint32_t sacked_acked = 0;   // ... of which SACKed before
    bool data_acked = false, syn_acked = false, retrans_data_acked = false;
    uint32_t reord = 0;          // lowest never-retransmitted seq acknowledged
  };
  void CleanRtxQueue(Sock* sk, const Segment& seg, bool* acked_new,
                     std::optional<Duration>* seq_rtt,
                     std::optional<Duration>* ca_rtt = nullptr,
                     CleanResult* result = nullptr);
  // Returns the RTT sample for the congestion control (-1: none).
  int64_t UpdateRtt(Sock* sk, std::optional<Duration> seq_rtt,
                    const Segment* seg,
                    std::optional<Duration> ca_rtt = std::nullopt,
                    bool maybe_delayed = false);
  void RttEstimator(Sock* sk, int64_t mrtt_us);
  void SetRto(Sock* sk);
  void DataQueue(Sock* sk, const Segment& seg);
  void DataQueueSegment(Sock* sk, const Segment& seg);
  void OfoQueue(Sock* sk, const Segment& seg);
  void DsackExtend(Sock* sk, uint32_t start, uint32_t end);
  void Fin(Sock* sk);
  void EventDataRecv(Sock* sk, const Segment& seg);
  void MeasureRcvMss(Sock* sk, const Segment& seg);
  void GrowWindow(Sock* sk, const Segment& seg);
  void AckSndCheck(Sock* sk);
  void IncrQuickack(Sock* sk, int max_quickacks);
  void EnterQuickackMode(Sock* sk, int max_quickacks);
  bool InQuickackMode(const Sock* sk) const;
  void StoreTsRecent(Sock* sk, const Segment& seg);
  bool PawsReject(const Sock* sk, const Segment& seg) const;
  bool OowRateLimited(std::optional<Instant>* last, const Segment& seg,
                      Counter skipped);
  void SendChallengeAck(Sock* sk);
  void SendDupAck(Sock* sk, const Segment& seg);
  void CleanupRbuf(Sock* sk, size_t copied);
  // urgent.cc
  void CheckUrg(Sock* sk, const Segment& seg);
  void Urg(Sock* sk, const Segment& seg);
  size_t UrgentLimit(Sock* sk, size_t n);

  // tcp_output.cc: building and sending segments.
  uint32_t SelectWindow(Sock* sk);
  uint32_t ComputeWindow(const Sock* sk) const;
  uint32_t TcpSpace(const Sock* sk) const;
  uint32_t FullSpace(const Sock* sk) const;
  uint32_t SendMss(const Sock* sk) const;
  std::vector<wire::TcpOption> SegmentOptions(Sock* sk, bool with_sacks);
  // Returns false when the device queue dropped it.
  bool TransmitSegment(Sock* sk, uint32_t seq, uint32_t len, uint16_t flags,
                       bool retransmission, uint32_t pcount,
                       uint32_t gso_size = 0);
  // `data_len`: bytes of the send buffer the SYN carries (Fast Open).
  void SendSyn(Sock* sk, bool retransmission, uint32_t data_len = 0);
  void SendFirstSyn(Sock* sk);
  void SendSynAckFromSock(Sock* sk, bool retransmission);
  void SendAck(Sock* sk);
  void SendActiveReset(Sock* sk);
  void SendResetReply(const Segment& seg);
  // tcp_write_wakeup(); false when the device dropped what it sent.
  bool SendProbe(Sock* sk);
  void FragmentSent(Sock* sk, size_t index, uint32_t len);
  bool RetransmitSent(Sock* sk, size_t index, bool loss_probe = false);
  void XmitRetransmitQueue(Sock* sk);
  void SendDelayedAck(Sock* sk);
  void EventAckSent(Sock* sk);
  void ChronoSet(Sock* sk, Chrono type);
  void ChronoStart(Sock* sk, Chrono type);
  void ChronoStop(Sock* sk, Chrono type);
  void ArmRetransmitTimer(Sock* sk, Duration when);
  void ClearWriteTimer(Sock* sk);
  // False when the device queue dropped the retransmission.
  bool RetransmitHead(Sock* sk);
  bool ScheduleLossProbe(Sock* sk, bool advancing_rto);
  void SendLossProbe(Sock* sk);
  void RearmRto(Sock* sk);
  void EnterLoss(Sock* sk);

  // write_queue.cc: written data as skbs, skbs as TSO packets.
  // Linux's tp->nonagle bits.
  static constexpr int kNagleOff = 1, kNagleCork = 2, kNaglePush = 4;
  uint32_t CurrentMss(const Sock* sk) const;
  uint32_t XmitSizeGoal(const Sock* sk, uint32_t mss) const;
  uint32_t TsoSegs(const Sock* sk, uint32_t mss) const;
  void UpdatePacingRate(Sock* sk);
  int Nonagle(const Sock* sk) const;
  uint32_t InFlight(const Sock* sk) const;
  bool StreamMemoryFree(const Sock* sk) const;
  bool StreamWriteable(const Sock* sk) const;
  bool ForcedPush(const Sock* sk) const;
  void MarkPush(Sock* sk, QueuedSkb* skb);
  // Queues as much of `data` as the send buffer takes; returns how much.
  // `zc_iov`: a MSG_ZEROCOPY write's iovec lengths (empty: copied).
  size_t QueueData(Sock* sk, std::span<const uint8_t> data, int flags,
                   bool continuing, std::span<const size_t> zc_iov = {});
  void TcpPush(Sock* sk, int flags, int nonagle);
  void PushPendingFrames(Sock* sk, int nonagle);
  void PushPendingFrames(Sock* sk) { PushPendingFrames(sk, Nonagle(sk)); }
  void CheckProbeTimer(Sock* sk);
  uint32_t CwndTest(const Sock* sk, const QueuedSkb& skb, uint32_t mss) const;
  bool SndWndTest(const Sock* sk, const QueuedSkb& skb, uint32_t mss) const;
  bool NagleCheck(bool partial, const Sock* sk, int nonagle) const;
  bool NagleTest(const Sock* sk, const QueuedSkb& skb, uint32_t mss,
                 int nonagle) const;
  uint32_t MssSplitPoint(const Sock* sk, const QueuedSkb& skb, uint32_t mss,
                         uint32_t max_segs, int nonagle) const;
  bool TsoShouldDefer(const Sock* sk, const QueuedSkb& skb, uint32_t max_segs,
                      bool* is_cwnd_limited, bool* is_rwnd_limited) const;
  void FragmentQueued(Sock* sk, size_t index, uint32_t len);
  void GrowSkb(Sock* sk, uint32_t amount);
  // False (and the skb still queued) when the device dropped it.
  bool SendQueuedHead(Sock* sk, uint32_t mss);
  bool WriteXmit(Sock* sk, uint32_t mss, int nonagle, int push_one);
  void SendFin(Sock* sk);
  // `iov_lengths`: a MSG_ZEROCOPY write's iovecs (empty: not zero-copy).
  CallResult WriteStream(Sock* sk, std::span<const uint8_t> data, int flags,
                         bool nonblocking, std::span<const size_t> iov_lengths = {});

  // listen_queue.cc: SYNs and ACKs at a listener, the accept queue.
  void ListenerSegment(Sock* listener, const Segment& seg);
  void ConnRequest(Sock* listener, const Segment& seg, uint32_t tw_isn);
  void CheckReq(Sock* listener, RequestSock* req, const Segment& seg);
  // `synack_rtt`: take an RTT sample from the SYN-ACK now (not for a Fast
  // Open child, made before its SYN-ACK goes out).
  Sock* CreateChild(Sock* listener, const RequestSock& req, const Segment& seg,
                    bool synack_rtt = true);
  bool AcceptQueueFull(const Sock* listener) const;
  bool ReqQueueFull(const Sock* listener) const;
  void SendSynAck(const Sock* listener, const RequestSock& req,
                  bool retransmission, std::optional<uint32_t> cookie_tsval,
                  const std::optional<FastOpenCookie>& foc = std::nullopt);
  void SendReqAck(const RequestSock& req);
  void DropReq(Sock* listener, const FourTuple& tuple);
  RequestSock* FindReq(Sock* listener, const FourTuple& tuple);
  void ReqTimer(Sock* listener, RequestSock* req);
  void ListenStop(Sock* listener);
  void CheckCookie(Sock* listener, const Segment& seg);
  uint32_t CookieTime() const;

  // fastopen.cc: TCP Fast Open where tcp_fastopen.c hooks in.
  std::vector<SipKey> FastOpenKeys(const Sock* listener) const;
  void FastOpenQueueTune(Sock* sk, int backlog);
  // tcp_try_fastopen(): a child for a SYN that may carry data, or nullptr;
  // *foc goes in as the SYN's option and out as the SYN-ACK's.
  Sock* TryFastOpen(Sock* listener, const Segment& seg, RequestSock* req,
                    std::optional<FastOpenCookie>* foc);
  Sock* FastOpenCreateChild(Sock* listener, const Segment& seg, RequestSock* req);
  void FastOpenRemoveReq(Sock* sk);
  void FastOpenSynAckTimer(Sock* sk);
  void FastOpenSynRecvDone(Sock* sk, const Segment& seg);
  // The client: tcp_fastopen_cookie_check(), tcp_fastopen_defer_connect(),
  // tcp_send_syn_data() (false: not a Fast Open SYN), tcp_sendmsg_fastopen()
  // and tcp_rcv_fastopen_synack() (true: the SYN's data must go again).
  bool FastOpenCookieCheck(Sock* sk, uint16_t* mss, std::optional<FastOpenCookie>* cookie);
  bool FastOpenDeferConnect(Sock* sk);
  bool FastOpenSendSyn(Sock* sk);
  CallResult SendmsgFastOpen(Instant now, int fd, Sock* sk, std::span<const uint8_t> data,
                             bool nonblocking, const sockaddr* addr, socklen_t addrlen,
                             size_t* copied_syn);
  void FastOpenFreeRequest(Sock* sk);
  bool FastOpenSynAck(Sock* sk, const Segment& seg);

  // icmp.cc: ICMP errors about our segments, path MTU discovery.
  void IcmpInput(const wire::Packet& packet);
  // `th`: the quoted TCP header's first 8 bytes; `info`: the MTU of a
  // frag-needed or packet-too-big.
  void TcpErr(const wire::Packet& packet, const wire::IpAddress& quoted_src,
              const wire::IpAddress& quoted_dst, const uint8_t* th, uint32_t info);
  void ReqErr(Sock* listener, RequestSock* req, uint32_t seq, bool abort);
  void LdRtoRevert(Sock* sk, uint32_t seq);
  void UpdatePmtu(const wire::IpAddress& remote, uint32_t mtu);
  void MtuReduced(Sock* sk, uint32_t mtu);
  void SimpleRetransmit(Sock* sk, uint32_t prior_mss);

  // timewait.cc: TIME_WAIT and orphaned FIN_WAIT_2.
  void TimeWait(Sock* sk, TcpState substate, Duration timeo);
  void TimeWaitSegment(TimeWaitSock* tw, const Segment& seg);
  void SendTimeWaitAck(const TimeWaitSock& tw);

  // timers.cc: the timer queue and each timer's expiry. Whatever arms a
  // timer (sets its deadline) calls Schedule...() after it; cancelling
  // needs nothing (TimerQueue's lazy deletion).
  void ScheduleTimer(const Sock* sk, TimerKind kind);
  void ScheduleReqTimer(const Sock* listener, const RequestSock& req);
  void ScheduleTimeWait(const TimeWaitSock& tw);
  std::optional<Instant> TimerArmedAt(const TimerEntry& entry) const;
  void FireTimer(Instant now);
  void RetransmitTimerFired(Sock* sk);
  bool WriteTimeout(Sock* sk);
  void DelackTimerFired(Sock* sk);
  void ProbeTimerFired(Sock* sk);
  void KeepaliveTimerFired(Sock* sk);
  Duration FinTime(const Sock* sk) const;

  // cong_control.cc: calls into the congestion control (congestion.h).
  CaClock CaNow() const;
  int SysctlInt(const char* name, int fallback) const;
  bool SetCongestionControl(Sock* sk, std::string_view name);
  void InitCongestionControl(Sock* sk);
  void SetCaState(Sock* sk, CaState state);
  void CwndEvent(Sock* sk, CaEvent event);
  void PktsAcked(Sock* sk, uint32_t pkts_acked, int64_t rtt_us);
  void CongControl(Sock* sk, uint32_t ack, uint32_t acked_sacked, int flag);
  uint32_t CurrentSsthresh(const Sock* sk) const;
  void SlowStartAfterIdleCheck(Sock* sk);
  void UpdateRttMin(Sock* sk, int64_t rtt_us, bool maybe_delayed);
  // sack.cc: the SACK scoreboard.
  void SackTag(Sock* sk, const Segment& seg, uint32_t prior_snd_una,
               SackTagState* state);
  void SackTagRange(Sock* sk, uint32_t start, uint32_t end, bool dup_sack,
                    SackTagState* state);
  void SackTagOne(Sock* sk, SentSegment* skb, bool dup_sack, SackTagState* state);
  void CheckSackReordering(Sock* sk, uint32_t low_seq);
  uint32_t HighestSackSeq(const Sock* sk) const;
  // rack.cc: RACK-TLP loss detection (RFC 8985).
  void RackAdvance(Sock* sk, bool ever_retrans, uint32_t end_seq, Instant xmit_time,
                   uint64_t xmit_event);
  uint32_t RackReoWnd(const Sock* sk) const;
  void RackDetectLoss(Sock* sk, uint32_t* reo_timeout);
  bool RackMarkLost(Sock* sk);
  void RackReoTimeout(Sock* sk);
  void RackUpdateReoWnd(Sock* sk, uint32_t prior_delivered);
  void MarkSkbLost(Sock* sk, SentSegment* skb);
  void TimeoutMarkLost(Sock* sk);
  // recovery.cc: tcp_fastretrans_alert() and its states, undo.
  void FastRetransAlert(Sock* sk, uint32_t prior_snd_una, int num_dupack,
                        int* flag, Rexmit* rexmit);
  void IdentifyPacketLoss(Sock* sk, int* flag);
  void NewRenoMarkLost(Sock* sk, bool snd_una_advanced);
  void AddRenoSack(Sock* sk, int num_dupack);
  void RemoveRenoSacks(Sock* sk, uint32_t acked);
  void EnterRecovery(Sock* sk, bool ece_ack);
  void TryKeepOpen(Sock* sk);
  void TryToOpen(Sock* sk, int flag);
  bool MayUndo(const Sock* sk) const;
  void UndoCwndReduction(Sock* sk, bool unmark_loss);
  bool TryUndoRecovery(Sock* sk);
  bool TryUndoDsack(Sock* sk);
  bool TryUndoPartial(Sock* sk, uint32_t prior_snd_una, bool* do_lost);
  bool TryUndoLoss(Sock* sk, bool frto_undo);
  void ProcessLoss(Sock* sk, int flag, int num_dupack, Rexmit* rexmit);
  void XmitRecovery(Sock* sk, Rexmit rexmit);

  // prr.cc: cwnd during a reduction (RFC 6937).
  void InitCwndReduction(Sock* sk);
  void CwndReduction(Sock* sk, uint32_t newly_acked_sacked);
  void EndCwndReduction(Sock* sk);

  // tcp_ecn.cc: ECN (RFC 3168) where Linux's tcp_ecn.h hooks in.
  uint8_t Dsfield(const Sock* sk) const;
  void EcnSendSyn(Sock* sk);
  void EcnClearSyn(Sock* sk);
  void EcnSendSynAck(Sock* sk);
  void EcnRcvSynAck(Sock* sk, const Segment& seg);
  void EcnRcvSyn(Sock* sk, const Segment& seg);
  bool EcnCreateRequest(const Segment& seg) const;
  // Sets `out`'s ECE, CWR and TOS for a segment of `len` data bytes.
  void EcnSend(Sock* sk, OutSegment* out, uint32_t len);
  bool EcnRcvEcnEcho(const Sock* sk, const Segment& seg) const;
  void EcnDataCheck(Sock* sk, const Segment& seg);
  void EcnAcceptCwr(Sock* sk, const Segment& seg);
  static void EcnQueueCwr(Sock* sk);
  static void EcnWithdrawCwr(Sock* sk);
  void EnterCwr(Sock* sk);

  // route.cc: route metrics, the connection's route, MTU probing.
  std::optional<RouteMetrics> RouteFor(const wire::IpAddress& remote) const;
  int DstMtu(const wire::IpAddress& remote, const std::optional<RouteMetrics>& route) const;
  int AdvMss(const wire::IpAddress& remote) const;
  void LookupDst(Sock* sk);
  void CheckDst(Sock* sk);
  void CurrentMssSync(Sock* sk);
  int MtuToMss(const Sock* sk, int mtu) const;
  int MssToMtu(const Sock* sk, int mss) const;
  void MtupInit(Sock* sk);
  int MtuProbe(Sock* sk, uint32_t mss_now);
  void MtupProbeSuccess(Sock* sk);

  // tcp_info.cc
  void FillTcpInfo(const Sock* sk, void* out, socklen_t* len) const;

  // Sockets: lookups and ports (socket_api.cc).
  bool PortInUse(const Sock* sk, const std::optional<wire::IpAddress>& addr,
                 uint16_t port) const;
  int BindPort(Sock* sk, const std::optional<wire::IpAddress>& addr,
               uint16_t port);
  int ConnectPort(Sock* sk, const wire::IpAddress& local, const Endpoint& remote);
  bool ConnectPortFree(Sock* sk, const FourTuple& tuple);
  bool TakeOverTimeWait(Sock* sk, const FourTuple& tuple, bool bound_port);
  // inet_twsk_kill(): the TIME_WAIT socket of `tuple`, if any, is gone.
  void EraseTimeWait(const FourTuple& tuple);
  int AllocFd();
  void DetachFd(int fd, Sock* sk);
  void CloseSock(Sock* sk);
  void Disconnect(Sock* sk);

  StackConfig config_;
  Secrets secrets_;
  Sysctls sysctls_;
  CounterTable counters_;
  Instant now_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::unique_ptr<Sock>> socks_;  // in creation order
  std::unordered_map<uint64_t, Sock*> sock_by_id_;  // FindSock() in O(1)
  std::map<int, uint64_t> fds_;
  FdNumbers fd_numbers_{3};
  // Linux's established hash; TIME_WAIT beside it, ordered as `ss` lists.
  std::unordered_map<FourTuple, uint64_t, FourTupleHash> connections_;
  std::map<FourTuple, TimeWaitSock> timewait_;  // change through EraseTimeWait()
  BindTable bind_table_;  // bound sockets and TIME_WAIT tuples by local port
  std::set<uint64_t> listeners_;  // sockets in LISTEN, by id
  std::vector<uint64_t> reap_candidates_;
  // Every armed timer (NextDeadline() is its top).
  mutable TimerQueue timers_{
      [this](const TimerEntry& entry) { return TimerArmedAt(entry); }};
  std::deque<SentPacket> output_;
  std::deque<wire::Packet> loopback_;
  // Fast Open cookies by peer address (Linux keeps them in tcp_metrics).
  std::map<std::string, FastOpenCacheEntry> fastopen_cookies_;
  // Learned path MTUs by peer address (Linux's route exceptions, fnhe).
  struct PmtuEntry {
    uint32_t mtu = 0;
    Instant expires;
  };
  std::map<std::string, PmtuEntry> pmtu_;
  // Route metrics by peer address, and their generation: a connection's
  // route is stale once it is older (rt_genid).
  std::map<std::string, RouteMetrics> routes_;
  uint64_t route_genid_ = 0;
  // Inbound TCP segments delivered so far: the order of sends at one
  // instant of the virtual clock (SentSegment::last_sent_event).
  uint64_t input_events_ = 0;
  // Per-destination offsets for ephemeral ports (Linux's table_perturb).
  std::map<uint32_t, uint32_t> port_perturb_;
  bool in_loopback_ = false;
  bool device_tso_ = true;
  std::optional<int> qdisc_limit_;
};

}  // namespace synack::stack
