// The subtitles operator: a WebVTT or SubRip track of the input's speech, cut into cues by the
// rules of runtime/ai/tracks (at most `max_line_chars` a line and two lines, each cue
// shown `min_cue_seconds`–`max_cue_seconds`, breaks at pauses and punctuation, no overlaps; the
// kind's constants in stdlib/kinds.json), from the pass's transcription.
#include "runtime/ai/tracks/cues.h"
#include "runtime/ai/tracks/formats.h"
#include "runtime/operators/intelligence.h"
#include "runtime/operators/registry.h"

namespace wfc::operators {

using nlohmann::json;

void build_subtitles(const media::InputInfo& in, media::OutputWork& work, media::BranchSet& set) {
  ai::tracks::CueRules rules;
  auto chars = media::kind_number(work, "max_line_chars");
  auto shortest = media::kind_number(work, "min_cue_seconds");
  auto longest = media::kind_number(work, "max_cue_seconds");
  if (!chars || !shortest || !longest) return;
  rules.max_line_chars = static_cast<size_t>(*chars);
  rules.min_seconds = *shortest;
  rules.max_seconds = *longest;
  auto t = transcription(in, work, set, work.options->text("language"));
  if (!t) return;
  work.after_pass = 0.8;
  std::string format = work.options->text("format");
  work.collect = [t, rules, format](media::OutputWork& w, std::string* error) mutable {
    const ai::Transcript* transcript = t->transcript(w);
    if (!transcript) return std::vector<json>{};
    std::vector<ai::tracks::Cue> cues = ai::tracks::build_cues(*transcript, rules);
    std::string text = format == "srt" ? ai::tracks::to_srt(cues) : ai::tracks::to_vtt(cues);
    json file = write_track(w, text, format, error);
    if (!transcript->language.empty()) file["language"] = transcript->language;
    return std::vector<json>{file};
  };
}

}  // namespace wfc::operators
