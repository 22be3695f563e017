// IpAddress parsing, printing and IPv4-mapped conversion.
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "runtime/wire/packet.h"

namespace synack::wire {
namespace {

TEST(IpAddress, ParsesIpv4) {
  const auto address = IpAddress::Parse("192.168.0.1");
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(address->family, AF_INET);
  EXPECT_EQ(address->bytes[0], 192);
  EXPECT_EQ(address->bytes[3], 1);
  EXPECT_EQ(address->bytes[4], 0);
  EXPECT_EQ(address->ToString(), "192.168.0.1");
}

TEST(IpAddress, ParsesIpv6AndPrintsCanonically) {
  const auto address = IpAddress::Parse("fd3d:0a0b:17d6:0000::1");
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(address->family, AF_INET6);
  EXPECT_EQ(address->bytes[0], 0xfd);
  EXPECT_EQ(address->bytes[15], 1);
  EXPECT_EQ(address->ToString(), "fd3d:a0b:17d6::1");
}

TEST(IpAddress, RejectsNonAddresses) {
  EXPECT_FALSE(IpAddress::Parse("").has_value());
  EXPECT_FALSE(IpAddress::Parse("192.168.0").has_value());
  EXPECT_FALSE(IpAddress::Parse("192.168.0.256").has_value());
  EXPECT_FALSE(IpAddress::Parse("fd3d::1::2").has_value());
  EXPECT_FALSE(IpAddress::Parse("localhost").has_value());
}

TEST(IpAddress, ParsesAViewThatIsNotNulTerminated) {
  const std::string_view text = std::string_view("10.0.0.12345").substr(0, 9);
  EXPECT_EQ(IpAddress::Parse(text)->ToString(), "10.0.0.12");
}

TEST(IpAddress, MapsIpv4IntoIpv6) {
  const IpAddress mapped = IpAddress::Parse("192.0.2.1")->ToV4Mapped();
  EXPECT_EQ(mapped.family, AF_INET6);
  EXPECT_EQ(mapped.ToString(), "::ffff:192.0.2.1");
  EXPECT_EQ(mapped, *IpAddress::Parse("::ffff:192.0.2.1"));
  // An IPv6 address is already mapped (or not mappable): unchanged.
  EXPECT_EQ(mapped.ToV4Mapped(), mapped);
}

TEST(IpAddress, UnsetAddressPrintsAsSuch) {
  EXPECT_EQ(IpAddress{}.ToString(), "<no address>");
}

}  // namespace
}  // namespace synack::wire
