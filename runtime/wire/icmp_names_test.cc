// ICMP name tables: lookups both ways.
#include "runtime/wire/icmp_names.h"

#include <gtest/gtest.h>

namespace synack::wire {
namespace {

TEST(IcmpNames, Ipv4) {
  EXPECT_EQ(IcmpTypeName(false, 3), "unreachable");
  EXPECT_EQ(IcmpCodeName(false, 3, 4), "frag_needed");
  EXPECT_EQ(IcmpTypeByName(false, "unreachable"), 3);
  EXPECT_EQ(IcmpCodeByName(false, 3, "port_unreachable"), 3);
  EXPECT_EQ(IcmpTypeByName(false, "packet_too_big"), std::nullopt);
  EXPECT_EQ(IcmpCodeName(false, 8, 0), std::nullopt);
}

TEST(IcmpNames, Ipv6) {
  EXPECT_EQ(IcmpTypeName(true, 2), "packet_too_big");
  EXPECT_EQ(IcmpTypeByName(true, "unreachable"), 1);
  EXPECT_EQ(IcmpCodeByName(true, 1, "port_unreachable"), 4);
  EXPECT_EQ(IcmpCodeByName(true, 1, "frag_needed"), std::nullopt);
  EXPECT_EQ(IcmpTypeName(true, 200), std::nullopt);
}

}  // namespace
}  // namespace synack::wire
