// Closest-name suggestions for "did you mean ...?" hints.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace synack::grammar {

// The edit distance between two names, ignoring case: a typo's case is not a
// second mistake: `sock_stream` is no distance from SOCK_STREAM.
int EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `name`, or "" when none is close enough to be a
// likely typo (at most one edit per four letters; a swap of neighbours is
// one edit).
std::string ClosestName(std::string_view name,
                        const std::vector<std::string_view>& candidates);

// "did you mean 'X'?" for the closest candidate, or "".
std::string DidYouMean(std::string_view name,
                       const std::vector<std::string_view>& candidates);

}  // namespace synack::grammar
