// Frame selection: the `select` option of image, animation and thumbnails (a frame predicate
// such as "scene > 0.3 && !black", checked at compile time by compiler/check/frame_select.h) is
// compiled once to the condition VM and evaluated on every decoded frame the output sees. The
// frame record's properties (t, scene, luma, black) are measured on a small grey copy of the
// frame, so their cost does not grow with the input's resolution.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/expr/record.h"
#include "compiler/expr/vm.h"
#include "runtime/media/av_util.h"

struct SwsContext;

namespace wfc::media {

/// Measured properties of one frame (catalog frame_properties).
struct FrameStats {
  double t = 0;      // seconds from the start of the input
  double scene = 0;  // 0 same picture … 1 a cut, as FFmpeg's select filter scores it
  double luma = 0;   // mean luma 0 … 1
  bool black = false;
};

class FrameGate {
 public:
  /// Compiles `expression`; nullptr with *error set when it does not compile (the checker
  /// reports that at compile time, so here it is a defect of the caller).
  static std::unique_ptr<FrameGate> create(const std::string& expression, std::string* error);
  ~FrameGate();

  /// Measures `frame` (at `t` seconds) and evaluates the predicate. Frames must come in
  /// decoding order: the scene score compares each frame with the previous one.
  bool admits(const AVFrame* frame, double t);
  const FrameStats& last() const { return stats_; }

 private:
  FrameGate() = default;
  void measure(const AVFrame* frame);

  std::unique_ptr<expr::Program> program_;
  std::optional<expr::Record> record_;
  SwsContext* sws_ = nullptr;
  int sws_w_ = 0, sws_h_ = 0, sws_fmt_ = -1;
  std::vector<uint8_t> grey_, prev_;
  double prev_mafd_ = -1;
  FrameStats stats_;
};

}  // namespace wfc::media
