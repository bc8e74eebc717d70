// nsfwjs's MobileNetV2 on OpenCV DNN (nsfw_classifier.h): the model read once into memory, a
// network per concurrent call, frames scaled and normalized as nsfwjs does, run in batches.
#include "runtime/ai/local/nsfw_classifier.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/dnn.hpp>

#ifndef WFC_NSFW_MODEL_SUBDIR
#error "runtime/CMakeLists.txt defines WFC_NSFW_MODEL_SUBDIR from tools/models/nsfw-convert"
#endif

namespace wfc::ai {

namespace {

/// Frames per forward pass. Batches of 4 and 8 measured no faster per frame than single frames
/// on OpenCV 4.6 (often slower: the larger intermediate tensors leave the cache), so one at a
/// time; the batch path stays for a build where that changes (build/tests/wfc_tests
/// "[.nsfw-bench]" measures it).
constexpr int kBatch = 1;
constexpr int kClassCount = std::size(NsfwClassifier::kClasses);

bool is_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return f.good();
}

/// `rgb` (width × height × 3 bytes) as nsfwjs feeds it to the model: each byte / 255, scaled to
/// kSize × kSize by tfjs's resizeBilinear with aligned corners when it is another size, written
/// channel by channel into one picture of an NCHW blob.
void fill_blob(const Frame& frame, float* blob) {
  constexpr int n = NsfwClassifier::kSize;
  constexpr size_t plane = static_cast<size_t>(n) * n;
  const uint8_t* px = frame.rgb.data();
  if (frame.width == n && frame.height == n) {
    for (size_t i = 0; i < plane; ++i) {
      for (int c = 0; c < 3; ++c) blob[c * plane + i] = static_cast<float>(px[i * 3 + c]) / 255.0f;
    }
    return;
  }
  auto at = [&](int y, int x, int c) {
    return static_cast<float>(px[(static_cast<size_t>(y) * frame.width + x) * 3 + c]) / 255.0f;
  };
  // tfjs: source = destination × (in − 1) / (out − 1), in float32.
  const float sy = static_cast<float>(frame.height - 1) / static_cast<float>(n - 1);
  const float sx = static_cast<float>(frame.width - 1) / static_cast<float>(n - 1);
  for (int y = 0; y < n; ++y) {
    const float fy = sy * static_cast<float>(y);
    const int y0 = static_cast<int>(std::floor(fy));
    const int y1 = std::min(frame.height - 1, static_cast<int>(std::ceil(fy)));
    const float dy = fy - static_cast<float>(y0);
    for (int x = 0; x < n; ++x) {
      const float fx = sx * static_cast<float>(x);
      const int x0 = static_cast<int>(std::floor(fx));
      const int x1 = std::min(frame.width - 1, static_cast<int>(std::ceil(fx)));
      const float dx = fx - static_cast<float>(x0);
      for (int c = 0; c < 3; ++c) {
        const float top = at(y0, x0, c) + (at(y0, x1, c) - at(y0, x0, c)) * dx;
        const float bottom = at(y1, x0, c) + (at(y1, x1, c) - at(y1, x0, c)) * dx;
        blob[c * plane + static_cast<size_t>(y) * n + x] = top + (bottom - top) * dy;
      }
    }
  }
}

cv::dnn::Net read_net(const std::vector<char>& onnx) {
  cv::dnn::Net net = cv::dnn::readNetFromONNX(onnx.data(), onnx.size());
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  return net;
}

}  // namespace

std::string nsfw_model_subdir() { return WFC_NSFW_MODEL_SUBDIR; }

std::string default_model_dir() {
  if (const char* dir = std::getenv("WFC_MODEL_DIR"); dir && *dir) return dir;
  if (geteuid() == 0) return "/var/cache/wfc/models";
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/wfc/models";
  }
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "") + "/.cache/wfc/models";
}

struct NsfwClassifier::Impl {
  std::string path;
  std::vector<char> onnx;  // the file's bytes, to build more networks from
  std::mutex mutex;
  std::vector<std::unique_ptr<cv::dnn::Net>> idle;  // networks no call is running

  std::unique_ptr<cv::dnn::Net> take() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        auto net = std::move(idle.back());
        idle.pop_back();
        return net;
      }
    }
    return std::make_unique<cv::dnn::Net>(read_net(onnx));
  }
  void give(std::unique_ptr<cv::dnn::Net> net) {
    std::lock_guard lock(mutex);
    idle.push_back(std::move(net));
  }
};

