#include "interpreter/values.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <fcntl.h>
#include <sys/socket.h>

#include <cstring>

#include "grammar/parser.h"

namespace synack::interpreter {
namespace {

// The arguments of `0 f(<args>) = 0`, parsed.
std::vector<grammar::ExprPtr> Args(const std::string& args) {
  grammar::ParseResult parsed = grammar::Parse("0 f(" + args + ") = 0\n");
  EXPECT_TRUE(parsed.ok()) << args;
  if (parsed.script.events.empty()) return {};
  auto& call = std::get<grammar::SyscallEvent>(parsed.script.events[0].action);
  return std::move(call.args);
}

grammar::ExprPtr Arg(const std::string& text) {
  std::vector<grammar::ExprPtr> args = Args(text);
  EXPECT_EQ(args.size(), 1u) << text;
  return args.empty() ? nullptr : std::move(args[0]);
}

std::string Hex(const void* data, size_t len) {
  std::string out;
  const auto* bytes = static_cast<const uint8_t*>(data);
  char digits[4];
  for (size_t i = 0; i < len; ++i) {
    std::snprintf(digits, sizeof digits, "%02x", bytes[i]);
    out += digits;
  }
  return out;
}

class ValuesTest : public ::testing::Test {
 protected:
  SocketAddress Address(const std::string& text, AddressRole role,
                        IpVersion version = IpVersion::kIpv4) {
    net_ = DefaultConfig(version).net;
    Evaluator eval(net_, fds_);
    grammar::ExprPtr expr = Arg(text);
    std::optional<SocketAddress> address = eval.Address(*expr, role);
    EXPECT_TRUE(address) << (eval.failed() ? eval.error().message : "");
    return address.value_or(SocketAddress{});
  }

