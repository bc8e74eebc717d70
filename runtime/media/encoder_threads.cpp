// Encoder and decoder thread counts for a fused pass (see encoder_threads.h).
#include "runtime/media/encoder_threads.h"

#include <cmath>
#include <numeric>
#include <string_view>

namespace wfc::media {

bool encoders_fill_cores(const std::vector<Branch*>& branches, unsigned cores) {
  size_t self_threaded = 0;
  for (const Branch* b : branches) self_threaded += b->encoder_threads_itself();
  return self_threaded >= std::max(1u, cores);
}

std::vector<int> encoder_thread_shares(const std::vector<double>& pixel_rates, unsigned cores) {
  std::vector<int> threads(pixel_rates.size(), 0);
  double total = std::accumulate(pixel_rates.begin(), pixel_rates.end(), 0.0);
  if (pixel_rates.size() < std::max(1u, cores) || !(total > 0)) return threads;
  for (size_t i = 0; i < threads.size(); ++i) {
    double share = std::max(0.0, pixel_rates[i]) / total;
    // The epsilon keeps an exact share (two equal encoders on two cores: 1.0 each) from
    // rounding up through floating-point error.
    threads[i] = std::max(1, static_cast<int>(std::ceil(cores * share - 1e-9)));
  }
  return threads;
}

namespace {

/// Whether FFmpeg 5.1's wrapper of this encoder passes AVCodecContext::thread_count on to the
/// library (libx264: `threads`; libvpx: `g_threads`). libx265 sizes its own thread pools and
/// libsvtav1 its own processes, whatever thread_count says, so reopening them would only cost
/// the open.
bool honours_thread_count(const AVCodec* codec) {
  std::string_view name = codec->name;
  return name == "libx264" || name == "libvpx-vp9" || name == "libvpx";
}

}  // namespace

void share_encoder_threads(const std::vector<Branch*>& branches, unsigned cores) {
  // Every self-threading video encoder has its share of the cores; those whose thread count
  // takes effect are reopened with it.
  std::vector<EncodeBranch*> encoders;
  std::vector<double> rates;
  for (Branch* b : branches) {
    auto* e = dynamic_cast<EncodeBranch*>(b);
    if (!e || e->media() != AVMEDIA_TYPE_VIDEO || !e->encoder_threads_itself()) continue;
    const AVCodecContext* c = e->encoder().ctx();
    double fps = c->framerate.num > 0 ? av_q2d(c->framerate) : 25;
    encoders.push_back(e);
    rates.push_back(static_cast<double>(c->width) * c->height * fps);
  }
  std::vector<int> threads = encoder_thread_shares(rates, cores);
  for (size_t i = 0; i < encoders.size(); ++i) {
    Encoder& enc = encoders[i]->encoder();
    std::string error;
    if (threads[i] > 0 && enc.can_set_threads() && honours_thread_count(enc.ctx()->codec))
      enc.set_threads(threads[i], &error);
  }
}

}  // namespace wfc::media
