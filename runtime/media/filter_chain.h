// A libavfilter graph with one source and one sink: the per-branch filtering (trim, rotation,
// frame rate, scaling, fit, palette, sample format) from decoded frames to what an encoder
// takes. Built from a filter description in FFmpeg's syntax so each operator states its
// processing as one readable line.
#pragma once

#include <memory>
#include <string>

#include "runtime/media/av_util.h"

namespace wfc::media {

/// What the source of a chain receives: the decoded stream's parameters.
struct SourceParams {
  AVMediaType type = AVMEDIA_TYPE_VIDEO;
  AVRational time_base{1, 1};
  // video
  int width = 0, height = 0;
  int pix_fmt = -1;
  AVRational sar{0, 1};
  AVRational frame_rate{0, 1};
  // audio
  int sample_rate = 0;
  int sample_fmt = -1;
  AVChannelLayout layout{};
};

/// What the sink must deliver (the encoder's input); unset fields are left free.
struct SinkParams {
  int pix_fmt = -1;
  int sample_fmt = -1;
  int sample_rate = 0;
  int channels = 0;
  int frame_size = 0;  // audio samples per frame, for encoders with a fixed frame size
};

class FilterChain {
 public:
  /// nullptr with *error set when the description does not build.
  static std::unique_ptr<FilterChain> create(const SourceParams& src, const std::string& filters,
                                             const SinkParams& sink, std::string* error);

  /// Feeds a frame (nullptr: end of input). AVERROR code on failure.
  int push(AVFrame* frame);
  /// Takes the next filtered frame: 0, AVERROR(EAGAIN) when it needs input, AVERROR_EOF at end.
  int pull(AVFrame* out);
  AVRational time_base() const;
  int width() const;
  int height() const;
  /// What the sink delivers, as the source parameters of a chain fed from this one (video).
  SourceParams output() const;

 private:
  GraphPtr graph_;
  AVFilterContext* src_ = nullptr;
  AVFilterContext* sink_ = nullptr;
};

}  // namespace wfc::media
