// The sections the chapters and outline operators share: boundaries from the pass's scene cuts,
// the long pauses of its audio and the vocabulary shifts of its transcript (runtime/ai/text's
// find_chapters), titled by the text analyser. Computed once per pass for both kinds, with the
// chapters kind's constants (stdlib/kinds.json: min_seconds, max_chapters, pause_seconds,
// scene_threshold, scene_width), which the outline, being over the same sections, reads too.
#pragma once

#include <optional>
#include <vector>

#include "runtime/ai/ai.h"
#include "runtime/media/outputs.h"

namespace wfc::operators {

class ChapterSections {
 public:
  /// The titled sections, covering the input from 0 to its end; computed on the first call.
  /// nullopt, and `work` failed, when the transcription or the text analyser failed.
  std::optional<std::vector<ai::Section>> titled(media::OutputWork& work);

  struct State;
  std::shared_ptr<State> state;
};

/// The pass's sections for `work` (adding the branches they need when it is the first).
std::optional<ChapterSections> chapter_sections(const media::InputInfo& in, media::OutputWork& work,
                                                media::BranchSet& set);

}  // namespace wfc::operators
