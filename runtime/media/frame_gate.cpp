// Frame predicates on decoded frames (see frame_gate.h).
#include "runtime/media/frame_gate.h"

extern "C" {
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "compiler/expr/schema.h"

namespace wfc::media {
namespace {

constexpr int kGreyWidth = 64;  // measurement resolution: enough for mean, black and cuts

}  // namespace

FrameGate::FrameGate(std::shared_ptr<const expr::CompiledPredicate> predicate)
    : predicate_(std::move(predicate)), record_(expr::Schema::builtin(expr::Domain::Frame)) {
  const expr::Schema& schema = record_.schema();
  t_slot_ = static_cast<uint16_t>(schema.slot("t"));
  scene_slot_ = static_cast<uint16_t>(schema.slot("scene"));
  luma_slot_ = static_cast<uint16_t>(schema.slot("luma"));
  black_slot_ = static_cast<uint16_t>(schema.slot("black"));
}

FrameGate::~FrameGate() { sws_freeContext(sws_); }

void FrameGate::measure(const AVFrame* frame) {
  int gw = std::min(kGreyWidth, frame->width);
  int gh = std::max(1, static_cast<int>(std::lround(static_cast<double>(frame->height) * gw /
                                                    std::max(frame->width, 1))));
  if (!sws_ || sws_w_ != frame->width || sws_h_ != frame->height || sws_fmt_ != frame->format) {
    sws_freeContext(sws_);
    sws_ = sws_getContext(frame->width, frame->height, static_cast<AVPixelFormat>(frame->format),
                          gw, gh, AV_PIX_FMT_GRAY8, SWS_AREA, nullptr, nullptr, nullptr);
    sws_w_ = frame->width;
    sws_h_ = frame->height;
    sws_fmt_ = frame->format;
    prev_.clear();
  }
  if (!sws_) return;
  grey_.assign(static_cast<size_t>(gw) * gh, 0);
  uint8_t* dst[4] = {grey_.data(), nullptr, nullptr, nullptr};
  int stride[4] = {gw, 0, 0, 0};
  sws_scale(sws_, frame->data, frame->linesize, 0, frame->height, dst, stride);

  uint64_t sum = 0;
  size_t dark = 0;
  for (uint8_t v : grey_) {
    sum += v;
    if (v < 26) ++dark;  // darker than 10% luma
  }
  stats_.luma = static_cast<double>(sum) / (255.0 * grey_.size());
  stats_.black = dark * 100 >= grey_.size() * 98;
  // The select filter's scene score: mean absolute frame difference (mafd) against the previous
  // frame, and how much it changed, min(mafd, |mafd - previous mafd|) / 100, clipped to 0..1.
  stats_.scene = 0;
  if (prev_.size() == grey_.size()) {
    uint64_t sad = 0;
    for (size_t i = 0; i < grey_.size(); ++i) sad += std::abs(grey_[i] - prev_[i]);
    double mafd = static_cast<double>(sad) / grey_.size();
    double diff = prev_mafd_ >= 0 ? std::fabs(mafd - prev_mafd_) : mafd;
    stats_.scene = std::clamp(std::min(mafd, diff) / 100.0, 0.0, 1.0);
    prev_mafd_ = mafd;
  }
  prev_.swap(grey_);
}

bool FrameGate::admits(const AVFrame* frame, double t) {
  stats_.t = t;
  measure(frame);
  record_.clear();
  record_.set_number(t_slot_, std::max(t, 0.0));
  record_.set_number(scene_slot_, stats_.scene);
  record_.set_number(luma_slot_, stats_.luma);
  record_.set_bool(black_slot_, stats_.black);
  return predicate_->run(record_, &evaluations_);
}

}  // namespace wfc::media
