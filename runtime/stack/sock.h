// The stack's per-connection state: Sock (Linux's tcp_sock with its socket),
// RequestSock (a SYN_RECV mini-socket in a listener's SYN queue) and
// TimeWaitSock (what remains of a connection in TIME_WAIT), with their
// timers as sum types.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <variant>
#include <vector>

#include "runtime/stack/congestion.h"
#include "runtime/stack/endpoint.h"
#include "runtime/stack/error_queue.h"
#include "runtime/stack/fastopen.h"
#include "runtime/stack/minmax.h"
#include "runtime/stack/options.h"
#include "runtime/stack/recovery.h"
#include "runtime/stack/route.h"
#include "runtime/stack/syn_queue.h"
#include "runtime/stack/tcp_time.h"
#include "runtime/stack/timestamping.h"
#include "runtime/stack/zerocopy.h"

namespace synack::stack {

// Linux's TCP states with their tcpi_state numbers.
enum class TcpState : uint8_t {
  kEstablished = 1,
  kSynSent = 2,
  kSynRecv = 3,
  kFinWait1 = 4,
  kFinWait2 = 5,
  kTimeWait = 6,
  kClose = 7,
  kCloseWait = 8,
  kLastAck = 9,
  kListen = 10,
  kClosing = 11,
};
const char* StateName(TcpState state);

// The BSD socket layer's view (SS_*), which connect() answers from.
enum class SocketState { kUnconnected, kConnecting, kConnected, kDisconnecting };

inline constexpr uint8_t kRcvShutdown = 1, kSendShutdown = 2;

// An estimate of the memory overhead of one received segment (sk_buff,
// shared info, allocation rounding) as it counts against SO_RCVBUF.
inline constexpr uint32_t kSkbOverhead = 768;
inline constexpr uint8_t kShutdownMask = kRcvShutdown | kSendShutdown;

// Sequence-space comparisons (RFC 9293 §3.4).
inline bool SeqBefore(uint32_t a, uint32_t b) {
  return static_cast<int32_t>(a - b) < 0;
}
inline bool SeqAfter(uint32_t a, uint32_t b) { return SeqBefore(b, a); }
inline bool SeqBetween(uint32_t x, uint32_t lo, uint32_t hi) {
  return hi - lo >= x - lo;
}

// The ECN field of the IP header (RFC 3168 §5, Linux's INET_ECN_*).
namespace ip_ecn {
inline constexpr uint8_t kNotEct = 0, kEct1 = 1, kEct0 = 2, kCe = 3, kMask = 3;
}  // namespace ip_ecn

// tp->ecn_flags as Linux keeps them for RFC 3168 ECN (tcp_ecn.cc): ECN
// negotiated; a CWR to put on the next new data; the peer's CE not yet
// answered by its CWR (so our segments carry ECE); ECT or CE seen on data.
namespace ecn_flag {
inline constexpr uint8_t kOk = 1, kQueueCwr = 2, kDemandCwr = 4, kSeen = 8;
}  // namespace ecn_flag

// The write timer holds at most one of these, as icsk_pending does.
struct RetransmitTimer {
  Instant at;
};
struct ZeroWindowProbeTimer {
  Instant at;
};
// ICSK_TIME_LOSS_PROBE: a tail loss probe (RFC 8985 §7) before the RTO.
struct LossProbeTimer {
  Instant at;
};
// ICSK_TIME_REO_TIMEOUT: RACK's reordering window ends (RFC 8985 §6.2).
struct ReorderTimer {
  Instant at;
};
using WriteTimer = std::variant<std::monostate, RetransmitTimer,
                                ZeroWindowProbeTimer, LossProbeTimer,
                                ReorderTimer>;

inline std::optional<Instant> Deadline(const WriteTimer& timer) {
  if (const auto* t = std::get_if<RetransmitTimer>(&timer)) return t->at;
  if (const auto* t = std::get_if<ZeroWindowProbeTimer>(&timer)) return t->at;
  if (const auto* t = std::get_if<LossProbeTimer>(&timer)) return t->at;
  if (const auto* t = std::get_if<ReorderTimer>(&timer)) return t->at;
  return std::nullopt;
}

// sk_timer: for an orphaned FIN_WAIT_2 longer than TIME_WAIT's 60 s it
// counts down the excess before the socket becomes a FIN_WAIT_2 timewait.
struct FinWait2Timer {
  Instant at;
};
using KeepaliveTimer = std::variant<std::monostate, FinWait2Timer>;

// The memory an skb costs against SO_SNDBUF before any data (Linux's
// SKB_TRUESIZE of an fclone skb with a MAX_TCP_HEADER head, after kmalloc
// rounding: 704 + 256 + 320). Measured through blocking-write.pkt: with
// SO_SNDBUF 42000 the blocked write() wakes on the ACK of 36001 but not of
// 35001, which holds for a cost between 1001 and 1333 bytes.
inline constexpr uint32_t kSkbTruesize = 1280;

// A sent skb not yet acknowledged: one entry of the retransmit queue. A
// TSO skb spans `pcount` segments of the MSS it was sent with.
struct SentSegment {
  uint32_t seq = 0, end = 0;  // end includes SYN and FIN
  bool syn = false, fin = false, push = false;
  uint32_t pcount = 1;
  uint32_t truesize = 0;
  Instant first_sent;
  Instant last_sent;
  // Stack::input_events_ when last sent. On the virtual clock an inbound
  // segment and what it makes us send happen at the instant of earlier
  // sends; in Linux the clock has moved on (tcp_mstamp_refresh() per
  // event), so only one event's sends share a tcp_skb_sent_after() tie.
  uint64_t last_sent_event = 0;
  bool retransmitted = false;  // TCPCB_EVER_RETRANS
  // The scoreboard (TCPCB_SACKED_ACKED, TCPCB_LOST, TCPCB_SACKED_RETRANS:
  // a retransmission still in flight).
  bool sacked = false, lost = false, retrans = false;
  // The data of a Fast Open SYN: Linux sets its skb's segment count only
  // when it is sent again, so the SYN-ACK's acknowledgement of it delivers
  // nothing (measured: fastopen/client/blocking-sendto.pkt, tcpi_delivered
  // 1; syn-data-only-syn-acked.pkt, 2 after the data is resent).
  bool syn_data = false;
};

// An skb of the write queue: data written and not yet sent (Linux keeps
// the application's writes in skbs of up to tcp_xmit_size_goal() bytes,
// which tcp_write_xmit() cuts into TSO packets).
struct QueuedSkb {
  uint32_t seq = 0, end = 0;  // data [seq, end); a FIN follows when `fin`
  bool push = false, fin = false, eor = false;
  uint32_t truesize = kSkbTruesize;
  uint32_t zc_frags = 0;  // MSG_ZEROCOPY page fragments
  uint32_t len() const { return end - seq; }
};

struct OutOfOrderSegment {
  uint32_t seq = 0;
  std::vector<uint8_t> data;
  bool fin = false;
  uint32_t end() const {
    return seq + static_cast<uint32_t>(data.size()) + (fin ? 1 : 0);
  }
};

// tcp_chrono: what a connection's sending time goes to, for tcpi_busy_time
// and the limited times. A later kind takes precedence over an earlier.
enum class Chrono : uint8_t { kUnspec, kBusy, kRwndLimited, kSndbufLimited };

// The delayed-ACK engine's state (icsk_ack).
struct AckState {
  bool scheduled = false;  // ICSK_ACK_SCHED: an ACK is owed
  bool pushed = false;     // ICSK_ACK_PUSHED
  bool pushed2 = false;    // ICSK_ACK_PUSHED2
  bool now = false;        // ICSK_ACK_NOW
  std::optional<Instant> timer;  // ICSK_ACK_TIMER with its expiry (see Sock's timers)
  int quick = 0;
  int pingpong = 0;
  Duration ato{0};
  Instant lrcvtime;
  uint32_t rcv_mss = 0;
  uint32_t last_seg_size = 0;
  // SACK compression (tcp_comp_sack): ACKs held while out-of-order data
  // keeps arriving.
  int compressed = 0;
  int dup_ack_counter = 0;
  uint32_t compressed_rcv_nxt = 0;
};

struct Sock {
  uint64_t id = 0;
  int domain = 0;  // AF_INET or AF_INET6
  TcpState state = TcpState::kClose;
  SocketState socket_state = SocketState::kUnconnected;

