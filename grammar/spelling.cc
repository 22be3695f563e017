// Closest-name suggestions: Levenshtein distance over lower-cased letters.
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
  // One row of the classic table is enough: row[j] is the distance between
  // the first i letters of `a` and the first j letters of `b`.
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diagonal = row[0];
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int substitute = diagonal + (Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
    }
  }
  return row[b.size()];
}

std::string ClosestName(std::string_view name,
                        const std::vector<std::string_view>& candidates) {
  const int limit = std::max(1, static_cast<int>(name.size()) / 3);
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
