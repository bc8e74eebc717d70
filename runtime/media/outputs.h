// Building the outputs of a pass: what a media operator is given (the input's decoded streams,
// its output under construction, the pass's branches), the signature every media operator has
// (BuildFn; the operators themselves are in runtime/operators/, one file per kind), and the
// helpers they share to open encoders and add branches. Operators read their node's typed
// options (compiler/plan/options.h) and the quality table shared with the plan
// (compiler/plan/encoder_settings.h); they never default or validate an option.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/plan/encoder_settings.h"
#include "compiler/plan/plan.h"
#include "runtime/media/branch.h"
#include "runtime/media/limits.h"

namespace wfc::media {

struct OutputSpec;
struct PassSpec;

/// The input as the operators see it: its File object and its decoded streams.
struct InputInfo {
  nlohmann::json file;
  bool image = false;
  std::optional<SourceParams> video, audio;
  int rotation = 0;
  int width = 0, height = 0;  // as displayed (after rotation)
  AVRational fps{0, 1};
  double duration = 0;
};

/// One output under construction and, after the pass, its files.
struct OutputWork {
  size_t index = 0;
  const OutputSpec* spec = nullptr;
  const PassSpec* pass = nullptr;
  const plan::Options* options = nullptr;  // the node's, typed with every default
  std::vector<std::unique_ptr<Container>> containers;
  std::vector<std::map<std::string, std::string>> header_options;  // one per container
  double start = 0, end = 0;  // the span of the input this output reads (progress)
  /// After a successful pass: writes what is left (playlists, tracks; the intelligence kinds'
  /// analysis) and returns the File objects. Unset: probe every container's file. A problem is
  /// *error (the output fails `encode_failed`), or fail() with a kind of its own.
  std::function<std::vector<nlohmann::json>(OutputWork&, std::string* error)> collect;
  /// The share of the output's work that collect does after the decode (0–1): the pass reports
  /// the decode as the rest of the progress, and collect reports its own through `report`.
  double after_pass = 0;
  /// Set by the pass before collect: the fraction 0–1 of collect's work done (any thread).
  std::function<void(double)> report;
  std::vector<std::filesystem::path> extra_files;  // written besides the containers
  std::optional<MediaError> error;
  /// The frame gate of the output's predicate (`select`, or the representative frame), whose
  /// evaluations the pass reports; set by the operator.
  const FrameGate* gate = nullptr;