  // File-level state.
  bool has_fd = false;
  bool orphan = false;  // SOCK_DEAD: the last descriptor is closed
  bool in_accept_queue = false;
  bool nonblocking = false;

  // Addresses. `bound` means bind() or connect() fixed a local port; the
  // local address may still be the wildcard (nullopt) for a bound socket.
  bool bound = false;
  bool port_locked = false;  // bind() chose the port: it outlives connections
  std::optional<wire::IpAddress> bound_addr;
  FourTuple tuple;  // meaningful once connected or accepted
  uint64_t listener = 0;  // for a child: the listener it came from

  // Socket options.
  bool reuseaddr = false, reuseport = false, keepalive = false;
  bool linger = false;
  int linger_seconds = 0;
  bool nodelay = false, cork = false;
  // TCP_NAGLE_PUSH in Linux's tp->nonagle: set by TCP_NODELAY (and by
  // uncorking a TCP_NODELAY socket), it lets queued data past a cork.
  bool nagle_push = false;
  int user_mss = 0;              // TCP_MAXSEG
  uint32_t user_timeout_ms = 0;  // TCP_USER_TIMEOUT
  int syn_retries = 0;           // TCP_SYNCNT, 0 for the sysctl
  int linger2 = 0;               // TCP_LINGER2 in seconds, 0 for the sysctl
  // The ISN connect() takes over from a TIME_WAIT on its tuple.
  std::optional<uint32_t> reused_isn;
  // TCP_DEFER_ACCEPT as Linux keeps it (rskq_defer_accept): the seconds
  // turned into a count of SYN-ACK retransmission periods.
  uint8_t defer_accept = 0;
  bool recv_inq = false;         // TCP_INQ: recvmsg() reports what is left
  uint32_t notsent_lowat = 0;    // TCP_NOTSENT_LOWAT, 0 for the sysctl
  // Wake-ups of the socket's waiters (sk_data_ready, sk_state_change,
  // sk_write_space), which edge-triggered epoll reports; SOCK_NOSPACE: a
  // writer or poll found no room, so freed space wakes it.
  uint64_t wakeups = 0;
  bool nospace = false;
  // TCP Fast Open, client side: TCP_FASTOPEN_CONNECT; a connect() put off
  // until the first write because a cookie is known (DEFER_CONNECT); the
  // Fast Open option the SYN carries (empty: a cookie request).
  bool fastopen_connect = false;
  bool defer_connect = false;
  std::optional<std::vector<uint8_t>> syn_fastopen;
  FastOpenSock tfo;
  // A passive Fast Open child in SYN_RECV keeps its request (fastopen_rsk)
  // until its SYN-ACK is acknowledged: the timer resends that SYN-ACK.
  std::optional<RequestSock> fastopen_rsk;
  int rcvbuf = 0, sndbuf = 0;    // sk_rcvbuf, sk_sndbuf
  // The IP header's TOS byte (inet->tos: IP_TOS's DSCP, and the ECN field
  // that TCP sets for what it sends) and IPv6's traffic class (np->tclass,
  // IPV6_TCLASS, the same ECN field).
  uint8_t tos = 0, tclass = 0;
  bool rcvbuf_locked = false, sndbuf_locked = false;