NsfwClassifier::NsfwClassifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NsfwClassifier::~NsfwClassifier() = default;

const std::string& NsfwClassifier::model_path() const { return impl_->path; }

Outcome<std::unique_ptr<NsfwClassifier>> NsfwClassifier::open(const std::string& model_dir) {
  const std::string dir = model_dir.empty() ? default_model_dir() : model_dir;
  std::string path = dir + "/" + std::string(kNsfwModelFile);
  if (!is_file(path)) path = dir + "/" + nsfw_model_subdir() + "/" + std::string(kNsfwModelFile);
  if (!is_file(path)) {
    return Failure{"model_missing",
                   "the nsfw model (" + nsfw_model_subdir() + "/" + std::string(kNsfwModelFile) +
                       ") is not in " + dir +
                       ": run tools/install-deps (or tools/models/nsfw-convert) to convert it "
                       "there, or set WFC_MODEL_DIR to where it is"};
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  std::ifstream in(path, std::ios::binary);
  impl->onnx.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  try {
    auto net = std::make_unique<cv::dnn::Net>(read_net(impl->onnx));
    if (net->empty()) throw cv::Exception(0, "empty network", "readNetFromONNX", __FILE__, 0);
    impl->idle.push_back(std::move(net));
  } catch (const cv::Exception& e) {
    return Failure{"engine_failed", "OpenCV cannot read the nsfw model " + path + " (" + e.what() +
                                        "): run tools/models/nsfw-convert --force to convert it "
                                        "again"};
  }
  return std::unique_ptr<NsfwClassifier>(new NsfwClassifier(std::move(impl)));
}

Outcome<std::vector<Scores>> NsfwClassifier::classify(std::span<const Frame> frames,
                                                      const Call& call) {
  std::vector<Scores> out;
  out.reserve(frames.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    const Frame& f = frames[i];
    if (f.width <= 0 || f.height <= 0 ||
        f.rgb.size() != static_cast<size_t>(f.width) * f.height * 3) {
      return Failure{"engine_failed",
                     "frame " + std::to_string(i) + " at " + std::to_string(f.time) + " s is not " +
                         std::to_string(f.width) + "×" + std::to_string(f.height) + " RGB bytes"};
    }
  }
  if (frames.empty()) return out;

  {
    // OpenCV's thread count is the process's: the last call's wins while calls overlap.
    static std::mutex threads_mutex;
    std::lock_guard lock(threads_mutex);
    const int want = static_cast<int>(std::max(1u, call.threads));
    if (cv::getNumThreads() != want) cv::setNumThreads(want);
  }

  std::unique_ptr<cv::dnn::Net> net;
  struct Return {  // the network goes back to the pool however the call ends
    Impl* impl;
    std::unique_ptr<cv::dnn::Net>* net;
    ~Return() {
      if (*net) impl->give(std::move(*net));
    }
  } give_back{impl_.get(), &net};

  try {
    net = impl_->take();
    for (size_t start = 0; start < frames.size(); start += kBatch) {
      if (call.cancel && call.cancel->load()) return Failure{"cancelled", "cancelled"};
      const int count = static_cast<int>(std::min<size_t>(kBatch, frames.size() - start));
      const int shape[] = {count, 3, kSize, kSize};
      cv::Mat blob(4, shape, CV_32F);
      const size_t per = static_cast<size_t>(3) * kSize * kSize;
      for (int b = 0; b < count; ++b) {
        fill_blob(frames[start + b], blob.ptr<float>() + b * per);
      }
      net->setInput(blob, "input");
      cv::Mat scores = net->forward("scores");
      if (scores.total() != static_cast<size_t>(count) * kClassCount) {
        return Failure{"engine_failed", "the nsfw model " + impl_->path + " answered " +
                                            std::to_string(scores.total()) + " scores for " +
                                            std::to_string(count) + " frames, not " +
                                            std::to_string(kClassCount) + " each"};
      }
      const float* s = scores.ptr<float>();
      for (int b = 0; b < count; ++b) {
        Scores one;
        for (int c = 0; c < kClassCount; ++c) {
          one.classes.emplace_back(std::string(kClasses[c]), s[b * kClassCount + c]);
        }
        out.push_back(std::move(one));
      }
      if (call.progress) call.progress(static_cast<double>(out.size()) / frames.size());
    }
  } catch (const cv::Exception& e) {
    return Failure{"engine_failed",
                   "OpenCV failed to run the nsfw model " + impl_->path + ": " + e.what()};
  }
  return out;
}

}  // namespace wfc::ai
