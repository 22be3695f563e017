// Closest-name suggestions: edit distance with swaps, ignoring case.
#include "grammar/spelling.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace synack::grammar {

namespace {

char Lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Optimal string alignment: insertions, deletions, substitutions and swaps of
// two neighbours each cost one, the usual typos. d[i][j] is the distance
// between the first i letters of `a` and the first j of `b`. No entry is
// below the smallest of the row above it (a swap adds one to an entry two
// rows up, and the row between is at most one above that row), so once a
// whole row exceeds `bound` the answer does too and the rest need not be
// filled: that is `bound + 1`.
int EditDistanceWithin(std::string_view a, std::string_view b, int bound,
                       std::vector<int>& d) {
  const size_t width = b.size() + 1;
  d.assign((a.size() + 1) * width, 0);
  auto at = [&d, width](size_t i, size_t j) -> int& {
    return d[i * width + j];
  };
  for (size_t i = 0; i <= a.size(); ++i) at(i, 0) = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) at(0, j) = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int row_min = at(i, 0);
    for (size_t j = 1; j <= b.size(); ++j) {
      int cost = Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1;
      at(i, j) = std::min(
          {at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && Lower(a[i - 1]) == Lower(b[j - 2]) &&
          Lower(a[i - 2]) == Lower(b[j - 1])) {
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
      }
      row_min = std::min(row_min, at(i, j));
    }
    if (row_min > bound) return bound + 1;
  }
  return std::min(at(a.size(), b.size()), bound + 1);
}

}  // namespace

int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> table;
  const int most = static_cast<int>(std::max(a.size(), b.size()));
  return EditDistanceWithin(a, b, most, table);
}

std::string ClosestName(std::string_view name,
                        const std::vector<std::string_view>& candidates) {
  const int limit = std::max(1, static_cast<int>(name.size()) / 4);
  int best = limit + 1;
  std::string_view closest;
  std::vector<int> table;  // one allocation for all the candidates
  for (std::string_view candidate : candidates) {
    if (candidate == name) continue;
    // Each letter one name has beyond the other is an edit, so a candidate
    // whose length differs by `best` or more cannot win and needs no table
    // (an unknown word of n letters cost n x 20 steps for each of the
    // hundreds of constants; the fuzzer's words are long), and one that
    // exceeds `best - 1` part way through is dropped there.
    const size_t longer = std::max(name.size(), candidate.size());
    const size_t shorter = std::min(name.size(), candidate.size());
    if (longer - shorter >= static_cast<size_t>(best)) continue;
    int distance = EditDistanceWithin(name, candidate, best - 1, table);
    // Ties go to the first candidate: tables list the common names first.
    if (distance < best) {
      best = distance;
      closest = candidate;
    }
  }
  return std::string(closest);
}

std::string DidYouMean(std::string_view name,
                       const std::vector<std::string_view>& candidates) {
  std::string closest = ClosestName(name, candidates);
  if (closest.empty()) return "";
  return "did you mean '" + closest + "'?";
}

}  // namespace synack::grammar
