// The chapters operator: the input split into chapters at scene cuts (found on the pass's frames
// at a low resolution), long pauses in the speech, and shifts in the transcript's vocabulary
// (runtime/ai/text: lexical cohesion, as TextTiling), each at least `min_seconds` long; titles from
// the text analyser (the section's key phrases, or a provider's). Written as a WebVTT chapters
// track (default), SubRip, or JSON `{chapters: [{index, start, end, title}]}`. The outline
// operator (outline.cpp) shares the segmentation.
#include "runtime/ai/tracks/formats.h"
#include "runtime/operators/chapter_sections.h"
#include "runtime/operators/intelligence.h"
#include "runtime/operators/registry.h"

namespace wfc::operators {

using nlohmann::json;

void build_chapters(const media::InputInfo& in, media::OutputWork& work, media::BranchSet& set) {
  auto sections = chapter_sections(in, work, set);
  if (!sections) return;
  work.after_pass = 0.8;
  std::string format = work.options->text("format");
  work.collect = [sections, format](media::OutputWork& w, std::string* error) mutable {
    auto chapters = sections->titled(w);
    if (!chapters) return std::vector<json>{};
    std::string text = format == "json"  ? ai::tracks::chapters_json(*chapters)
                       : format == "srt" ? ai::tracks::chapters_srt(*chapters)
                                         : ai::tracks::chapters_vtt(*chapters);
    return std::vector<json>{write_track(w, text, format, error)};
  };
}

}  // namespace wfc::operators
