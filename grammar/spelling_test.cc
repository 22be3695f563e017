// Tests for the closest-name suggestions: the edit distance on a table of
// typos, and ClosestName (which stops a candidate's table early) against a
// plain search over every candidate with the full distance.
#include "grammar/spelling.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "grammar/known_names.h"

namespace synack::grammar {
namespace {

TEST(SpellingTest, EditDistanceCountsTypos) {
  struct Case {
    std::string_view a, b;
    int distance;
  };
  const Case cases[] = {
      {"", "", 0},
      {"", "abc", 3},
      {"SOCK_STREAM", "sock_stream", 0},  // case is no mistake
      {"SOCK_STRAEM", "SOCK_STREAM", 1},  // a swap of neighbours is one
      {"SOCK_STREM", "SOCK_STREAM", 1},
      {"SOCK_STREAMS", "SOCK_STREAM", 1},
      {"SOCK_DGRAM", "SOCK_STREAM", 3},
      {"kitten", "sitting", 3},
      {"ca", "abc", 3},  // optimal string alignment, not Damerau's
  };
  for (const Case& c : cases) {
    EXPECT_EQ(EditDistance(c.a, c.b), c.distance) << c.a << " " << c.b;
    EXPECT_EQ(EditDistance(c.b, c.a), c.distance) << c.b << " " << c.a;
  }
}

TEST(SpellingTest, ClosestNameTakesTheFirstOfTheNearest) {
  const std::vector<std::string_view> names = {"SO_RCVBUF", "SO_SNDBUF",
                                               "SO_RCVLOWAT", "TCP_NODELAY"};
  EXPECT_EQ(ClosestName("SO_RCVBFU", names), "SO_RCVBUF");
  EXPECT_EQ(ClosestName("SO_XXVBUF", names), "SO_RCVBUF");  // tie: first
  EXPECT_EQ(ClosestName("TCP_NODELYA", names), "TCP_NODELAY");
  EXPECT_EQ(ClosestName("SO_RCVBUF", names), "");  // itself is no typo
  EXPECT_EQ(ClosestName("nothing_like_it", names), "");
  EXPECT_EQ(ClosestName(std::string(10000, 'S'), names), "");
  EXPECT_EQ(DidYouMean("SO_SNDBFU", names), "did you mean 'SO_SNDBUF'?");
}

// The answer with no shortcut: every candidate's full distance.
std::string PlainClosestName(std::string_view name,
                             const std::vector<std::string_view>& candidates) {
  const int limit = std::max(1, static_cast<int>(name.size()) / 4);
  int best = limit + 1;
  std::string_view closest;
  for (std::string_view candidate : candidates) {
    if (candidate == name) continue;
    int distance = EditDistance(name, candidate);
    if (distance < best) {
      best = distance;
      closest = candidate;
    }
  }
  return std::string(closest);
}

TEST(SpellingTest, ClosestNameIsThePlainSearchsAnswer) {
  // Typos of the real constants: letters changed, dropped, doubled and
  // swapped at random, from a fixed seed.
  const std::vector<std::string_view> names = ConstantNames();
  std::mt19937 random(13);
  int suggested = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string word(names[random() % names.size()]);
    const int edits = static_cast<int>(random() % 5);
    for (int e = 0; e < edits && !word.empty(); ++e) {
      const size_t at = random() % word.size();
      switch (random() % 4) {
        case 0: word[at] = static_cast<char>('A' + random() % 26); break;
        case 1: word.erase(at, 1); break;
        case 2: word.insert(at, 1, word[at]); break;
        default:
          if (at + 1 < word.size()) std::swap(word[at], word[at + 1]);
      }
    }
    const std::string expected = PlainClosestName(word, names);
    EXPECT_EQ(ClosestName(word, names), expected) << word;
    if (!expected.empty()) ++suggested;
  }
  // The comparison covered both answers: a name and none.
  EXPECT_GT(suggested, 1000);
  EXPECT_LT(suggested, 3000);
}

}  // namespace
}  // namespace synack::grammar
