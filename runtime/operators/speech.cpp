// The speech operator: the input's speech as text with a timeline, in ittybit's shape
// `{kind: "speech", text, language, languages, speakers, timeline: [{start, end, speaker, text,
// confidence, words: [{start, end, word, confidence}]}]}`, written to `<id>.json`. The audio comes
// from the pass, resampled once; the transcription is the pass's shared one when the plan says so
// (runtime/operators/intelligence.h). An input without speech gives an empty timeline and a
// `description` that says so.
#include "runtime/operators/intelligence.h"
#include "runtime/operators/registry.h"

namespace wfc::operators {

using nlohmann::json;

/// The speech result of a transcript (also what summary and the tracks are made from).
json speech_json(const ai::Transcript& t) {
  std::vector<std::string> speakers;
  for (const ai::Segment& s : t.segments)
    if (!s.speaker.empty() &&
        std::find(speakers.begin(), speakers.end(), s.speaker) == speakers.end())
      speakers.push_back(s.speaker);
  json out = {{"kind", "speech"},
              {"text", t.text()},
              {"language", t.language.empty() ? json(nullptr) : json(t.language)},
              {"languages", t.language.empty() ? json::array() : json::array({t.language})},
              {"speakers", speakers},
              {"timeline", timeline_json(t)},
              {"engine", t.engine}};
  if (t.segments.empty()) out["description"] = "no speech was found in the input";
  return out;
}

void build_speech(const media::InputInfo& in, media::OutputWork& work, media::BranchSet& set) {
  auto t = transcription(in, work, set, work.options->text("language"));
  if (!t) return;
  work.after_pass = 0.8;
  work.collect = [t](media::OutputWork& w, std::string* error) mutable {
    const ai::Transcript* transcript = t->transcript(w);
    if (!transcript) return std::vector<json>{};
    return std::vector<json>{write_data(w, speech_json(*transcript), error)};
  };
}

}  // namespace wfc::operators
