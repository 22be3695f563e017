#include "runtime/vm/channel.h"

#include <gtest/gtest.h>

namespace synack::vm {
namespace {

TEST(ChannelTest, FramesComeBackWholeFromAnyPieces) {
  const Frame done{"done", 7, std::string("1\0out\nput\0", 11)};
  const Frame hello{"hello", 0, "6.1.0-57-amd64"};
  const std::string bytes = EncodeFrame(done) + EncodeFrame(hello);
  EXPECT_EQ(EncodeFrame(hello), "hello 0 14\n6.1.0-57-amd64");
  FrameReader reader;
  std::vector<Frame> frames;
  for (char c : bytes) {  // a byte at a time, as a serial port may give it
    reader.Feed(std::string_view(&c, 1));
    while (auto frame = reader.Next()) frames.push_back(*frame);
  }
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], done);
  EXPECT_EQ(frames[1], hello);
  EXPECT_FALSE(reader.bad());
}

TEST(ChannelTest, AMalformedHeaderStopsTheReader) {
  FrameReader reader;
  reader.Feed("done x 3\nabc");
  EXPECT_FALSE(reader.Next());
  EXPECT_TRUE(reader.bad());
  FrameReader console;
  console.Feed(std::string(100, 'x'));  // no newline in a header's room
  EXPECT_FALSE(console.Next());
  EXPECT_TRUE(console.bad());
}

TEST(ChannelTest, FieldsKeepEmptyOnes) {
  const std::vector<std::string> fields = {"/work", "run", "", "-j", "2"};
  EXPECT_EQ(SplitFields(JoinFields(fields)), fields);
  EXPECT_EQ(SplitFields(""), std::vector<std::string>{""});
}

}  // namespace
}  // namespace synack::vm
