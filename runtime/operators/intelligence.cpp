// The branches and shared analyses of the intelligence operators (intelligence.h).
#include "runtime/operators/intelligence.h"

extern "C" {
#include <libavutil/dict.h>
}

#include <cmath>
#include <fstream>
#include <mutex>
#include <thread>

#include "runtime/media/geometry.h"
#include "runtime/operators/registry.h"

namespace wfc::operators {

using namespace media;
using nlohmann::json;
namespace fs = std::filesystem;

// --- the audio: resampled once to what the recognizers take ----------------------------------

namespace {

class AudioCapture : public Branch {
 public:
  AudioCapture(AVRational tb, std::unique_ptr<FilterChain> chain)
      : Branch(AVMEDIA_TYPE_AUDIO, tb), chain_(std::move(chain)) {}

  ai::Audio audio;

  void consume(AVFrame* frame) override {
    if (finished_ || error_) return;
    // Audio that starts late keeps its place on the input's timeline.
    if (audio.samples.empty()) {
      double t = seconds(frame);
      if (t > 0 && t < 24 * 3600) audio.samples.resize(static_cast<size_t>(t * ai::Audio::kRate));
    }
    if (int err = chain_->push(frame); err < 0)
      return fail("input_invalid", "resampling the audio failed: " + av_error_text(err));
    drain();
  }

  void finish() override {
    if (finished_) return;
    finished_ = true;
    if (!error_ && chain_->push(nullptr) >= 0) drain();
    done_ = true;
  }

 private:
  void drain() {
    while (chain_->pull(out_.get()) >= 0) {
      const auto* s = reinterpret_cast<const int16_t*>(out_->data[0]);
      audio.samples.insert(audio.samples.end(), s, s + out_->nb_samples);
      av_frame_unref(out_.get());
    }
  }

  std::unique_ptr<FilterChain> chain_;
  FramePtr out_{av_frame_alloc()};
  bool finished_ = false;
};

/// The scene-cut detector: every frame, scaled small, through `scdet`; the frames it marks.
class SceneDetector {
 public:
  static std::unique_ptr<SceneDetector> create(const SourceParams& video, int width,
                                               double threshold, std::string* error) {
    std::string filters = "scale=" + std::to_string(width) + ":-2:flags=fast_bilinear,scdet=" +
                          "threshold=" + filter_seconds(threshold);
    auto chain = FilterChain::create(video, filters, {}, error);
    if (!chain) return nullptr;
    auto d = std::make_unique<SceneDetector>();
    d->chain_ = std::move(chain);
    return d;
  }

  /// Feeds a frame; true when it is a cut.
  bool cut(AVFrame* frame) {
    bool is_cut = false;
    if (chain_->push(frame) < 0) return false;
    while (chain_->pull(out_.get()) >= 0) {
      if (av_dict_get(out_->metadata, "lavfi.scd.time", nullptr, 0)) is_cut = true;
      av_frame_unref(out_.get());
    }
    return is_cut;
  }

 private:
  std::unique_ptr<FilterChain> chain_;
  FramePtr out_{av_frame_alloc()};
};

class SceneBranch : public Branch {
 public:
  SceneBranch(AVRational tb, std::unique_ptr<SceneDetector> detector)
      : Branch(AVMEDIA_TYPE_VIDEO, tb), detector_(std::move(detector)) {}

  std::vector<double> cuts;

  void consume(AVFrame* frame) override {
    double t = seconds(frame);
    if (detector_->cut(frame) && t > 0) cuts.push_back(t);
  }
  void finish() override { done_ = true; }

 private:
  std::unique_ptr<SceneDetector> detector_;
};

class SampleBranch : public Branch {
 public:
  SampleBranch(AVRational tb, std::unique_ptr<FilterChain> picture,
               std::unique_ptr<SceneDetector> detector, double interval, bool jpeg)
      : Branch(AVMEDIA_TYPE_VIDEO, tb),
        picture_(std::move(picture)),
        detector_(std::move(detector)),
        interval_(interval),
        jpeg_(jpeg) {}

  std::vector<ai::Frame> frames;

  void consume(AVFrame* frame) override {
    if (error_) return;
    double t = seconds(frame);
    bool cut = detector_ && detector_->cut(frame);
    if (t < next_ && !cut) return;
    next_ = t + interval_;
    if (int err = picture_->push(frame); err < 0)
      return fail("input_invalid", "scaling a frame failed: " + av_error_text(err));
    while (picture_->pull(out_.get()) >= 0) {
      keep(t);
      av_frame_unref(out_.get());
    }
  }
  void finish() override { done_ = true; }

