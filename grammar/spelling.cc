// Closest-name suggestions: edit distance with swaps, ignoring case.
#include "grammar/spelling.h"

#include <algorithm>
#include <cctype>

namespace synack::grammar {

namespace {

char Lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

}  // namespace

int EditDistance(std::string_view a, std::string_view b) {
  // Optimal string alignment: insertions, deletions, substitutions and
  // swaps of two neighbours each cost one, the usual typos. d[i][j] is the
  // distance between the first i letters of `a` and the first j of `b`.
  const size_t width = b.size() + 1;
  std::vector<int> d((a.size() + 1) * width);
  auto at = [&d, width](size_t i, size_t j) -> int& {
    return d[i * width + j];
  };
  for (size_t i = 0; i <= a.size(); ++i) at(i, 0) = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) at(0, j) = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      int cost = Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1;
      at(i, j) = std::min(
          {at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && Lower(a[i - 1]) == Lower(b[j - 2]) &&
          Lower(a[i - 2]) == Lower(b[j - 1])) {
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
      }
    }
  }
  return at(a.size(), b.size());
}

std::string ClosestName(std::string_view name,
                        const std::vector<std::string_view>& candidates) {
  const int limit = std::max(1, static_cast<int>(name.size()) / 4);
  int best = limit + 1;
  std::string_view closest;
  for (std::string_view candidate : candidates) {
    if (candidate == name) continue;
    int distance = EditDistance(name, candidate);
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