  // Errors and shutdown.
  ErrorQueue errq;    // sk_error_queue
  ZerocopyState zc;   // SO_ZEROCOPY and its ids
  TimestampingState ts;  // SO_TIMESTAMPING
  int err = 0;        // sk_err, reported once by SO_ERROR or a call
  int err_soft = 0;   // sk_err_soft
  uint8_t shutdown = 0;
  bool done = false;  // SOCK_DONE: the peer's FIN was received
  // Urgent data (urgent.cc): the urgent byte's sequence number until it is
  // read past (tp->urg_seq while tp->urg_data is set), and the byte once
  // it has arrived (TCP_URG_VALID).
  std::optional<uint32_t> urg_seq;
  std::optional<uint8_t> urg_byte;

  // Listening.
  int max_ack_backlog = 0;
  SynQueue syn_queue;
  std::deque<uint64_t> accept_queue;   // children, oldest first
  std::optional<Instant> last_synq_overflow;

  // Sequence space, send side (RFC 9293 §3.3.1 names, Linux meanings).
  uint32_t iss = 0, snd_una = 0, snd_nxt = 0, write_seq = 0;
  uint32_t snd_wnd = 0, snd_wl1 = 0, max_window = 0, snd_sml = 0;
  uint8_t snd_wscale = 0;
  bool fin_queued = false;       // tcp_send_fin() ran: the FIN is at write_seq
  std::deque<uint8_t> send_buf;  // bytes [snd_una, write_seq) of data
  std::deque<SentSegment> rtx_queue;
  std::deque<QueuedSkb> write_queue;  // [snd_nxt, write_seq) and the FIN
  int64_t wmem_queued = 0;       // sk_wmem_queued: both queues' truesize
  bool write_waiting = false;    // a blocking write() sleeps for memory
  uint32_t pushed_seq = 0;       // data up to here is to be sent with PSH
  uint64_t bytes_acked = 0;

