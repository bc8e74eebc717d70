// The small helpers of the engines' values (ai.h).
#include "runtime/ai/ai.h"

namespace wfc::ai {

std::string Transcript::text() const {
  std::string out;
  for (const Segment& s : segments) {
    if (s.text.empty()) continue;
    if (!out.empty()) out += ' ';
    out += s.text;
  }
  return out;
}

std::optional<float> Scores::score(std::string_view name) const {
  for (const auto& [n, s] : classes) {
    if (n == name) return s;
  }
  return std::nullopt;
}

}  // namespace wfc::ai
