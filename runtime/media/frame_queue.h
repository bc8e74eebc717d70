// A bounded queue of decoded frames between the decode thread and one branch thread. Bounded so a
// slow encoder holds the decoder back instead of letting frames pile up in memory; a null frame
// marks the end of the input; abort() wakes both sides when the pass is cancelled.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

#include "runtime/media/av_util.h"

namespace wfc::media {

class FrameQueue {
 public:
  explicit FrameQueue(size_t capacity) : capacity_(capacity) {}

  /// Blocks while full. False when the queue was aborted (the frame is dropped).
  bool push(FramePtr frame) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return aborted_ || items_.size() < capacity_; });
    if (aborted_) return false;
    items_.push_back(std::move(frame));
    not_empty_.notify_one();
    return true;
  }

  /// Blocks while empty. nullopt when aborted; a null FramePtr is the end of the input.
  std::optional<FramePtr> pop() {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return aborted_ || !items_.empty(); });
    if (aborted_) return std::nullopt;
    FramePtr f = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return f;
  }

  void abort() {
    std::lock_guard lock(mu_);
    aborted_ = true;
    items_.clear();
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<FramePtr> items_;
  size_t capacity_;
  bool aborted_ = false;
};

}  // namespace wfc::media
