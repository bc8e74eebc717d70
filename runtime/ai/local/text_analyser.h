// The local text analyser ("local"): summaries and titles from the transcript alone, by the
// extractive text analysis of runtime/ai/text/ (no model, no network). English stopwords and
// stemming; other languages get the same ranking with English rules.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "runtime/ai/ai.h"

namespace wfc::ai {

class LocalTextAnalyser : public TextAnalyser {
 public:
  std::string name() const override { return "local"; }
  /// summarize_transcript() (runtime/ai/text/summary.h); fails only `cancelled`.
  Outcome<Summary> summarize(const Transcript& transcript, const Call& call) override;
  /// key_phrase() of each span (runtime/ai/text/phrases.h); "Chapter N" (N from 1, the span's
  /// place in `spans`) for a span without words. Fails only `cancelled`.
  Outcome<std::vector<std::string>> titles(const Transcript& transcript,
                                           std::span<const Section> spans,
                                           const Call& call) override;
};

}  // namespace wfc::ai
