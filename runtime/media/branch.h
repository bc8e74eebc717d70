// A branch is one consumer of the decoded frames of one stream, run on its own thread behind a
// bounded FrameQueue: the decode thread hands every branch a reference to each frame (the same
// zero-copy fan-out as libavfilter's split), and each branch filters and encodes in parallel
// with the others. EncodeBranch covers video, audio, image and animation outputs and each HLS
// rendition; ThumbnailsBranch (thumbnails.h) builds sprite sheets.
#pragma once

#include <atomic>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/media/container.h"
#include "runtime/media/filter_chain.h"
#include "runtime/media/frame_gate.h"
#include "runtime/media/frame_queue.h"
#include "runtime/media/limits.h"
#include "runtime/media/probe.h"

namespace wfc::media {

class Branch {
 public:
  Branch(AVMediaType media, AVRational time_base) : media_(media), time_base_(time_base) {}
  virtual ~Branch() = default;

  AVMediaType media() const { return media_; }
  /// Seconds of a frame of the branch's stream (timestamps start at 0: the decoder rebases).
  double seconds(const AVFrame* f) const;

  /// On the branch thread: one decoded frame. Sets error() and done() on failure.
  virtual void consume(AVFrame* frame) = 0;
  /// On the branch thread: the end of the input; flushes. Idempotent.
  virtual void finish() = 0;

  /// True when the branch needs no more frames (finished early, or failed).
  bool done() const { return done_; }
  const std::optional<MediaError>& error() const { return error_; }
  void fail(std::string kind, std::string message);
  /// Whether the branch's encoder spreads its work over threads of its own (x264, x265, libvpx,
  /// SVT-AV1): such encoders can keep every core busy by themselves.
  virtual bool encoder_threads_itself() const { return false; }

  /// Frames before this time are not needed (trim start); the decoder may skip them.
  double needs_from = 0;
  std::vector<size_t> outputs;  // indices of the pass outputs this branch serves
  FrameQueue queue{8};
  /// Fed by a ScaleTap rather than by the decoder (which then neither feeds nor ends it).
  bool fed_by_tap = false;

 protected:
  AVMediaType media_;
  AVRational time_base_;
  std::atomic<bool> done_{false};
  std::optional<MediaError> error_;
};

/// Filter chain → encoder → container(s).
class EncodeBranch : public Branch {
 public:
  EncodeBranch(AVMediaType media, AVRational time_base, std::unique_ptr<FilterChain> chain,
               std::unique_ptr<Encoder> encoder)
      : Branch(media, time_base), chain_(std::move(chain)), encoder_(std::move(encoder)) {}

  Encoder& encoder() { return *encoder_; }
  bool encoder_threads_itself() const override {
    return encoder_->ctx()->codec->capabilities & AV_CODEC_CAP_OTHER_THREADS;
  }
  /// Keeps only frames the predicate admits, closing the gaps (animation `select`); with
  /// `first_only`, the first admitted frame at or after `start` (image `select`).
  void set_gate(std::unique_ptr<FrameGate> gate) { gate_ = std::move(gate); }
  /// With a gate: when no frame is admitted, use the first frame rather than fail (the
  /// representative image of an all-black video is still an image).
  void set_fallback_to_first() { fallback_ = true; }
  /// Stops after this many encoded frames (1 for a still image).
  void set_max_frames(int64_t n) { max_frames_ = n; }
  /// Input after this time is not needed (trim end).
  void set_stop_after(double seconds) { stop_after_ = seconds; }
  double stop_after() const { return stop_after_; }
  /// Fails with this message when the input ends before any frame was encoded.
  void require_frame(std::string message) { no_frame_message_ = std::move(message); }
  /// Frame quality for encoders that read it per frame (mjpeg's qscale).
  void set_frame_quality(int q) { frame_quality_ = q; }
  int64_t frames_encoded() const { return encoded_; }
  /// The branch's filters hold its frames until the input ends (a GIF's clip waiting for its
  /// palette): `bytes_per_second` of the clip kept from `from` on (gaps the gate closes not
  /// counted) is grown on `budget` as decoded frames arrive, so what is held is what was
  /// decoded, whatever the header claimed. When the budget cannot grow the branch fails
  /// `limit_exceeded` with `advice` appended.
  void hold_in_memory(std::shared_ptr<MemoryBudget> budget, double from, double bytes_per_second,
                      std::string advice) {
    hold_ = {std::move(budget), from, bytes_per_second, std::move(advice), 0};
  }
  ~EncodeBranch() override {
    if (hold_.budget) hold_.budget->release(hold_.held);
  }

