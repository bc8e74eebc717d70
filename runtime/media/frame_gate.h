// Frame selection: the `select` option of image, animation and thumbnails (a frame predicate
// such as "scene > 0.3 && !black", checked at compile time by compiler/check/frame_select.h and
// carried by the plan as typed IR) is evaluated on every decoded frame the output sees, on the
// engine the plan chose (built once per plan: expr::CompiledPredicate). The frame record's
// properties (t, scene, luma, black) are measured on a small grey copy of the frame, so their
// cost does not grow with the input's resolution.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/expr/record.h"
#include "compiler/expr/tier.h"
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
  /// A gate for a frame predicate (of the frame domain) built for its engine.
  explicit FrameGate(std::shared_ptr<const expr::CompiledPredicate> predicate);
  ~FrameGate();

  /// Measures `frame` (at `t` seconds) and evaluates the predicate. Frames must come in
  /// decoding order: the scene score compares each frame with the previous one.
  bool admits(const AVFrame* frame, double t);
  const FrameStats& last() const { return stats_; }
  /// The record the last frame was evaluated on (for comparing engines).
  const expr::Record& record() const { return record_; }
  /// The predicate's evaluations so far (read after the branch's thread has ended).
  const expr::Evaluations& evaluations() const { return evaluations_; }

 private:
  void measure(const AVFrame* frame);

  std::shared_ptr<const expr::CompiledPredicate> predicate_;
  expr::Record record_;
  expr::Evaluations evaluations_;
  uint16_t t_slot_, scene_slot_, luma_slot_, black_slot_;
  SwsContext* sws_ = nullptr;
  int sws_w_ = 0, sws_h_ = 0, sws_fmt_ = -1;
  std::vector<uint8_t> grey_, prev_;
  double prev_mafd_ = -1;
  FrameStats stats_;
};

}  // namespace wfc::media
