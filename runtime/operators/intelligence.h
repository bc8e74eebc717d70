// What the intelligence operators (speech, subtitles, chapters, summary, outline, nsfw) share:
// the branches that take what they analyse from the fused media pass — the audio resampled once
// to 16 kHz mono, scene cuts found on small frames, frames sampled for classification — and the
// analyses computed once per pass for every output that uses them: one transcription (for the
// outputs the plan marks `shares: transcript`, else one per output), one list of scene cuts. The
// engines run after the decode, in each output's collect (runtime/media/outputs.h), on the
// engines of the pass (runtime/ai).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runtime/ai/ai.h"
#include "runtime/media/outputs.h"

namespace wfc::operators {

/// The pass's engines; nullptr, and the output failed, when the runtime was given none.
const ai::Engines* engines(media::OutputWork& work);

/// The Call an engine is given for `work`: the pass's cancel flag, the output's progress, every
/// core.
ai::Call engine_call(media::OutputWork& work);

/// One transcription of the input's audio, shared by the outputs of the pass that share it.
class Transcription {
 public:
  /// The input's audio as the recognizers take it (empty when the input has none).
  const ai::Audio& audio() const;
  /// Transcribes on the first call (reporting progress to `work`), then gives the same result
  /// to every caller. nullptr, and `work` failed with the engine's failure, when it failed.
  const ai::Transcript* transcript(media::OutputWork& work);
  /// Makes the capture serve `work` too (the pass runs a branch while an output wants it).
  void serve(const media::OutputWork& work);

  struct State;
  std::shared_ptr<State> state;
};

/// The transcription `work` uses: the pass's shared one in the plan's language when the plan says
/// the output shares it (`shares`: "transcript[:<language>]"), else its own in `language` (""
/// to detect); adds the audio capture branch when it is the first. nullopt, and `work` failed,
/// when the input cannot give one.
std::optional<Transcription> transcription(const media::InputInfo& in, media::OutputWork& work,
                                           media::BranchSet& set, const std::string& language);

/// The times (seconds) of the input's scene cuts, found once per pass on frames `width` pixels
/// wide with FFmpeg's `scdet` at `threshold`; empty for an input without video.
class SceneCuts {
 public:
  const std::vector<double>& cuts() const;
  void serve(const media::OutputWork& work);
  struct State;
  std::shared_ptr<State> state;
};
SceneCuts scene_cuts(const media::InputInfo& in, media::OutputWork& work, media::BranchSet& set,
                     int width, double threshold);

/// Frames sampled for a classifier: one at least every `interval` seconds and one at each scene
/// cut (FFmpeg's `scdet` at `threshold`), scaled to the classifier's size (RGB, and JPEG when
/// it wants it). For an image, its one picture.
class FrameSample {
 public:
  std::vector<ai::Frame>& frames() const;
  struct State;
  std::shared_ptr<State> state;
};
std::optional<FrameSample> sample_frames(const media::InputInfo& in, media::OutputWork& work,
                                         media::BranchSet& set, const ai::FrameClassifier& by,
                                         double interval, double threshold);

/// Writes `value` to `<id>.json` in the output's folder: its File object (kind `data`).
nlohmann::json write_data(media::OutputWork& work, const nlohmann::json& value, std::string* error);
/// Writes a text track (`format` vtt or srt) to `<id>.<format>`: its File object (kind `track`).
nlohmann::json write_track(media::OutputWork& work, const std::string& text,
                           const std::string& format, std::string* error);

/// The ittybit `timeline` of a transcript: [{start, end, speaker, text, confidence, words}].
nlohmann::json timeline_json(const ai::Transcript& transcript);

}  // namespace wfc::operators
