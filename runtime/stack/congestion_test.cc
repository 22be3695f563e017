// The congestion-control ops on a bare Sock, with Linux's numbers: reno's
// and cubic's ssthresh after a loss, slow start and reno's one segment per
// window, cubic's growth after a reduction; and the windowed min RTT.
#include "runtime/stack/congestion.h"

#include <gtest/gtest.h>

#include "runtime/stack/minmax.h"
#include "runtime/stack/sock.h"

namespace synack::stack {
namespace {

Sock CwndLimited(const CongestionOps& ops, uint32_t cwnd, uint32_t ssthresh) {
  Sock sk;
  sk.ca_ops = &ops;
  sk.cwnd = cwnd;
  sk.ssthresh = ssthresh;
  sk.is_cwnd_limited = true;
  if (ops.init != nullptr) ops.init(&sk, CaClock{1000000, 250});
  return sk;
}

TEST(Congestion, FindsAlgorithmsByName) {
  EXPECT_EQ(FindCongestionOps("reno"), &kRenoOps);
  EXPECT_EQ(FindCongestionOps("cubic"), &kCubicOps);
  EXPECT_EQ(FindCongestionOps("vegas"), nullptr);
}

TEST(Congestion, RenoHalvesAndGrowsOnePerWindow) {
  Sock sk = CwndLimited(kRenoOps, 10, 0x7fffffff);
  EXPECT_EQ(kRenoOps.ssthresh(&sk), 5u);
  // Slow start: 10 + 4 acknowledged, capped at ssthresh 12, the rest
  // (2) counts towards congestion avoidance.
  sk.ssthresh = 12;
  kRenoOps.cong_avoid(&sk, CaClock{}, 0, 4);
  EXPECT_EQ(sk.cwnd, 12u);
  EXPECT_EQ(sk.cwnd_cnt, 2u);
  kRenoOps.cong_avoid(&sk, CaClock{}, 0, 9);
  EXPECT_EQ(sk.cwnd, 12u);
  kRenoOps.cong_avoid(&sk, CaClock{}, 0, 1);
  EXPECT_EQ(sk.cwnd, 13u);
  // Not cwnd-limited (and out of slow start): no growth.
  sk.is_cwnd_limited = false;
  kRenoOps.cong_avoid(&sk, CaClock{}, 0, 100);
  EXPECT_EQ(sk.cwnd, 13u);
}

TEST(Congestion, CubicReducesToSeventyPercentWithFastConvergence) {
  Sock sk = CwndLimited(kCubicOps, 100, 0x7fffffff);
  EXPECT_EQ(kCubicOps.ssthresh(&sk), 70u);  // 100 * 717 / 1024
  // A second loss below the last maximum: still 70%, and W_max lowered.
  sk.cwnd = 70;
  EXPECT_EQ(kCubicOps.ssthresh(&sk), 49u);
  EXPECT_EQ(kCubicOps.ssthresh(&(sk = CwndLimited(kCubicOps, 2, 1))), 2u);
}

TEST(Congestion, CubicGrowsSlowlyNearTheOldMaximum) {
  // After a reduction from 100 to 70 the curve starts at W_max = 100 with
  // K = cbrt(30 / 0.4) s, about 4.2 s: right after the loss cwnd grows
  // by the concave part's few segments per RTT, far from slow start.
  Sock sk = CwndLimited(kCubicOps, 100, 0x7fffffff);
  sk.ssthresh = kCubicOps.ssthresh(&sk);
  sk.cwnd = sk.ssthresh;
  uint32_t jiffies = 1000;
  for (int rtt = 0; rtt < 10; ++rtt) {  // 10 RTTs of 100 ms
    jiffies += 25;
    for (uint32_t i = 0; i < sk.cwnd; ++i) {
      kCubicOps.cong_avoid(&sk, CaClock{uint64_t{jiffies} * 4000, jiffies}, 0, 1);
    }
  }
  EXPECT_GT(sk.cwnd, 80u);
  EXPECT_LT(sk.cwnd, 100u);
}

TEST(WindowedMin, KeepsTheMinimumOfTheWindow) {
  WindowedMin m;
  m.Reset(0, 500);
  EXPECT_EQ(m.Update(100, 10, 300), 300u);
  // A worse sample is kept as second best once a quarter window has gone.
  EXPECT_EQ(m.Update(100, 20, 400), 300u);
  EXPECT_EQ(m.Update(100, 40, 400), 300u);
  // The 300 sample ages out of the 100-tick window; the best left is 400.
  EXPECT_EQ(m.Update(100, 115, 450), 400u);
  EXPECT_EQ(m.Update(100, 300, 600), 600u);  // nothing left in the window
}

}  // namespace
}  // namespace synack::stack
