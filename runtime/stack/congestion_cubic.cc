// CUBIC (RFC 9438) with HyStart as Linux 6.18's tcp_cubic.c runs it, in its
// default parameters: beta 717/1024, bic_scale 41, fast convergence, TCP
// friendliness, HyStart with both ACK-train and delay detection from a
// window of 16 segments. Its fixed-point arithmetic is the kernel's, so
// that cwnd lands on the same segment count.
#include <algorithm>
#include <bit>
#include <cstring>

#include "runtime/stack/congestion.h"
#include "runtime/stack/sock.h"

namespace synack::stack {

namespace {

constexpr uint32_t kBetaScale = 1024;  // BICTCP_BETA_SCALE
constexpr uint32_t kBeta = 717;        // beta: 0.7 of the window after a loss
constexpr uint32_t kBicScale = 41;
constexpr int kHzShift = 10;           // BICTCP_HZ: time in 1/1024 s
constexpr uint32_t kHz = 250;          // jiffies per second (CONFIG_HZ)
// cubictcp_register(): the constants derived from the parameters.
constexpr uint32_t kBetaScaleFriendly =
    8 * (kBetaScale + kBeta) / 3 / (kBetaScale - kBeta);      // 15
constexpr uint64_t kCubeRttScale = kBicScale * 10;            // 410
constexpr uint64_t kCubeFactor = (uint64_t{1} << (10 + 3 * kHzShift)) / (kBicScale * 10);
// HyStart.
constexpr uint32_t kHystartLowWindow = 16;
constexpr uint32_t kHystartAckDeltaUs = 2000;
constexpr uint32_t kHystartMinSamples = 8;
constexpr uint32_t kHystartDelayMinUs = 4000;
constexpr uint32_t kHystartDelayMaxUs = 16000;
constexpr uint64_t kGsoMaxSize = 65536;  // GSO_LEGACY_MAX_SIZE of the TUN device

// struct bictcp: the algorithm's per-socket state, kept in Sock::ca_priv.
struct Bictcp {
  uint32_t cnt;              // increase cwnd by one after cnt ACKs
  uint32_t last_max_cwnd;    // cwnd before the last reduction (W_max)
  uint32_t last_cwnd;
  uint32_t last_time;        // jiffies of last_cwnd
  uint32_t bic_origin_point;
  uint32_t bic_K;            // time to reach the origin, 1/1024 s
  uint32_t delay_min;        // min RTT, µs
  uint32_t epoch_start;      // jiffies at the start of the epoch, 0: none
  uint32_t ack_cnt;
  uint32_t tcp_cwnd;         // the window Reno would have
  uint32_t sample_cnt;
  uint32_t found;
  uint32_t round_start;      // µs
  uint32_t end_seq;
  uint32_t last_ack;         // µs
  uint32_t curr_rtt;         // µs
};
static_assert(sizeof(Bictcp) <= sizeof(Sock::ca_priv));

Bictcp Load(const Sock* sk) {
  Bictcp ca;
  std::memcpy(&ca, sk->ca_priv.data(), sizeof ca);
  return ca;
}
void Store(Sock* sk, const Bictcp& ca) {
  std::memcpy(sk->ca_priv.data(), &ca, sizeof ca);
}

void Reset(Bictcp* ca) {
  // bictcp_reset(): everything but the HyStart round.
  const Bictcp keep = *ca;
  *ca = Bictcp{};
  ca->sample_cnt = keep.sample_cnt;
  ca->round_start = keep.round_start;
  ca->end_seq = keep.end_seq;
  ca->last_ack = keep.last_ack;
  ca->curr_rtt = keep.curr_rtt;
}

void HystartReset(const Sock* sk, const CaClock& clock, Bictcp* ca) {
  // bictcp_hystart_reset(): a new round starts with the next ACK of data
  // sent from now.
  ca->round_start = ca->last_ack = static_cast<uint32_t>(clock.now_us);
  ca->end_seq = sk->snd_nxt;
  ca->curr_rtt = ~0u;
  ca->sample_cnt = 0;
}

uint32_t CubicRoot(uint64_t a) {
  // cubic_root(): a table of cbrt(x << 18) - 1 for the top six bits, then
  // one Newton-Raphson step (average error 0.195%, as Linux's).
  static constexpr uint8_t v[] = {
      0,   54,  54,  54,  118, 118, 118, 118, 123, 129, 134, 138, 143,
      147, 151, 156, 157, 161, 164, 168, 170, 173, 176, 179, 181, 185,
      187, 190, 192, 194, 197, 199, 200, 202, 204, 206, 209, 211, 213,
      215, 217, 219, 221, 222, 224, 225, 227, 229, 231, 232, 234, 236,
      237, 239, 240, 242, 244, 245, 246, 248, 250, 251, 252, 254,
  };
  uint32_t b = static_cast<uint32_t>(std::bit_width(a));  // fls64
  if (b < 7) return (uint32_t{v[static_cast<uint32_t>(a)]} + 35) >> 6;
  b = ((b * 84) >> 8) - 1;
  const auto shift = static_cast<uint32_t>(a >> (b * 3));
  uint32_t x = static_cast<uint32_t>((uint32_t{v[shift]} + 10) << b) >> 6;
  x = 2 * x + static_cast<uint32_t>(a / (uint64_t{x} * (uint64_t{x} - 1)));
  return (x * 341) >> 10;
}

uint32_t UsecsToJiffies(uint32_t us) {
  return (us + 1000000 / kHz - 1) / (1000000 / kHz);
}

void Update(Bictcp* ca, const CaClock& clock, uint32_t cwnd, uint32_t acked) {
  // bictcp_update(): how many ACKs per cwnd increment (cnt) puts cwnd on
  // the cubic curve W(t) = C (t - K)^3 + W_max, one RTT ahead.
  ca->ack_cnt += acked;
  const uint32_t now = clock.jiffies;
  if (ca->last_cwnd == cwnd && static_cast<int32_t>(now - ca->last_time) <= static_cast<int32_t>(kHz / 32)) {
    return;
  }
  // Once per jiffy at most; the friendliness check still runs.
  if (!(ca->epoch_start != 0 && now == ca->last_time)) {
    ca->last_cwnd = cwnd;
    ca->last_time = now;
    if (ca->epoch_start == 0) {
      ca->epoch_start = now;
      ca->ack_cnt = acked;
      ca->tcp_cwnd = cwnd;
      if (ca->last_max_cwnd <= cwnd) {
        ca->bic_K = 0;
        ca->bic_origin_point = cwnd;
      } else {
        ca->bic_K = CubicRoot(kCubeFactor * (ca->last_max_cwnd - cwnd));
        ca->bic_origin_point = ca->last_max_cwnd;
      }
    }
    uint64_t t = static_cast<uint32_t>(static_cast<int32_t>(now - ca->epoch_start));
    t += UsecsToJiffies(ca->delay_min);
    t <<= kHzShift;
    t /= kHz;
    const uint64_t offs = t < ca->bic_K ? ca->bic_K - t : t - ca->bic_K;
    const auto delta = static_cast<uint32_t>((kCubeRttScale * offs * offs * offs) >>
                                             (10 + 3 * kHzShift));
    const uint32_t target = t < ca->bic_K ? ca->bic_origin_point - delta
                                          : ca->bic_origin_point + delta;
    ca->cnt = target > cwnd ? cwnd / (target - cwnd) : 100 * cwnd;
    // Cautious at first, while the bandwidth is unknown: 5% per RTT.
    if (ca->last_max_cwnd == 0 && ca->cnt > 20) ca->cnt = 20;
  }
  // TCP friendliness (RFC 9438 §4.3): no slower than Reno would be.
  const uint32_t delta = (cwnd * kBetaScaleFriendly) >> 3;
  while (delta != 0 && ca->ack_cnt > delta) {
    ca->ack_cnt -= delta;
    ++ca->tcp_cwnd;
  }
  if (ca->tcp_cwnd > cwnd) {
    const uint32_t max_cnt = cwnd / (ca->tcp_cwnd - cwnd);
    if (ca->cnt > max_cnt) ca->cnt = max_cnt;
  }
  // At most one segment per two acknowledged: 1.5 x per RTT.
  ca->cnt = std::max(ca->cnt, 2u);
}

void CubicInit(Sock* sk, const CaClock& clock) {
  // cubictcp_init().
  Bictcp ca{};
  HystartReset(sk, clock, &ca);
  Store(sk, ca);
}

void CubicCwndEvent(Sock* sk, const CaClock& clock, CaEvent event) {
  // cubictcp_cwnd_event(): after an idle period the epoch moves on by the
  // idle time, so that cwnd does not leap along the curve.
  if (event != CaEvent::kTxStart) return;
  Bictcp ca = Load(sk);
  const uint32_t now = clock.jiffies;
  const auto lsndtime = static_cast<uint32_t>(sk->lsndtime.since_epoch / kJiffy);
  const auto delta = static_cast<int32_t>(now - lsndtime);
  if (ca.epoch_start != 0 && delta > 0) {
    ca.epoch_start += static_cast<uint32_t>(delta);
    if (static_cast<int32_t>(ca.epoch_start - now) > 0) ca.epoch_start = now;
  }
  Store(sk, ca);
}

void CubicCongAvoid(Sock* sk, const CaClock& clock, uint32_t, uint32_t acked) {
  // cubictcp_cong_avoid().
  if (!IsCwndLimited(sk)) return;
  if (InSlowStart(sk)) {
    acked = SlowStart(sk, acked);
    if (acked == 0) return;
  }
  Bictcp ca = Load(sk);
  Update(&ca, clock, sk->cwnd, acked);
  Store(sk, ca);
  CongAvoidAi(sk, ca.cnt, acked);
}

uint32_t CubicSsthresh(Sock* sk) {
  // cubictcp_recalc_ssthresh(): the epoch ends; W_max is remembered (a
  // little lower when the window is still shrinking: fast convergence).
  Bictcp ca = Load(sk);
  ca.epoch_start = 0;
  if (sk->cwnd < ca.last_max_cwnd) {
    ca.last_max_cwnd = (sk->cwnd * (kBetaScale + kBeta)) / (2 * kBetaScale);
  } else {
    ca.last_max_cwnd = sk->cwnd;
  }
  Store(sk, ca);
  return std::max((sk->cwnd * kBeta) / kBetaScale, 2u);
}

void CubicSetState(Sock* sk, const CaClock& clock, CaState state) {
  // cubictcp_state(): an RTO forgets the curve and starts a new round.
  if (state != CaState::kLoss) return;
  Bictcp ca = Load(sk);
  Reset(&ca);
  HystartReset(sk, clock, &ca);
  Store(sk, ca);
}

uint32_t HystartAckDelay(const Sock* sk) {
  // hystart_ack_delay(): room for TSO/GRO aggregation, at most 1 ms.
  if (sk->pacing_rate == 0 || sk->pacing_rate == UINT64_MAX) return 0;
  return static_cast<uint32_t>(
      std::min<uint64_t>(1000, kGsoMaxSize * 4 * 1000000 / sk->pacing_rate));
}

void HystartUpdate(Sock* sk, const CaClock& clock, Bictcp* ca, uint32_t delay) {
  // hystart_update(): leave slow start (ssthresh = cwnd) when a round's
  // ACKs keep coming for more than half the min RTT (the ACK train), or
  // when a round's smallest RTT exceeds the min RTT by an eighth of it,
  // kept within 4 to 16 ms.
  if (SeqAfter(sk->snd_una, ca->end_seq)) HystartReset(sk, clock, ca);
  if (sk->cwnd < kHystartLowWindow) return;
  const auto now = static_cast<uint32_t>(clock.now_us);
  if (static_cast<int32_t>(now - ca->last_ack) <= static_cast<int32_t>(kHystartAckDeltaUs)) {
    ca->last_ack = now;
    uint32_t threshold = ca->delay_min + HystartAckDelay(sk);
    // Halved unless paced (sk_pacing_status; bbr here).
    if (!sk->bbr) threshold >>= 1;
    if (static_cast<int32_t>(now - ca->round_start) > static_cast<int32_t>(threshold)) {
      ca->found = 1;
      sk->ssthresh = sk->cwnd;
    }
  }
  if (ca->curr_rtt > delay) ca->curr_rtt = delay;
  if (ca->sample_cnt < kHystartMinSamples) {
    ++ca->sample_cnt;
  } else if (ca->curr_rtt >
             ca->delay_min + std::clamp(ca->delay_min >> 3, kHystartDelayMinUs,
                                        kHystartDelayMaxUs)) {
    ca->found = 1;
    sk->ssthresh = sk->cwnd;
  }
}

void CubicPktsAcked(Sock* sk, const CaClock& clock, const AckSample& sample) {
  // cubictcp_acked().
  if (sample.rtt_us < 0) return;
  Bictcp ca = Load(sk);
  // No delay samples within a second of a reduction.
  if (ca.epoch_start != 0 && static_cast<int32_t>(clock.jiffies - ca.epoch_start) < static_cast<int32_t>(kHz)) {
    return;
  }
  const uint32_t delay = std::max<uint32_t>(static_cast<uint32_t>(sample.rtt_us), 1);
  if (ca.delay_min == 0 || ca.delay_min > delay) ca.delay_min = delay;
  if (ca.found == 0 && InSlowStart(sk)) HystartUpdate(sk, clock, &ca, delay);
  Store(sk, ca);
}

}  // namespace

const CongestionOps kCubicOps = {
    .name = "cubic",
    .init = CubicInit,
    .ssthresh = CubicSsthresh,
    .cong_avoid = CubicCongAvoid,
    .set_state = CubicSetState,
    .cwnd_event = CubicCwndEvent,
    .pkts_acked = CubicPktsAcked,
    .undo_cwnd = RenoUndoCwnd,
};

}  // namespace synack::stack