 private:
  void keep(double t) {
    ai::Frame f;
    f.time = t;
    f.width = out_->width;
    f.height = out_->height;
    if (!jpeg_) {
      f.rgb.resize(static_cast<size_t>(f.width) * f.height * 3);
      for (int y = 0; y < f.height; ++y)
        memcpy(f.rgb.data() + static_cast<size_t>(y) * f.width * 3,
               out_->data[0] + static_cast<size_t>(y) * out_->linesize[0],
               static_cast<size_t>(f.width) * 3);
    } else {
      std::string error;
      int frame_quality = 0;
      CodecPtr enc = open_picture_encoder("mjpeg", 3, {}, f.width, f.height,
                                          static_cast<AVPixelFormat>(out_->format), {1, 1},
                                          &frame_quality, &error);
      if (!enc) return fail("encode_failed", error);
      out_->quality = frame_quality;
      out_->pts = 0;
      PacketPtr pkt(av_packet_alloc());
      if (avcodec_send_frame(enc.get(), out_.get()) < 0 ||
          avcodec_send_frame(enc.get(), nullptr) < 0)
        return fail("encode_failed", "encoding a frame as JPEG failed");
      while (avcodec_receive_packet(enc.get(), pkt.get()) >= 0) {
        f.jpeg.append(reinterpret_cast<const char*>(pkt->data), pkt->size);
        av_packet_unref(pkt.get());
      }
    }
    frames.push_back(std::move(f));
  }

  std::unique_ptr<FilterChain> picture_;
  std::unique_ptr<SceneDetector> detector_;
  double interval_;
  bool jpeg_;
  double next_ = 0;
  FramePtr out_{av_frame_alloc()};
};

}  // namespace

const ai::Engines* engines(OutputWork& work) {
  const ai::Engines* e = work.pass ? work.pass->ai : nullptr;
  if (!e) work.fail("engine_unavailable", "this runtime was started without intelligence engines");
  return e;
}

ai::Call engine_call(OutputWork& work) {
  ai::Call call;
  call.cancel = work.pass ? work.pass->cancel : nullptr;
  call.threads = std::max(1u, std::thread::hardware_concurrency());
  OutputWork* w = &work;
  call.progress = [w](double fraction) {
    if (w->report) w->report(fraction);
  };
  return call;
}

// --- the transcription -------------------------------------------------------------------------

struct Transcription::State {
  AudioCapture* capture = nullptr;  // null when the input has no audio
  ai::Audio none;
  std::string language;
  std::mutex mutex;
  bool done = false;
  std::optional<ai::Transcript> transcript;
  ai::Failure failure;
};

const ai::Audio& Transcription::audio() const {
  return state->capture ? state->capture->audio : state->none;
}

const ai::Transcript* Transcription::transcript(OutputWork& work) {
  std::lock_guard lock(state->mutex);
  if (!state->done) {
    state->done = true;
    const ai::Engines* e = engines(work);
    if (!e) {
      state->failure = {work.error->kind, work.error->message};  // for the other sharers too
      return nullptr;
    }
    if (!e->transcriber) {
      state->failure = e->why_transcriber;
    } else {
      ai::TranscribeRequest request;
      request.audio = &audio();
      request.language = state->language;
      request.filename = work.spec->node.id + ".wav";
      request.call = engine_call(work);
      auto result = e->transcriber->transcribe(request);
      if (auto* t = std::get_if<ai::Transcript>(&result))
        state->transcript = std::move(*t);
      else
        state->failure = std::get<ai::Failure>(result);
    }
  }
  if (!state->transcript) {
    work.fail(state->failure.kind, state->failure.message);
    return nullptr;
  }
  return &*state->transcript;
}

void Transcription::serve(const OutputWork& work) {
  if (state->capture) state->capture->outputs.push_back(work.index);
}

std::optional<Transcription> transcription(const InputInfo& in, OutputWork& work, BranchSet& set,
                                           const std::string& language) {
  // The plan's sharing names the transcription and its language; alone, the output's own.
  const std::string& shares = work.spec->shares;
  bool shared = shares == "transcript" || shares.starts_with("transcript:");
  std::string lang = shared ? (shares.size() > 11 ? shares.substr(11) : "") : language;
  std::string key = shared ? shares : "alone:" + work.spec->id();
  auto& slot = set.shared[key];
  Transcription t;
  if (slot) {
    t.state = std::static_pointer_cast<Transcription::State>(slot);
    t.serve(work);
    return t;
  }
  t.state = std::make_shared<Transcription::State>();
  t.state->language = lang;
  if (in.audio) {
    SinkParams sink;
    sink.sample_fmt = AV_SAMPLE_FMT_S16;
    sink.sample_rate = ai::Audio::kRate;
    sink.channels = 1;
    std::string error;
    auto chain = FilterChain::create(*in.audio, "aresample=16000", sink, &error);
    if (!chain) {
      work.fail("input_invalid", error);
      return std::nullopt;
    }
    auto branch = std::make_unique<AudioCapture>(in.audio->time_base, std::move(chain));
    branch->outputs.push_back(work.index);
    t.state->capture = branch.get();
    set.branches.push_back(std::move(branch));
  }
  slot = t.state;
  return t;
}

// --- scene cuts and sampled frames -------------------------------------------------------------

struct SceneCuts::State {
  SceneBranch* branch = nullptr;
  std::vector<double> none;
};

const std::vector<double>& SceneCuts::cuts() const {
  return state->branch ? state->branch->cuts : state->none;
}

void SceneCuts::serve(const OutputWork& work) {
  if (state->branch) state->branch->outputs.push_back(work.index);
}

SceneCuts scene_cuts(const InputInfo& in, OutputWork& work, BranchSet& set, int width,
                     double threshold) {
  auto& slot = set.shared["scenes"];
  SceneCuts s;
  if (slot) {
    s.state = std::static_pointer_cast<SceneCuts::State>(slot);
    s.serve(work);
    return s;
  }
  s.state = std::make_shared<SceneCuts::State>();
  slot = s.state;
  if (!in.video || in.image) return s;
  std::string error;
  auto detector = SceneDetector::create(*in.video, width, threshold, &error);
  if (!detector) {
    work.fail("input_invalid", error);
    return s;
  }
  auto branch = std::make_unique<SceneBranch>(in.video->time_base, std::move(detector));
  branch->outputs.push_back(work.index);
  s.state->branch = branch.get();
  set.branches.push_back(std::move(branch));
  return s;
}

struct FrameSample::State {
  SampleBranch* branch = nullptr;
};

std::vector<ai::Frame>& FrameSample::frames() const { return state->branch->frames; }

std::optional<FrameSample> sample_frames(const InputInfo& in, OutputWork& work, BranchSet& set,
                                         const ai::FrameClassifier& by, double interval,
                                         double threshold) {
  if (!in.video) {
    work.fail("input_unsupported", "the input has no picture to classify");
    return std::nullopt;
  }
  auto [w, h] = by.frame_size();
  bool jpeg = by.wants_jpeg();
  std::string filters = rotation_filters(in.rotation);
  // The local model takes its square picture as nsfwjs resizes it (the aspect not kept); a
  // provider gets the picture whole, fitted into its size.
  std::string size = std::to_string(w) + ":" + std::to_string(h);
  std::string scale = w <= 0 || h <= 0 ? "scale=w='min(512,iw)':h=-2"
                      : jpeg           ? "scale=" + size + ":force_original_aspect_ratio=decrease"
                                       : "scale=" + size;
  filters = join_filters({filters, scale + ":flags=bilinear", "setsar=1"});
  SinkParams sink;
  sink.pix_fmt = jpeg ? AV_PIX_FMT_YUVJ420P : AV_PIX_FMT_RGB24;
  std::string error;
  auto picture = FilterChain::create(*in.video, filters, sink, &error);
  std::unique_ptr<SceneDetector> detector;
  if (picture && !in.image) detector = SceneDetector::create(*in.video, 160, threshold, &error);
  if (!picture || (!in.image && !detector)) {
    work.fail("input_invalid", error);
    return std::nullopt;
  }
  auto branch = std::make_unique<SampleBranch>(in.video->time_base, std::move(picture),
                                               std::move(detector), interval, jpeg);
  branch->outputs.push_back(work.index);
  FrameSample sample;
  sample.state = std::make_shared<FrameSample::State>();
  sample.state->branch = branch.get();
  set.branches.push_back(std::move(branch));
  return sample;
}

// --- results -------------------------------------------------------------------------------------

namespace {

json write_file(OutputWork& work, const std::string& text, const std::string& format, json file,
                std::string* error) {
  fs::path path = work.path("." + format);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    *error = "cannot write '" + path.filename().string() + "'";
    return nullptr;
  }
  work.extra_files.push_back(path);
  file["object"] = "file";
  file["format"] = format;
  file["filename"] = path.filename().string();
  file["filesize"] = static_cast<int64_t>(fs::file_size(path, ec));
  return file;
}

}  // namespace

