// Branches that filter and encode (see branch.h).
#include "runtime/media/branch.h"

namespace wfc::media {

double Branch::seconds(const AVFrame* f) const {
  int64_t pts = f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : f->pts;
  return pts == AV_NOPTS_VALUE ? 0 : pts * av_q2d(time_base_);
}

void Branch::fail(std::string kind, std::string message) {
  if (!error_) error_ = MediaError{std::move(kind), std::move(message)};
  done_ = true;
}

bool EncodeBranch::grow_hold(double t) {
  double seconds = t - hold_.from - (gap_ ? gap_ * av_q2d(time_base_) : 0);
  int64_t need = static_cast<int64_t>(std::max(0.0, seconds) * hold_.bytes_per_second);
  if (need <= hold_.held) return true;
  if (hold_.budget->reserve(need - hold_.held)) {
    hold_.held = need;
    return true;
  }
  fail("limit_exceeded", "after " + std::to_string(static_cast<int64_t>(seconds)) +
                             " s of decoded frames the clip held in memory would be " +
                             bytes_text(need) + ", and with the run's other outputs more than " +
                             "its memory budget of " + bytes_text(hold_.budget->limit()) +
                             " (media limit max_memory); " + hold_.advice);
  return false;
}

void EncodeBranch::consume(AVFrame* frame) {
  if (finished_ || error_) return;
  double t = seconds(frame);
  if (t > stop_after_) {
    finish();
    return;
  }
  int64_t pts = frame->pts;
  if (gate_) {
    if (fallback_ && !first_) first_.reset(av_frame_clone(frame));
    bool admitted = gate_->admits(frame, t);
    int64_t step = last_pts_ != AV_NOPTS_VALUE && pts != AV_NOPTS_VALUE ? pts - last_pts_ : 0;
    last_pts_ = pts;
    if (!admitted) {
      gap_ += step;  // the dropped frame's time is cut out of the timeline
      return;
    }
  }
  if (gap_ && pts != AV_NOPTS_VALUE) {
    frame->pts -= gap_;
    frame->best_effort_timestamp = frame->pts;
  }
  if (hold_.budget && !grow_hold(t)) return;
  int err = chain_->push(frame);
  ++pushed_;
  if (err < 0) {
    fail("encode_failed", "filtering failed: " + av_error_text(err));
    return;
  }
  if (!drain()) return;
  if (encoded_ >= max_frames_) finish();
}

bool EncodeBranch::drain() {
  while (encoded_ < max_frames_) {
    int err = chain_->pull(filtered_.get());
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return true;
    if (err < 0) {
      fail("encode_failed", "filtering failed: " + av_error_text(err));
      return false;
    }
    AVFrame* f = filtered_.get();
    if (f->pts != AV_NOPTS_VALUE)
      f->pts = av_rescale_q(f->pts, chain_->time_base(), encoder_->ctx()->time_base);
    f->pict_type = AV_PICTURE_TYPE_NONE;
    if (frame_quality_) f->quality = frame_quality_;
    err = encoder_->encode(f);
    av_frame_unref(f);
    if (err < 0) {
      fail("encode_failed", std::string("encoding with '") + encoder_->ctx()->codec->name +
                                "' failed: " + av_error_text(err));
      return false;
    }
    ++encoded_;
  }
  return true;
}

void EncodeBranch::finish() {
  if (finished_) return;
  finished_ = true;
  done_ = true;
  if (error_) return;
  if (pushed_ == 0 && first_) {
    chain_->push(first_.get());
    first_.reset();
  }
  if (encoded_ < max_frames_) {
    chain_->push(nullptr);
    if (!drain()) return;
  }
  if (encoded_ == 0 && !no_frame_message_.empty()) {
    fail("input_unsupported", no_frame_message_);
    return;
  }
  int err = encoder_->encode(nullptr);
  if (err < 0) fail("encode_failed", "flushing the encoder failed: " + av_error_text(err));
}

}  // namespace wfc::media
