// Quoting and suggesting names for diagnostics.
#include "compiler/util/names.h"

#include <algorithm>

#include "compiler/util/suggest.h"

namespace wfc {

std::string quote_name(std::string_view name) {
  constexpr size_t kMaxCodePoints = 64;
  size_t code_points = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    if ((static_cast<unsigned char>(name[i]) & 0xC0) == 0x80) continue;
    if (++code_points > kMaxCodePoints) {
      return "'" + std::string(name.substr(0, i)) + "…'";
    }
  }
  return "'" + std::string(name) + "'";
}

std::optional<std::string> suggest_name(std::string_view word,
                                        const std::vector<std::string>& candidates) {
  // suggest() accepts a distance of at most 3, and a distance is at least the difference in
  // length.
  size_t longest = 0;
  for (const auto& c : candidates) longest = std::max(longest, c.size());
  if (word.size() > longest + 3) return std::nullopt;
  return suggest(word, candidates);
}

}  // namespace wfc