json write_data(OutputWork& work, const json& value, std::string* error) {
  return write_file(work, value.dump(2) + "\n", "json",
                    {{"kind", "data"}, {"type", "application/json"}}, error);
}

json write_track(OutputWork& work, const std::string& text, const std::string& format,
                 std::string* error) {
  std::string type = format == "vtt"   ? "text/vtt"
                     : format == "srt" ? "application/x-subrip"
                                       : "application/json";
  return write_file(work, text, format, {{"kind", "track"}, {"type", type}}, error);
}

json timeline_json(const ai::Transcript& transcript) {
  json timeline = json::array();
  auto round3 = [](double v) { return std::round(v * 1000) / 1000; };
  for (const ai::Segment& s : transcript.segments) {
    json words = json::array();
    for (const ai::Word& w : s.words)
      words.push_back({{"start", round3(w.start)},
                       {"end", round3(w.end)},
                       {"word", w.word},
                       {"confidence", round3(w.confidence)}});
    timeline.push_back({{"start", round3(s.start)},
                        {"end", round3(s.end)},
                        {"speaker", s.speaker.empty() ? json(nullptr) : json(s.speaker)},
                        {"text", s.text},
                        {"confidence", round3(s.confidence)},
                        {"words", std::move(words)}});
  }
  return timeline;
}

}  // namespace wfc::operators