  NetConfig net_ = DefaultConfig(IpVersion::kIpv4).net;
  FdTable fds_;
};

TEST_F(ValuesTest, DefaultAddressesPerIpVersion) {
  // sockaddr_in: family 2 (host order), port 8080 = 0x1f90, 192.0.2.1.
  SocketAddress v4 = Address("...", AddressRole::kRemote);
  ASSERT_EQ(v4.len, sizeof(sockaddr_in));
  EXPECT_EQ(Hex(v4.get(), 8), "02001f90c0000201");
  SocketAddress v4_local = Address("...", AddressRole::kLocal);
  EXPECT_EQ(Hex(v4_local.get(), 8), "02001f90c0a80001");

  // sockaddr_in6: family 10, port, flowinfo 0, fd3d:fa7b:d17d::1.
  SocketAddress v6 = Address("...", AddressRole::kRemote, IpVersion::kIpv6);
  ASSERT_EQ(v6.len, sizeof(sockaddr_in6));
  EXPECT_EQ(Hex(v6.get(), 24),
            "0a001f9000000000fd3dfa7bd17d00000000000000000001");

  // ipv4-mapped: sockaddr_in6 with ::ffff:192.0.2.1.
  SocketAddress mapped =
      Address("...", AddressRole::kRemote, IpVersion::kIpv4MappedIpv6);
  ASSERT_EQ(mapped.len, sizeof(sockaddr_in6));
  EXPECT_EQ(Hex(mapped.get(), 24),
            "0a001f900000000000000000000000000000ffffc0000201");
  EXPECT_EQ(mapped.port(), 8080);
}

TEST_F(ValuesTest, ExplicitSockaddrs) {
  SocketAddress v4 = Address(
      "{sa_family=AF_INET, sin_port=htons(9999), "
      "sin_addr=inet_addr(\"10.0.0.7\")}",
      AddressRole::kRemote);
  EXPECT_EQ(Hex(v4.get(), 8), "0200270f0a000007");
  EXPECT_EQ(v4.port(), 9999);
  SocketAddress v6 = Address(
      "{sa_family=AF_INET6, sin6_port=htons(80), "
      "sin6_addr=inet6_addr(\"2001:db8::5\")}",
      AddressRole::kRemote, IpVersion::kIpv6);
  EXPECT_EQ(Hex(v6.get(), 24),
            "0a0000500000000020010db8000000000000000000000005");
  EXPECT_EQ(v6.port(), 80);
}

TEST_F(ValuesTest, NullAndBareFamilyAddresses) {
  EXPECT_TRUE(Address("NULL", AddressRole::kRemote).null);
  SocketAddress unspec = Address("AF_UNSPEC", AddressRole::kRemote);
  EXPECT_FALSE(unspec.null);
  EXPECT_EQ(unspec.storage.ss_family, AF_UNSPEC);
  EXPECT_EQ(unspec.len, sizeof(sockaddr_in));
}

TEST_F(ValuesTest, Integers) {
  Evaluator eval(net_, fds_);
  EXPECT_EQ(eval.Int(*Arg("42")), 42);
  EXPECT_EQ(eval.Int(*Arg("0x20000000")), 0x20000000);
  EXPECT_EQ(eval.Int(*Arg("SOCK_STREAM")), SOCK_STREAM);
  EXPECT_EQ(eval.Int(*Arg("O_RDWR|O_NONBLOCK")), O_RDWR | O_NONBLOCK);
  EXPECT_EQ(eval.IntPointer(*Arg("[1100]")), 1100);
  EXPECT_FALSE(eval.failed());
  EXPECT_EQ(eval.Int(*Arg("NO_SUCH_NAME")), std::nullopt);
  EXPECT_EQ(eval.error().message, "unknown constant 'NO_SUCH_NAME'");
}

TEST_F(ValuesTest, FdsAreTranslated) {
  fds_.Add(3, 9, true);
  Evaluator eval(net_, fds_);
  EXPECT_EQ(eval.Fd(*Arg("3")), 9);
  EXPECT_EQ(eval.Fd(*Arg("4")), FdTable::kUnknownFd);
}

TEST_F(ValuesTest, DataBuffers) {
  Evaluator eval(net_, fds_);
  std::optional<Buffer> filler = eval.DataOut(*Arg("..."), 2000);
  ASSERT_TRUE(filler);
  EXPECT_EQ(filler->bytes.size(), 2000u);
  EXPECT_NE(filler->data(), nullptr);
  std::optional<Buffer> text = eval.DataOut(*Arg("\"abc\""), 5);
  ASSERT_TRUE(text);
  EXPECT_EQ(Hex(text->data(), 5), "6162630000");
  std::optional<Buffer> null = eval.DataOut(*Arg("NULL"), 1000);
  ASSERT_TRUE(null);
  EXPECT_EQ(null->data(), nullptr);
}

TEST_F(ValuesTest, Iovecs) {
  Evaluator eval(net_, fds_);
  std::optional<std::vector<Buffer>> iov =
      eval.Iovecs(*Arg("[{..., 0}, {..., 40}, {..., 20}]"), true);
  ASSERT_TRUE(iov);
  ASSERT_EQ(iov->size(), 3u);
  EXPECT_EQ((*iov)[0].bytes.size(), 0u);
  EXPECT_EQ((*iov)[1].bytes.size(), 40u);
  EXPECT_EQ((*iov)[2].bytes.size(), 20u);
  EXPECT_EQ(eval.Iovecs(*Arg("[1, 2]"), true), std::nullopt);
  EXPECT_EQ(eval.error().message, "expected an iovec like {..., 1000}, found '1'");
}

TEST_F(ValuesTest, OptionValues) {
  Evaluator eval(net_, fds_);
  std::optional<Buffer> one = eval.OptionValue(*Arg("[1]"), 4);
  ASSERT_TRUE(one);
  EXPECT_EQ(Hex(one->data(), 4), "01000000");
  // `[4], 1`: one byte, the int's low byte.
  std::optional<Buffer> tos = eval.OptionValue(*Arg("[4]"), 1);
  ASSERT_TRUE(tos);
  EXPECT_EQ(tos->data()[0], 4);
  std::optional<Buffer> linger_value =
      eval.OptionValue(*Arg("{onoff=1, linger=5}"), sizeof(linger));
  ASSERT_TRUE(linger_value);
  EXPECT_EQ(Hex(linger_value->data(), 8), "0100000005000000");
  std::optional<Buffer> key = eval.OptionValue(*Arg("\"\\x01\\x02\""), 2);
  ASSERT_TRUE(key);
  EXPECT_EQ(Hex(key->data(), 2), "0102");
}

TEST(SameIntTest, ComparesOnTheOptionsWidth) {
  int64_t actual = 0;
  const uint8_t all_ones[4] = {0xff, 0xff, 0xff, 0xff};
  EXPECT_TRUE(SameInt(0xffffffff, all_ones, 4, &actual));
  EXPECT_EQ(actual, -1);
  EXPECT_TRUE(SameInt(-1, all_ones, 4, &actual));
  const uint8_t mss[4] = {0xb4, 0x05, 0, 0};
  EXPECT_FALSE(SameInt(1100, mss, 4, &actual));
  EXPECT_EQ(actual, 1460);
  const uint8_t byte[1] = {4};
  EXPECT_TRUE(SameInt(4, byte, 1, &actual));
}

// A stated value the width cannot hold is no match, whatever its low bits
// (packetdrill's get_s32() refuses values outside INT_MIN..UINT_MAX).
TEST(SameIntTest, AValueWiderThanTheOptionIsNoMatch) {
  int64_t actual = 0;
  const uint8_t one[4] = {1, 0, 0, 0};
  EXPECT_FALSE(SameInt(0x100000001, one, 4, &actual));
  EXPECT_FALSE(SameInt(257, one, 1, &actual));
  EXPECT_FALSE(SameInt(-255, one, 1, &actual));
  EXPECT_FALSE(SameInt(65537, one, 2, &actual));
  const uint8_t all_ones[4] = {0xff, 0xff, 0xff, 0xff};
  EXPECT_TRUE(SameInt(-1, all_ones, 1, &actual));
  EXPECT_TRUE(SameInt(255, all_ones, 1, &actual));
  const uint8_t int_max[4] = {0xff, 0xff, 0xff, 0x7f};
  const uint8_t seven_f[1] = {0x7f};
  EXPECT_FALSE(SameInt(-129, seven_f, 1, &actual));  // low byte 0x7f
  EXPECT_FALSE(SameInt(INT32_MIN - int64_t{1}, int_max, 4, &actual));
  EXPECT_TRUE(SameInt(INT32_MAX, int_max, 4, &actual));
}

}  // namespace
}  // namespace synack::interpreter
