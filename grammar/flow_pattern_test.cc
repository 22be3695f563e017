// --ignore_flows' patterns: what parses, what matches, what is refused.
#include "grammar/flow_pattern.h"

#include <gtest/gtest.h>

namespace synack::grammar {
namespace {

TEST(FlowPatternTest, ParsesAndRejects) {
  std::string error;
  auto patterns = ParseFlowPatterns("8080>40001,*>1-3", &error);
  ASSERT_TRUE(patterns) << error;
  ASSERT_EQ(patterns->size(), 2u);
  EXPECT_TRUE((*patterns)[0].Matches(8080, 40001));
  EXPECT_FALSE((*patterns)[0].Matches(8080, 40002));
  EXPECT_TRUE((*patterns)[1].Matches(1, 3));
  EXPECT_FALSE((*patterns)[1].Matches(1, 4));
  for (const char* bad : {"", "8080", "8080>", "x>1", "1>70000", "5-4>1",
                          "1>2,"}) {
    EXPECT_FALSE(ParseFlowPatterns(bad, &error)) << bad;
  }
  ParseFlowPatterns("8080:40001", &error);
  EXPECT_EQ(error,
            "expected a flow as LOCAL>REMOTE (each a port, FIRST-LAST or *, "
            "the stack's port first), found '8080:40001'");
}

}  // namespace
}  // namespace synack::grammar
