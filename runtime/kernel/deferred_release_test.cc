// DeferredRelease: the held socket outlives its descriptor while held, and
// is released once the holder is gone.
#include "runtime/kernel/deferred_release.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>
#include <thread>

namespace synack::kernel {
namespace {

TEST(DeferredReleaseTest, HeldSocketSurvivesItsDescriptorUntilReleased) {
  int pair[2];
  ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair));
  UniqueFd peer(pair[1]);
  {
    DeferredRelease held = DeferredRelease::Hold(pair[0]);
    ASSERT_TRUE(held.holding());
    close(pair[0]);
    // The socket is still alive in flight: sending to it works.
    EXPECT_EQ(1, send(peer.get(), "x", 1, MSG_DONTWAIT));
  }
  // Released by the unix garbage collector, from a workqueue: wait for it.
  // A collection already running when the pair closed does not schedule
  // another; the next close of any unix socket does, as below.
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    if (send(peer.get(), "x", 1, MSG_DONTWAIT) < 0 && errno == ECONNREFUSED) {
      gone = true;
    } else {
      close(socket(AF_UNIX, SOCK_DGRAM, 0));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  EXPECT_TRUE(gone);
}

TEST(DeferredReleaseTest, InvalidDescriptorHoldsNothing) {
  EXPECT_FALSE(DeferredRelease::Hold(-1).holding());
}

}  // namespace
}  // namespace synack::kernel