  // Receive side.
  uint32_t irs = 0, rcv_nxt = 0, rcv_wup = 0, rcv_wnd = 0;
  uint32_t window_clamp = 0, rcv_ssthresh = 0;
  uint8_t rcv_wscale = 0;
  std::deque<uint8_t> recv_buf;
  // What the receive queue costs as Linux counts it (skb truesize): each
  // segment's payload plus kSkbOverhead, freed once it is read to its end.
  std::deque<uint32_t> recv_chunks;  // unread bytes of each queued segment
  int64_t rmem_alloc = 0;
  std::vector<OutOfOrderSegment> ofo;  // sorted by seq
  std::vector<SackBlock> selective_acks;  // most recent first
  std::optional<SackBlock> dsack;

  // Negotiated options and MSS.
  bool tstamp_ok = false, sack_ok = false, wscale_ok = false;
  uint8_t ecn_flags = 0;  // ecn_flag bits
  // The ECN flags of our SYN's skb (ECE|CWR when it asked for ECN), which
  // a retransmission may drop (tcp_ecn_clear_syn()) and a simultaneous
  // open's SYN-ACK reuses.
  uint16_t syn_ecn = 0;
  uint32_t ts_offset = 0, ts_recent = 0;
  std::optional<Instant> ts_recent_stamp;
  uint16_t mss_clamp = 536;  // the peer's MSS, bounded by TCP_MAXSEG
  uint16_t advmss = 0;       // the MSS we announce
  uint32_t mss_cache = 536;  // effective send MSS
  uint32_t pmtu_cookie = 0;  // icsk_pmtu_cookie: the path MTU mss_cache is for
  // The route the connection looked up (its dst: the metrics then), kept
  // until a route change makes it stale (dst_genid behind the stack's).
  std::optional<RouteMetrics> dst_route;
  uint64_t dst_genid = 0;
  // Path MTU probing (icsk_mtup, RFC 4821): the MTUs known to work and to
  // bound the search, the probe in flight (its MTU, 0: none, and its
  // sequence space).
  struct Mtup {
    bool enabled = false;
    int search_high = 0, search_low = 0, probe_size = 0;
    uint32_t probe_seq_start = 0, probe_seq_end = 0;
  } mtup;

