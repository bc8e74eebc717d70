// The local speech recognizer: pocketsphinx with Debian's US English model (pocketsphinx-en-us).
// A recording is cut at pauses into pieces of at most 30 s (runtime/ai/pauses.h), each decoded
// as one utterance, pieces in parallel on the call's threads.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/ai/ai.h"

struct ps_decoder_s;

namespace wfc::ai {

/// Where Debian's pocketsphinx-en-us installs its model.
inline constexpr const char* kSphinxModelDir = "/usr/share/pocketsphinx/model/en-us";

/// Transcriber on pocketsphinx. Safe to call from several threads: each decode takes a decoder
/// from a pool that grows, lazily, to the most decoders ever used at once (~100 MB each), and
/// keeps them for later calls.
class SphinxTranscriber : public Transcriber {
 public:
  /// The model in `model_dir`: its acoustic model `en-us/`, `cmudict-en-us.dict` and
  /// `en-us.lm.bin`. Nothing is loaded until the first transcription.
  explicit SphinxTranscriber(std::string model_dir = kSphinxModelDir);
  ~SphinxTranscriber() override;
  SphinxTranscriber(const SphinxTranscriber&) = delete;
  SphinxTranscriber& operator=(const SphinxTranscriber&) = delete;

  /// The transcriber on the model in `model_dir`, or `model_missing` naming the file that is not
  /// there and the package that installs it.
  static Outcome<std::shared_ptr<SphinxTranscriber>> open(std::string model_dir = kSphinxModelDir);

  std::string name() const override { return "pocketsphinx"; }
  /// English only (`language` "" or en, en-US, …): another language fails
  /// `language_unsupported`. One Segment per phrase: the words of a piece between pauses of at
  /// least 0.5 s (subtitle-sized).
  Outcome<Transcript> transcribe(const TranscribeRequest& request) override;

  /// Decoders held in the pool (for tests and the status page).
  size_t decoders() const;

 private:
  Outcome<ps_decoder_s*> acquire();
  void release(ps_decoder_s* decoder);

  std::string model_dir_;
  mutable std::mutex mutex_;
  std::vector<ps_decoder_s*> idle_;  // guarded by mutex_
  size_t created_ = 0;               // guarded by mutex_
};

}  // namespace wfc::ai