  /// The filter description the chain was built from (video: what scaling cascades match on).
  std::string filters;
  /// Whether every frame of the stream goes through the chain to the encoder unchanged in
  /// number (no gate, no frame limit), so the frames may come from a ScaleTap instead.
  bool takes_every_frame() const {
    return !gate_ && !fallback_ && max_frames_ == std::numeric_limits<int64_t>::max();
  }
  /// Feeds the branch from a tap: a new chain from the tap's frames, whose timestamps count in
  /// `time_base`.
  void refeed(std::unique_ptr<FilterChain> chain, AVRational time_base) {
    chain_ = std::move(chain);
    time_base_ = time_base;
    fed_by_tap = true;
  }

  void consume(AVFrame* frame) override;
  void finish() override;

 private:
  bool drain();  // filtered frames → encoder; false on failure

  std::unique_ptr<FilterChain> chain_;
  std::unique_ptr<Encoder> encoder_;
  std::unique_ptr<FrameGate> gate_;
  int64_t max_frames_ = std::numeric_limits<int64_t>::max();
  double stop_after_ = std::numeric_limits<double>::infinity();
  std::string no_frame_message_;
  int frame_quality_ = 0;
  int64_t encoded_ = 0;
  int64_t pushed_ = 0;
  int64_t gap_ = 0;  // timestamps removed by the gate so far
  int64_t last_pts_ = AV_NOPTS_VALUE;
  bool finished_ = false;
  bool fallback_ = false;
  FramePtr first_;  // the first frame seen, kept for the fallback
  struct Hold {
    std::shared_ptr<MemoryBudget> budget;
    double from = 0, bytes_per_second = 0;
    std::string advice;
    int64_t held = 0;  // reserved on the budget so far
  } hold_;
  bool grow_hold(double t);  // false, and the branch failed, when the budget is exhausted
  FramePtr filtered_{av_frame_alloc()};
};

/// A shared scaling step (scale_tap.cpp): filters the frames once and hands each result to its
/// children (encode branches, or the next, smaller tap), so that a ladder of sizes scales each
/// rung from the one above instead of every rung from the full-size input. It encodes nothing and
/// is done when all its children are.
class ScaleTap : public Branch {
 public:
  ScaleTap(AVRational time_base, std::unique_ptr<FilterChain> chain)
      : Branch(AVMEDIA_TYPE_VIDEO, time_base), chain_(std::move(chain)) {}

  FilterChain& chain() { return *chain_; }
  void add_child(Branch* child);
  /// Input after this time (of the frames it is fed) is not needed: the tap ends its children.
  void set_stop_after(double seconds) { stop_after_ = seconds; }

  void consume(AVFrame* frame) override;
  void finish() override;

 private:
  void forward();  // filtered frames → children that still want them

  std::unique_ptr<FilterChain> chain_;
  std::vector<Branch*> children_;
  FramePtr filtered_{av_frame_alloc()};
  double stop_after_ = std::numeric_limits<double>::infinity();
  bool finished_ = false;
};

/// Rewires `branches` so that video encode branches which differ only in their final plain
/// scale (same trim, rotation and frame rate; no crop, pad or gate) scale in a cascade through
/// ScaleTaps, largest first. `wanted(b)` tells the branches that will run. A group whose chains
/// do not all build is left as it was. Returns how many taps it made (appended to `branches`).
size_t cascade_scaling(const SourceParams& video, std::vector<std::unique_ptr<Branch>>& branches,
                       const std::function<bool(const Branch&)>& wanted);

}  // namespace wfc::media