  // RTT and retransmission (usec, Linux's scaled fixed point).
  uint32_t srtt_us = 0, mdev_us = 0, mdev_max_us = 0, rttvar_us = 0;
  uint32_t rtt_seq = 0;
  Duration rto = kTimeoutInit;
  int backoff = 0;
  int retransmits = 0;  // icsk_retransmits: RTOs since forward progress
  int total_retrans = 0;
  int total_rto = 0;
  std::optional<Instant> retrans_stamp;  // first (re)transmission not acked
  Instant lsndtime, rcv_tstamp, last_data_recv;
  Instant wstamp;  // tcp_wstamp_ns: the last transmission of any kind
  std::optional<Instant> last_oow_ack_time;
  int probes_out = 0;
  std::optional<uint32_t> tlp_high_seq;  // snd_nxt when a loss probe went
  std::optional<Instant> probes_tstamp;

  // Pacing (sk_pacing_rate, bytes per second) decides how many segments
  // go in one TSO packet; unlimited until the first RTT sample.
  uint64_t pacing_rate = UINT64_MAX;
  // The congestion control chosen at socket creation is bbr (whose pacing
  // and minimum TSO size differ), else cubic or reno.
  bool bbr = false;

  // Congestion control: the algorithm (icsk_ca_ops) with its private
  // state (icsk_ca_priv), the congestion state and the window.
  const CongestionOps* ca_ops = &kCubicOps;
  std::array<uint64_t, 13> ca_priv{};
  CaState ca_state = CaState::kOpen;
  uint32_t cwnd = 10, ssthresh = 0x7fffffff, cwnd_cnt = 0;
  uint32_t cwnd_clamp = ~0u;
  uint32_t prior_cwnd = 0, prior_ssthresh = 0;  // before the reduction
  // PRR (prr.cc): segments delivered and sent since the reduction began,
  // and what the ACK being processed did.
  uint32_t prr_delivered = 0, prr_out = 0;
  bool prr_snd_una_advanced = false;
  uint32_t prr_newly_lost = 0;
  // Loss recovery (recovery.h): the reordering degree in segments, how
  // often reordering was seen, duplicate ACKs counted as SACKs without
  // SACK (tcp_add_reno_sack), retransmissions not yet shown spurious by a
  // D-SACK (undo_retrans, -1: none), the SACK scoreboard's right edge
  // (tcp_highest_sack_seq), RACK, and segments delivered.
  uint32_t reordering = 3;
  uint32_t reord_seen = 0;
  uint32_t reno_sacked = 0;
  int undo_retrans = -1;
  uint32_t highest_sack_end = 0;
  RackState rack;
  uint32_t delivered = 0;
  bool is_sack_reneg = false;
  bool in_loss = false;     // TCP_CA_Loss
  uint32_t high_seq = 0;    // snd_nxt when loss recovery began
  uint32_t undo_marker = 0;
  uint32_t max_packets_out = 0, cwnd_usage_seq = 0;
  bool is_cwnd_limited = false;

  AckState ack;

  // Timers. Whatever arms one calls Stack::ScheduleTimer() after it
  // (timer_queue.h); cancelling is setting it empty.
  WriteTimer write_timer;
  KeepaliveTimer keepalive_timer;

  uint16_t ip_id = 0;

  // The chronograph (tp->chrono_*): the kind running since chrono_start,
  // and the jiffies each kind ran before (busy, rwnd, sndbuf limited).
  Chrono chrono_type = Chrono::kUnspec;
  int64_t chrono_start = 0;
  std::array<int64_t, 3> chrono_stat{};

