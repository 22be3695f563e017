// FlowTable's lookups by ports: the newest flow with a pair of ports, ports
// learned at Commit, and the script side's next free port.
#include "interpreter/flow_table.h"

#include <gtest/gtest.h>

namespace synack::interpreter {
namespace {

// Commits a new flow with these ports; returns its index.
int Add(FlowTable& table, uint16_t local, uint16_t remote) {
  FlowRef ref = table.Named(local, remote);
  ref.index = -1;  // a new flow even when one has these ports
  table.Commit(ref);
  return table.Named(local, remote).index;
}

TEST(FlowTableTest, NamedFindsTheNewestFlowWithThosePorts) {
  FlowTable table(8080);
  const int first = Add(table, 8080, 40001);
  Add(table, 8080, 40002);
  EXPECT_EQ(table.Named(8080, 40001).index, first);
  const int again = Add(table, 8080, 40001);  // the same ports, a new flow
  EXPECT_GT(again, first);
  EXPECT_EQ(table.Named(8080, 40001).index, again);
  EXPECT_EQ(table.Named(8080, 40003).index, -1);
  EXPECT_TRUE(table.Named(8080, 40003).flow.named);
}

TEST(FlowTableTest, ManyFlowsEachFoundByItsPorts) {
  FlowTable table(8080);
  for (uint16_t p = 1024; p < 1024 + 20000; ++p) Add(table, 8080, p);
  for (uint16_t p = 1024; p < 1024 + 20000; p += 997) {
    const FlowRef ref = table.Named(8080, p);
    EXPECT_EQ(ref.index, p - 1024);
    EXPECT_EQ(ref.flow.remote_port, p);
    bool is_default = true;
    const Flow* flow = table.Find(8080, p, &is_default);
    ASSERT_NE(flow, nullptr);
    EXPECT_EQ(flow->remote_port, p);
    EXPECT_FALSE(is_default);
  }
}

// A connect()'s flow learns the stack's port from its first packet: after
// Commit the flow is found under its new ports and no longer under 0.
TEST(FlowTableTest, CommitMovesAFlowToTheUpdatedPorts) {
  FlowTable table(8080);
  table.OnConnect(8080);
  FlowRef ref = table.DefaultOutbound(50000, 8080, true, 1);
  ref.flow.local_port = 50000;
  table.Commit(ref);
  const int index = table.Named(50000, 8080).index;
  ASSERT_GE(index, 0);
  FlowRef moved = table.Named(50000, 8080);
  moved.flow.local_port = 50002;
  table.Commit(moved);
  EXPECT_EQ(table.Named(50000, 8080).index, -1);
  EXPECT_EQ(table.Named(50002, 8080).index, index);
  bool is_default = false;
  ASSERT_NE(table.Find(50002, 8080, &is_default), nullptr);
  EXPECT_TRUE(is_default);
}

// Inbound packets without ports to a listener get fresh script-side ports,
// skipping any a named flow already uses.
TEST(FlowTableTest, FreshRemotePortsSkipUsedOnes) {
  FlowTable table(8080);
  table.OnListen(8080);
  std::string error;
  std::optional<FlowRef> first = table.DefaultInbound(&error);
  ASSERT_TRUE(first);
  const uint16_t base = first->flow.remote_port;
  Add(table, 8080, base);
  Add(table, 8080, static_cast<uint16_t>(base + 1));
  std::optional<FlowRef> next = table.DefaultInbound(&error);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->flow.remote_port, base + 2);
  table.Commit(*next);
  table.OnListen(8080);
  std::optional<FlowRef> after = table.DefaultInbound(&error);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->flow.remote_port, base + 3);
}

}  // namespace
}  // namespace synack::interpreter
