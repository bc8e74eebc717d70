// The intelligence engines' interfaces: what the six intelligence and track kinds (speech,
// subtitles, chapters, summary, outline, nsfw) ask of an engine, and the values they pass. Each
// interface has a local engine (pocketsphinx, the text analysis of runtime/ai/text/, nsfwjs's
// model on OpenCV DNN) and HTTP providers (runtime/ai/http/), chosen by configuration
// (runtime/ai/config.h). Nothing here knows FFmpeg or the pass: the operators
// (runtime/operators/) feed the engines audio and frames taken from the fused media pass.
// docs/ai.md is the user's account of all this.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace wfc::ai {

/// Why an engine failed, as the task reports it: `{kind, message}`. Kinds used here:
/// `language_unsupported`, `provider_failed` (the provider answered an error or could not be
/// reached), `provider_invalid` (its answer is not what its API promises), `provider_timeout`,
/// `model_missing` (a local model is not installed), `cancelled`, `engine_failed`.
struct Failure {
  std::string kind;
  std::string message;
};

/// A value or the failure that took its place.
template <class T>
using Outcome = std::variant<T, Failure>;

template <class T>
bool failed(const Outcome<T>& o) {
  return std::holds_alternative<Failure>(o);
}

/// Audio as the recognizers take it: 16 kHz mono signed 16-bit samples, time 0 at the first one.
struct Audio {
  static constexpr int kRate = 16000;
  std::vector<int16_t> samples;
  double seconds() const { return static_cast<double>(samples.size()) / kRate; }
};

/// One recognized word; times in seconds from the start of the input; confidence 0–1.
struct Word {
  double start = 0, end = 0;
  std::string word;
  double confidence = 0;
};

/// One stretch of speech (a recognizer's utterance or a provider's segment).
struct Segment {
  double start = 0, end = 0;
  std::string speaker;  // "" when the engine does not tell speakers apart
  std::string text;
  double confidence = 0;
  std::vector<Word> words;
};

/// What a transcriber heard. An input with no speech has no segments (not a failure).
struct Transcript {
  std::string language;  // BCP 47 as the engine reports it ("en")
  std::vector<Segment> segments;
  std::string engine;  // who transcribed it, for the result's `engine` ("pocketsphinx", …)
  /// Every segment's text, joined by single spaces.
  std::string text() const;
};

/// What every engine call may be given.
struct Call {
  const std::atomic<bool>* cancel = nullptr;  // set by another thread: stop, fail `cancelled`
  /// Fraction 0–1 of the call's work done; from any thread, a few times a second at most.
  std::function<void(double)> progress;
  unsigned threads = 1;  // cores the call may keep busy
};

struct TranscribeRequest {
  const Audio* audio = nullptr;
  std::string language;  // "" to detect (the local engine knows English alone)
  /// The file's name and duration, for providers that want them.
  std::string filename;
  Call call;
};

/// Audio to timed words.
class Transcriber {
 public:
  virtual ~Transcriber() = default;
  /// "pocketsphinx", "openai", "whisper.cpp": what the result and the errors name.
  virtual std::string name() const = 0;
  virtual Outcome<Transcript> transcribe(const TranscribeRequest& request) = 0;
};

/// A time span of the input with its title (a chapter, an outline entry).
struct Section {
  double start = 0, end = 0;
  std::string title;
};

/// ittybit's summary: a suggested title, a preview paragraph and tags.
struct Summary {
  std::string title;
  std::string summary;
  std::vector<std::string> keywords;
  std::string language;
};

/// Transcript to summary, and titles for spans of it (chapters, the outline).
class TextAnalyser {
 public:
  virtual ~TextAnalyser() = default;
  virtual std::string name() const = 0;
  virtual Outcome<Summary> summarize(const Transcript& transcript, const Call& call) = 0;
  /// A title for each of `spans` (their times; titles ignored), in order: the same count.
  virtual Outcome<std::vector<std::string>> titles(const Transcript& transcript,
                                                   std::span<const Section> spans,
                                                   const Call& call) = 0;
};

/// One picture to classify: a frame of a video at `time` (0 for an image).
struct Frame {
  double time = 0;
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // width × height × 3, rows top to bottom, no padding
  std::string jpeg;          // the same picture as JPEG, when the classifier wants_jpeg()
};

/// Class name → score 0–1, in the engine's class order.
struct Scores {
  std::vector<std::pair<std::string, float>> classes;
  std::optional<float> score(std::string_view name) const;
};

/// Pictures to class scores.
class FrameClassifier {
 public:
  virtual ~FrameClassifier() = default;
  virtual std::string name() const = 0;
  /// The picture size it wants (the operator scales to it); 0 × 0: any size.
  virtual std::pair<int, int> frame_size() const = 0;
  /// Whether it needs Frame::jpeg (HTTP providers send pictures as JPEG).
  virtual bool wants_jpeg() const { return false; }
  /// Whether its classes cover violence and gore (the providers'); the local model knows nudity
  /// alone, and the nsfw result then says so.
  virtual bool judges_violence() const { return true; }
  /// One Scores per frame, in order. The local model's classes are nsfwjs's (Drawing, Hentai,
  /// Neutral, Porn, Sexy); a provider maps its own categories onto the same names.
  virtual Outcome<std::vector<Scores>> classify(std::span<const Frame> frames,
                                                const Call& call) = 0;
};

/// The engines a runtime runs the intelligence kinds on, built once from the configuration
/// (make_engines in runtime/ai/config.h) and shared by every run: each is safe to call from
/// several threads at once. A null engine is one that cannot be built here (its model is not
/// installed); `why_*` then says why, and the kinds that need it fail with that.
struct Engines {
  std::shared_ptr<Transcriber> transcriber;
  std::shared_ptr<TextAnalyser> text;
  std::shared_ptr<FrameClassifier> classifier;
  Failure why_transcriber, why_text, why_classifier;
};

}  // namespace wfc::ai