  // Per-connection statistics for TCP_INFO.
  uint32_t segs_in = 0, segs_out = 0, data_segs_in = 0, data_segs_out = 0;
  uint64_t bytes_received = 0, bytes_sent = 0, bytes_retrans = 0;
  std::optional<uint32_t> min_rtt_us;  // rtt_min's value once sampled
  WindowedMin rtt_min;                 // over tcp_min_rtt_wlen, in jiffies

  // Segments in flight: TSO skbs count each of their segments.
  uint32_t packets_out() const {
    uint32_t n = 0;
    for (const SentSegment& s : rtx_queue) n += s.pcount;
    return n;
  }
  // The scoreboard's counts (tp->sacked_out, lost_out, retrans_out);
  // without SACK, duplicate ACKs stand for SACKed segments.
  uint32_t sacked_out() const {
    if (!sack_ok) return reno_sacked;
    uint32_t n = 0;
    for (const SentSegment& s : rtx_queue) n += s.sacked ? s.pcount : 0;
    return n;
  }
  uint32_t lost_out() const {
    uint32_t n = 0;
    for (const SentSegment& s : rtx_queue) n += s.lost ? s.pcount : 0;
    return n;
  }
  uint32_t retrans_out() const {
    uint32_t n = 0;
    for (const SentSegment& s : rtx_queue) n += s.retrans ? s.pcount : 0;
    return n;
  }
  // Data written and not yet sent (the FIN, once sent, is past write_seq).
  uint32_t unsent_bytes() const {
    return SeqAfter(write_seq, snd_nxt) ? write_seq - snd_nxt : 0;
  }
  bool fin_unsent() const { return fin_queued && snd_nxt == write_seq; }
  bool send_pending() const { return !write_queue.empty(); }

  template <typename It>
  void QueueRecv(It begin, It end) {
    const auto n = static_cast<uint32_t>(end - begin);
    if (n == 0) return;
    recv_buf.insert(recv_buf.end(), begin, end);
    recv_chunks.push_back(n);
    rmem_alloc += n + kSkbOverhead;
  }
  void ConsumeRecv(size_t n) {
    recv_buf.erase(recv_buf.begin(), recv_buf.begin() + static_cast<long>(n));
    while (n > 0 && !recv_chunks.empty()) {
      const size_t take = std::min<size_t>(n, recv_chunks.front());
      recv_chunks.front() -= static_cast<uint32_t>(take);
      n -= take;
      if (recv_chunks.front() == 0) {
        recv_chunks.pop_front();
        rmem_alloc -= kSkbOverhead;
      }
      rmem_alloc -= static_cast<int64_t>(take);
    }
  }
  // Everything written, sent or not, is dropped (a reset, an abort).
  void ClearSendQueues() {
    send_buf.clear();
    rtx_queue.clear();
    write_queue.clear();
    wmem_queued = 0;
    write_waiting = false;
  }
  void ClearRecv() {
    recv_buf.clear();
    recv_chunks.clear();
    rmem_alloc = 0;
  }
  bool listening() const { return state == TcpState::kListen; }
};

// What tcp_time_wait() keeps of a closed connection (inet_timewait_sock),
// in substate TIME_WAIT or FIN_WAIT2 (an orphan waiting for the peer's FIN).
struct TimeWaitSock {
  FourTuple tuple;
  int domain = 0;  // the socket's AF_INET or AF_INET6, for `ss`
  TcpState substate = TcpState::kTimeWait;
  uint32_t snd_nxt = 0, rcv_nxt = 0, rcv_wnd = 0;
  uint8_t rcv_wscale = 0;
  bool tstamp_ok = false;
  uint32_t ts_recent = 0, ts_offset = 0;
  std::optional<Instant> ts_recent_stamp;
  bool reuse = false;
  Instant entered;  // tw_entry_stamp, for tcp_tw_reuse_delay
  Instant expires;
  std::optional<Instant> last_oow_ack_time;
};

}  // namespace synack::stack
