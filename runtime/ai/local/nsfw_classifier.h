// The local frame classifier: nsfwjs's MobileNetV2 (npm `nsfwjs`, pinned in
// tools/models/nsfw-convert, which converts it to ONNX) on OpenCV's DNN module. Five classes,
// nsfwjs's: Drawing, Hentai, Neutral, Porn, Sexy, softmax scores that sum to 1. It judges nudity
// and sexual content only, not violence or gore (runtime/ai/nsfw_report.h says so in the result).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "runtime/ai/ai.h"

namespace wfc::ai {

/// The converted model's file name and the folder (under the model directory) the converter
/// writes it to, named for the pinned nsfwjs version.
inline constexpr std::string_view kNsfwModelFile = "nsfw_mobilenet_v2.onnx";
std::string nsfw_model_subdir();  // "nsfwjs-4.2.1"

/// The model directory when the configuration names none, resolved as tools/models/nsfw-convert
/// does: $WFC_MODEL_DIR if set, else /var/cache/wfc/models for root, else
/// ${XDG_CACHE_HOME:-$HOME/.cache}/wfc/models.
std::string default_model_dir();

class NsfwClassifier : public FrameClassifier {
 public:
  /// nsfwjs's class names, in the model's output order.
  static constexpr std::string_view kClasses[] = {"Drawing", "Hentai", "Neutral", "Porn", "Sexy"};
  /// The picture size the model takes; other sizes are scaled to it as nsfwjs does (bilinear,
  /// corners aligned).
  static constexpr int kSize = 224;

  /// The classifier on the model in `model_dir` (default_model_dir() when empty): the file is
  /// looked for in `model_dir` itself, then in its nsfw_model_subdir(). Fails `model_missing`
  /// (telling to run tools/install-deps) when it is in neither, `engine_failed` when OpenCV
  /// cannot read it.
  static Outcome<std::unique_ptr<NsfwClassifier>> open(const std::string& model_dir = "");

  ~NsfwClassifier() override;

  std::string name() const override { return "nsfwjs"; }
  bool judges_violence() const override { return false; }
  std::pair<int, int> frame_size() const override { return {kSize, kSize}; }
  /// Safe from several threads at once: each call runs on a network of its own (kept for the
  /// next call). `call.threads` sets OpenCV's thread count, which is one for the whole process.
  Outcome<std::vector<Scores>> classify(std::span<const Frame> frames, const Call& call) override;

  /// The model file it runs.
  const std::string& model_path() const;

 private:
  struct Impl;
  explicit NsfwClassifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace wfc::ai
