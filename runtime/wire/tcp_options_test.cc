// EncodeTcpOptions / DecodeTcpOptions.
#include "runtime/wire/tcp_options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/wire/wire_test_util.h"

namespace synack::wire {
namespace {

using ::testing::ElementsAreArray;
using namespace synack::wire::test_util;

TEST(EncodeTcpOptions, LinuxSynOptions) {
  const EncodedTcpOptions encoded = EncodeTcpOptions(SynOptions(100, 7));
  EXPECT_EQ(encoded.error, "");
  EXPECT_THAT(encoded.bytes, ElementsAreArray(Hex(
      "02 04 05 b4 04 02 08 0a 00 00 00 64 00 00 00 00 01 03 03 07")));
}

TEST(EncodeTcpOptions, RejectsOversizedOption) {
  EXPECT_EQ(EncodeTcpOptions({{99, std::vector<uint8_t>(254)}}).error,
            "TCP option kind 99 has too much data");
}

TEST(DecodeTcpOptions, SplitsInWireOrder) {
  const DecodedTcpOptions decoded = DecodeTcpOptions(
      Hex("01 01 05 0a 00 00 00 01 00 00 00 02 00 00"));
  EXPECT_EQ(decoded.error, "");
  const std::vector<TcpOption> expected = {
      {tcp_opt::kNop, {}},
      {tcp_opt::kNop, {}},
      {tcp_opt::kSack, {0, 0, 0, 1, 0, 0, 0, 2}},
      {tcp_opt::kEol, {}},
      {tcp_opt::kEol, {}},
  };
  EXPECT_EQ(decoded.options, expected);
}

TEST(DecodeTcpOptions, KeepsOddLengthsOfKnownKinds) {
  const DecodedTcpOptions decoded = DecodeTcpOptions(Hex("02 03 05 00"));
  EXPECT_EQ(decoded.error, "");
  const std::vector<TcpOption> expected = {{tcp_opt::kMss, {5}},
                                           {tcp_opt::kEol, {}}};
  EXPECT_EQ(decoded.options, expected);
}

TEST(DecodeTcpOptions, RejectsBadLengths) {
  EXPECT_EQ(DecodeTcpOptions(Hex("02 00 00 00")).error,
            "bad TCP option length 0 for kind 2");
  EXPECT_EQ(DecodeTcpOptions(Hex("08 0a 00 00")).error,
            "bad TCP option length 10 for kind 8");
  EXPECT_EQ(DecodeTcpOptions(Hex("01 01 01 04")).error,
            "truncated TCP option kind 4");
}

}  // namespace
}  // namespace synack::wire