  Container* add_container(std::unique_ptr<Container> c,
                           std::map<std::string, std::string> options = {});
  /// The output's files: `<out_dir>/<id><suffix>`.
  std::filesystem::path path(const std::string& suffix) const;
  /// Records the first problem (later ones are consequences of it).
  void fail(std::string kind, std::string message);
};

/// All branches of a pass, with the audio encodes shared between outputs.
struct BranchSet {
  std::vector<std::unique_ptr<Branch>> branches;
  std::map<std::string, EncodeBranch*> shared_audio;
  /// What operators compute once for several outputs of the pass, by a key they choose (the
  /// intelligence operators' one transcription: runtime/operators/intelligence.h).
  std::map<std::string, std::shared_ptr<void>> shared;
  /// The pass's memory budget (limits.h): outputs reserve their estimates while being built,
  /// branches grow it while running. Set by the pass; null: no budget.
  std::shared_ptr<MemoryBudget> memory;
  /// Output pixels per second reserved so far by the pass's video outputs.
  double pixel_rate = 0;
};

/// A media operator: builds `work`'s branches and containers from the input (sets work.error
/// on an input it cannot use).
using BuildFn = void (*)(const InputInfo& in, OutputWork& work, BranchSet& set);

// Shared by the operators.

/// The pass's limits (its PassSpec's; the defaults when the output has no pass).
const Limits& limits_of(const OutputWork& work);
/// Admits a picture output of width×height before anything of it is allocated: check_picture
/// (sizes, and the upscale factor unless the node's option `upscale` is true), then `bytes` of
/// the pass's memory budget and `pixel_rate` (pixels per second; 0 for a still) of its pixel-rate
/// budget. False, and the output failed with the message naming the limit, when one refuses it.
/// `what` names the picture in messages ("output", "rendition 1280x720").
bool admit_picture(OutputWork& work, BranchSet& set, const InputInfo& in, int width, int height,
                   int64_t bytes, double pixel_rate, std::string_view what = "output");
/// Reserves `bytes` of the pass's memory budget for `what`; false, and the output failed
/// `limit_exceeded`, when the budget cannot hold it.
bool reserve_memory(OutputWork& work, BranchSet& set, int64_t bytes, std::string_view what);

/// Seconds with microsecond precision, for filter arguments ("2.500000").
std::string filter_seconds(double s);
/// Seconds as a message shows them: "30", "1.5".
std::string said(double s);
/// Filter descriptions joined with ',' ("" parts left out).
std::string join_filters(std::initializer_list<std::string> parts);

struct VideoEncodeParams {
  std::string codec = "h264";
  std::string quality = "medium";
  int64_t bitrate = 0;  // 0: constant quality from the table
  int width = 0, height = 0;
  AVRational fps{25, 1};
  int gop = 0;  // 0: the encoder's default; else fixed keyframe interval (HLS alignment)
  bool global_header = false;
  int threads = 0;  // the encoder's own threads; 0: its choice for the machine
};
CodecPtr open_video_encoder(const VideoEncodeParams& p, std::string* error);

/// The output frame rate: `fps` when given, else the input's capped at `cap` (when there is one).
AVRational output_fps(const InputInfo& in, std::optional<double> fps, std::optional<double> cap);

/// The trim filters for [start, end) ("" when neither is set); `audio` picks atrim.
std::string trim_filters(double start, std::optional<double> end, bool audio);

/// An encode of the input's audio with these settings, shared by every output that asks for
/// the same; `target` receives its packets. nullptr with *error on failure.
EncodeBranch* shared_audio(const InputInfo& in, BranchSet& set, const std::string& encoder,
                           int64_t bitrate, double start, std::optional<double> end,
                           Container* target, size_t output, std::string* error);

/// Adds a video EncodeBranch reading the input through `filters` into `target`.
EncodeBranch* add_video_branch(const InputInfo& in, BranchSet& set, const std::string& filters,
                               CodecPtr enc, Container* target, size_t output, std::string* error);

/// Opens the video encoder `p` and adds its EncodeBranch (add_video_branch); the pass may later
/// reopen the encoder with another thread count (Encoder::set_threads).
EncodeBranch* add_video_encode(const InputInfo& in, BranchSet& set, const std::string& filters,
                               const VideoEncodeParams& p, Container* target, size_t output,
                               std::string* error);

/// Pixel format of a picture encoder (mjpeg, png, gif, libwebp, libwebp_anim, libaom-av1).
AVPixelFormat picture_format(const std::string& encoder, bool alpha);
/// Opens a picture encoder with the quality table's `value` and `options` for it;
/// *frame_quality is what each frame must carry (mjpeg), else 0.
CodecPtr open_picture_encoder(const std::string& encoder, int value, plan::EncoderOptions options,
                              int w, int h, AVPixelFormat fmt, AVRational fps, int* frame_quality,
                              std::string* error);

/// The frame gate of the output's predicate (the node's `select`, or its representative-frame
/// rule), built on the engine the plan chose; nullptr when the node has none.
std::unique_ptr<FrameGate> select_gate(const OutputWork& work);

/// A constant of the output's kind (kinds.json `constants`): the one place its value is written.
/// A kind without it (a catalog this operator was not written for) fails the output and gives
/// nullopt.
std::optional<double> kind_number(OutputWork& work, std::string_view name,
                                  std::string_view kind = {});
std::optional<std::string> kind_text(OutputWork& work, std::string_view name);
/// The constant as JSON (a map of values); null, and the output failed, when the kind lacks it.
/// `kind` names another kind whose constants the output's operator shares (outline reads the
/// chapters kind's); empty for the output's own.
const nlohmann::json& kind_constant(OutputWork& work, std::string_view name,
                                    std::string_view kind = {});
/// The largest value the output's kind allows for a number option (its catalog range): what a
/// default taken from the input is capped at; nullopt when the range has no maximum.
std::optional<double> option_max(const OutputWork& work, std::string_view option);

}  // namespace wfc::media
