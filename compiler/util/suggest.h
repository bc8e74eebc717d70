// "did you mean": the closest candidate by edit distance, as ninja and rustc do it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wfc {

/// Damerau-Levenshtein distance (adjacent transpositions count 1), case-insensitive.
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` within a distance of max(1, min(3, |word| / 3)), or nullopt.
/// Ties go to the earliest candidate.
std::optional<std::string> suggest(std::string_view word, const std::vector<std::string>& candidates);

/// "did you mean 'video'?" or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace wfc
