// The fused pass (see pass.h): probe, open decoders, build every output's branches, write the
// headers, then one thread demuxes and decodes while each branch filters and encodes on its own
// thread, and finally trailers, playlists and File objects. Failures stay with the output they
// concern; only an unreadable input fails them all.
#include "runtime/media/pass.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <thread>

#include "compiler/catalog/catalog.h"
#include "runtime/media/encoder_threads.h"
#include "runtime/media/outputs.h"

namespace wfc::media {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

/// Builds one output with its kind's operator, once the input has the stream a media kind decodes
/// first (kinds.json `execution.decodes`: `video` and `video+audio` need a video stream, `audio`
/// an audio one). An intelligence kind takes what there is (a video without sound has no speech,
/// which is a result). Which files a kind accepts the scheduler checked before the pass.
void build(const InputInfo& in, OutputWork& w, BranchSet& set) {
  const plan::Node& node = w.spec->node;
  w.options = &node.options;
  w.start = 0;
  w.end = in.duration;
  const catalog::KindSpec* kind = catalog::Catalog::builtin().kind(node.op);
  bool media = kind && kind->execution.engine == catalog::Execution::Engine::Media;
  std::string decodes = kind && media ? kind->execution.decodes : "";
  if (decodes.rfind("video", 0) == 0 && !in.video)
    return w.fail("input_unsupported",
                  "'" + node.op + "' needs a video stream; the input has none");
  if (decodes == "audio" && !in.audio)
    return w.fail("input_unsupported",
                  "'" + node.op + "' needs an audio stream; the input has none");
  if (!w.spec->build)
    return w.fail("kind_unsupported", "'" + node.op + "' has no media operator in this runtime");
  std::error_code ec;
  std::filesystem::create_directories(w.spec->out_dir, ec);
  if (ec) return w.fail("encode_failed", "cannot create '" + w.spec->out_dir.string() + "'");
  w.spec->build(in, w, set);
}

struct Decoder {
  int stream = -1;
  CodecPtr ctx;
  int64_t start_pts = 0;
  AVRational time_base{1, 1};
};

/// Opens the decoder of stream `index` with `threads` threads (0: as many as suit the machine);
/// false with *error when it cannot decode.
bool open_decoder(AVFormatContext* fmt, int index, Decoder* d, std::string* error,
                  int64_t max_pixels, int threads = 0) {
  AVStream* st = fmt->streams[index];
  const AVCodec* codec = avcodec_find_decoder(st->codecpar->codec_id);
  if (!codec) {
    *error =
        std::string("no decoder for the codec '") + avcodec_get_name(st->codecpar->codec_id) + "'";
    return false;
  }
  CodecPtr ctx(avcodec_alloc_context3(codec));
  avcodec_parameters_to_context(ctx.get(), st->codecpar);
  ctx->pkt_timebase = st->time_base;
  ctx->thread_count = threads;
  // A frame larger than the limit is refused by the decoder before its buffer is allocated,
  // also when the picture size changes mid-stream from what the header said.
  ctx->max_pixels = max_pixels;
  int err = avcodec_open2(ctx.get(), codec, nullptr);
  if (err < 0) {
    *error = std::string("cannot decode '") + codec->name + "': " + av_error_text(err);
    return false;
  }
  d->stream = index;
  d->ctx = std::move(ctx);
  d->time_base = st->time_base;
  d->start_pts = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
  return true;
}

SourceParams video_source(const Decoder& d, const AVStream* st) {
  SourceParams p;
  p.type = AVMEDIA_TYPE_VIDEO;
  p.time_base = d.time_base;
  p.width = d.ctx->width;
  p.height = d.ctx->height;
  p.pix_fmt = d.ctx->pix_fmt;
  p.sar = d.ctx->sample_aspect_ratio;
  p.frame_rate = st->avg_frame_rate;
  return p;
}

SourceParams audio_source(const Decoder& d) {
  SourceParams p;
  p.type = AVMEDIA_TYPE_AUDIO;
  p.time_base = d.time_base;
  p.sample_rate = d.ctx->sample_rate;
  p.sample_fmt = d.ctx->sample_fmt;
  av_channel_layout_copy(&p.layout, &d.ctx->ch_layout);
  if (p.layout.order == AV_CHANNEL_ORDER_UNSPEC)
    av_channel_layout_default(&p.layout, p.layout.nb_channels);
  return p;
}

/// Builds output `i`, which takes its frames from the video output `frames_of` encodes (a tap):
/// a ScaleTap filters the decoded frames once as that video's encoder wants them (trim, rotation,
/// frame rate, size) and hands each to the video's encode branch and to the branches of every
/// output that taps it, which see that picture and its timeline as their input.
void build_tapped(const InputInfo& in, std::vector<OutputWork>& works, size_t i, BranchSet& set,
                  std::map<size_t, ScaleTap*>& taps) {
  OutputWork& w = works[i];
  size_t p = *w.spec->frames_of;
  if (p >= works.size() || p == i || works[p].spec->frames_of)
    return w.fail("input_unsupported", "no video output in this pass to take frames from");
  OutputWork& parent = works[p];
  if (parent.error)
    return w.fail("input_unsupported",
                  "'" + parent.spec->id() + "' failed: " + parent.error->message);
  ScaleTap* tap = taps.count(p) ? taps[p] : nullptr;
  EncodeBranch* video = nullptr;
  for (auto& b : set.branches) {
    auto* e = dynamic_cast<EncodeBranch*>(b.get());
    bool of_parent = e && std::find(e->outputs.begin(), e->outputs.end(), p) != e->outputs.end();
    if (of_parent && e->media() == AVMEDIA_TYPE_VIDEO) video = e;
  }
  if (!video || !in.video)
    return w.fail("input_unsupported", "'" + parent.spec->id() +
                                           "' encodes no video to take "
                                           "frames from");
  std::string error;
  if (!tap) {
    SinkParams sink;
    sink.pix_fmt = video->encoder().ctx()->pix_fmt;
    auto chain = FilterChain::create(*in.video, video->filters, sink, &error);
    if (!chain) return w.fail("encode_failed", error);
    auto owned = std::make_unique<ScaleTap>(in.video->time_base, std::move(chain));
    auto own = FilterChain::create(owned->chain().output(), "null", sink, &error);
    if (!own) return w.fail("encode_failed", error);
    video->refeed(std::move(own), owned->chain().time_base());
    owned->needs_from = video->needs_from;
    owned->set_stop_after(video->stop_after());
    owned->add_child(video);
    tap = owned.get();
    taps[p] = tap;
    set.branches.push_back(std::move(owned));
  }
  InputInfo tapped;
  tapped.file = {{"kind", "video"}};
  tapped.video = tap->chain().output();
  tapped.width = tapped.video->width;
  tapped.height = tapped.video->height;
  tapped.fps = video->encoder().ctx()->framerate;
  tapped.duration = std::max(0.0, parent.end - parent.start);
  size_t before = set.branches.size();
  build(tapped, w, set);
  if (w.error) return;
  for (size_t k = before; k < set.branches.size(); ++k) {
    set.branches[k]->fed_by_tap = true;
    tap->add_child(set.branches[k].get());
  }
  // Progress is measured on the decoded input's timeline, where the parent's output begins.
  w.start += parent.start;
  w.end += parent.start;
}

void run_branch(Branch* b) {
  while (true) {
    std::optional<FramePtr> f = b->queue.pop();
    if (!f) return;  // aborted
    if (!*f) {
      b->finish();
      return;
    }
    if (!b->done()) b->consume(f->get());
  }
}

/// Reports progress per output: the decoded time within the span each output reads.
class ProgressReporter {
 public:
  ProgressReporter(const PassSpec& spec, const std::vector<OutputWork>& works)
      : spec_(spec), works_(works), last_(works.size(), -1), begun_(Clock::now()) {}

  void at(double t, bool force = false) {
    if (!spec_.progress) return;
    auto now = Clock::now();
    if (!force && now - last_report_ < std::chrono::milliseconds(250)) return;
    last_report_ = now;
    double wall = std::chrono::duration<double>(now - begun_).count();
    double speed = wall > 0 ? t / wall : 0;
    for (size_t i = 0; i < works_.size(); ++i) {
      const OutputWork& w = works_[i];
      if (w.error) continue;
      double span = w.end - w.start;
      double pct = span > 0 ? (t - w.start) / span * 100 : 0;
      pct = std::clamp(pct * (1 - w.after_pass), 0.0, 99.0);  // 100 only once the files exist
      if (pct != last_[i]) spec_.progress(w.spec->id(), pct, speed);
      last_[i] = pct;
    }
  }

  /// The output's collect has done `fraction` of its work.
  void after(size_t i, double fraction) {
    if (!spec_.progress) return;
    const OutputWork& w = works_[i];
    double pct = (1 - w.after_pass + w.after_pass * std::clamp(fraction, 0.0, 1.0)) * 100;
    std::lock_guard lock(after_mutex_);
    pct = std::min(pct, 99.0);
    if (pct <= last_[i]) return;
    last_[i] = pct;
    spec_.progress(w.spec->id(), pct, 0);
  }

  void done(size_t i, double t) {
    if (!spec_.progress) return;
    double wall = std::chrono::duration<double>(Clock::now() - begun_).count();
    spec_.progress(works_[i].spec->id(), 100, wall > 0 ? t / wall : 0);
  }

 private:
  const PassSpec& spec_;
  const std::vector<OutputWork>& works_;
  std::vector<double> last_;
  Clock::time_point begun_, last_report_{};
  std::mutex after_mutex_;
};

}  // namespace

PassResult run_pass(const PassSpec& spec) {
  PassResult result;
  for (const OutputSpec& o : spec.outputs) result.outputs.push_back({o.id(), {}, std::nullopt, {}});
  auto fail_all = [&](const MediaError& e) {
    for (OutputResult& r : result.outputs)
      if (!r.error) r.error = e;
    return result;
  };

  auto probed = probe(spec.input, spec.limits.max_frame_pixels);
  if (auto* e = std::get_if<MediaError>(&probed)) return fail_all(*e);
  InputInfo in;
  in.file = std::get<json>(probed);
  result.input = in.file;
  if (spec.outputs.empty()) return result;
  const Limits& limits = spec.limits;
  if (spec.outputs.size() > static_cast<size_t>(limits.max_outputs))
    return fail_all(
        {"limit_exceeded", "this run asks for " + std::to_string(spec.outputs.size()) +
                               " media outputs of one file, more than the limit of " +
                               std::to_string(limits.max_outputs) +
                               " (media limit max_outputs); split the work over several runs"});
  std::string error, kind;
  InputPtr fmt = open_local_input(spec.input, &error, &kind, limits.max_frame_pixels);
  if (!fmt) return fail_all({kind, error});

  in.image = in.file.value("kind", "") == "image";
  in.width = in.file.value("width", 0);
  in.height = in.file.value("height", 0);
  in.rotation = in.file.value("rotation", 0);
  in.duration = in.file.value("duration", 0.0);
  Decoder vdec, adec;
  std::string video_problem, audio_problem;
  int vi = best_stream(fmt.get(), AVMEDIA_TYPE_VIDEO);
  if (vi >= 0) {
    // What the header claims is checked before the decoder allocates anything for it.
    const AVCodecParameters* par = fmt->streams[vi]->codecpar;
    int64_t pixels = int64_t{par->width} * par->height;
    // Reading the streams refuses a picture beyond the limit (av_util.cpp), leaving no size.
    if (pixels <= 0)
      return fail_all({"input_invalid",
                       "the input's picture size cannot be read: its header gives none, or one "
                       "of more than " +
                           std::to_string(limits.max_frame_pixels) +
                           " pixels per frame (media limit max_frame_pixels)"});
    if (pixels > limits.max_frame_pixels)
      return fail_all({"input_invalid", "the input's picture is " + std::to_string(par->width) +
                                            "x" + std::to_string(par->height) + " (" +
                                            std::to_string(pixels) +
                                            " pixels), more than the limit of " +
                                            std::to_string(limits.max_frame_pixels) +
                                            " pixels per frame (media limit max_frame_pixels)"});
  }
  if (vi >= 0 && open_decoder(fmt.get(), vi, &vdec, &video_problem, limits.max_frame_pixels)) {
    const AVStream* st = fmt->streams[vi];
    in.video = video_source(vdec, st);
    in.fps = st->avg_frame_rate.num > 0 ? st->avg_frame_rate : st->r_frame_rate;
  }
  if (int ai = best_stream(fmt.get(), AVMEDIA_TYPE_AUDIO);
      ai >= 0 && open_decoder(fmt.get(), ai, &adec, &audio_problem, limits.max_frame_pixels)) {
    in.audio = audio_source(adec);
  }

  // Build every output; an output that cannot be built fails alone.
  std::vector<OutputWork> works(spec.outputs.size());
  BranchSet set;
  set.memory = std::make_shared<MemoryBudget>(limits.max_memory);
  if (in.video && !set.memory->reserve(decoded_stream_bytes(in.video->width, in.video->height)))
    return fail_all(
        {"limit_exceeded", "decoding the input's " + std::to_string(in.video->width) + "x" +
                               std::to_string(in.video->height) + " picture needs about " +
                               bytes_text(decoded_stream_bytes(in.video->width, in.video->height)) +
                               ", more than the run's memory budget of " +
                               bytes_text(limits.max_memory) + " (media limit max_memory)"});
  for (size_t i = 0; i < works.size(); ++i) {
    works[i].index = i;
    works[i].spec = &spec.outputs[i];
    works[i].pass = &spec;
  }
  // Outputs that decode for themselves first; then those that tap another output's video.
  std::map<size_t, ScaleTap*> taps;
  for (int round = 0; round < 2; ++round) {
    for (size_t i = 0; i < works.size(); ++i) {
      bool tapped = spec.outputs[i].frames_of.has_value();
      if (tapped != (round == 1)) continue;
      if (tapped) {
        build_tapped(in, works, i, set, taps);
      } else {
        build(in, works[i], set);
      }
      if (works[i].error && works[i].error->kind == "input_unsupported") {
        const std::string& problem =
            works[i].error->message.find("audio stream") != std::string::npos ? audio_problem
                                                                              : video_problem;
        if (!problem.empty()) works[i].error->message += " (" + problem + ")";
      }
    }
  }
  // A branch runs when at least one of its outputs is still wanted.
  auto wanted = [&](const Branch& b) {
    for (size_t o : b.outputs)
      if (!works[o].error) return true;
    return false;
  };
  auto wanted_branches = [&] {
    std::vector<Branch*> branches;
    for (auto& b : set.branches)
      if (wanted(*b)) branches.push_back(b.get());
    return branches;
  };
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  // Encoders that fill the cores share them by their work, before the headers take their
  // stream parameters.
  share_encoder_threads(wanted_branches(), cores);
  for (OutputWork& w : works) {
    for (size_t c = 0; c < w.containers.size() && !w.error; ++c) {
      AVDictionary* opts = nullptr;
      for (const auto& [k, v] : w.header_options[c]) av_dict_set(&opts, k.c_str(), v.c_str(), 0);
      if (!w.containers[c]->write_header(&opts, &error)) w.error = {"encode_failed", error};
      av_dict_free(&opts);
    }
  }
  // Renditions that differ only in size scale in a cascade, each from the next larger one.
  if (in.video) cascade_scaling(*in.video, set.branches, wanted);
  std::vector<Branch*> active = wanted_branches();
  for (OutputWork& w : works)
    if (w.error)
      for (auto& c : w.containers) c->abandon();
  // A branch that will not run is done, so a tap feeding it and a wanted sibling skips it.
  for (auto& b : set.branches)
    if (!wanted(*b)) b->fail("cancelled", "not needed");

  // When there are at least as many self-threading video encoders as cores, the encoders fill
  // the cores and the decoder has time to spare: its frame threads would only add their cost
  // (an H.264 1080p decode takes about 18 % more CPU with them: `ffmpeg -threads 0|1 -i src
  // -an -f null -`, docs/benchmarks.md). Reopened before any packet was read.
  if (vdec.ctx && encoders_fill_cores(active, cores)) {
    Decoder single;
    if (open_decoder(fmt.get(), vdec.stream, &single, &error, limits.max_frame_pixels, 1))
      vdec = std::move(single);
  }

  std::vector<std::thread> threads;
  for (Branch* b : active) threads.emplace_back(run_branch, b);

  // Demux and decode once; hand each frame to every branch of its stream that still wants it.
  ProgressReporter progress(spec, works);
  auto deadline =
      spec.time_limit.count() > 0 ? Clock::now() + spec.time_limit : Clock::time_point::max();
  std::optional<MediaError> stopped;
  double decoded_to = 0;
  FramePtr frame(av_frame_alloc());
  PacketPtr pkt(av_packet_alloc());
  auto all_done = [&] {
    for (Branch* b : active)
      if (!b->done()) return false;
    return true;
  };
  auto deliver = [&](Decoder& d, AVMediaType type) {
    while (avcodec_receive_frame(d.ctx.get(), frame.get()) >= 0) {
      int64_t ts = frame->best_effort_timestamp != AV_NOPTS_VALUE ? frame->best_effort_timestamp
                                                                  : frame->pts;
      if (ts != AV_NOPTS_VALUE) ts -= d.start_pts;
      frame->pts = frame->best_effort_timestamp = ts;
      double t = ts != AV_NOPTS_VALUE ? ts * av_q2d(d.time_base) : decoded_to;
      for (Branch* b : active) {
        if (b->fed_by_tap || b->media() != type || b->done() || t < b->needs_from) continue;
        b->queue.push(FramePtr(av_frame_clone(frame.get())));
      }
      av_frame_unref(frame.get());
      if (type == AVMEDIA_TYPE_VIDEO || !in.video) {
        decoded_to = std::max(decoded_to, t);
        progress.at(decoded_to);
      }
    }
  };
  bool need_video = false, need_audio = false;
  for (Branch* b : active) (b->media() == AVMEDIA_TYPE_VIDEO ? need_video : need_audio) = true;
  while (!active.empty()) {
    if (spec.cancel && spec.cancel->load()) {
      stopped = MediaError{"cancelled", "the task was cancelled"};
      break;
    }
    if (Clock::now() > deadline) {
      stopped = MediaError{"time_limit", "the task exceeded its time limit"};
      break;
    }
    if (all_done()) break;
    if (av_read_frame(fmt.get(), pkt.get()) < 0) break;  // end of file, or truncated: stop
    Decoder* d = nullptr;
    AVMediaType type = AVMEDIA_TYPE_UNKNOWN;
    if (need_video && pkt->stream_index == vdec.stream) d = &vdec, type = AVMEDIA_TYPE_VIDEO;
    if (need_audio && pkt->stream_index == adec.stream) d = &adec, type = AVMEDIA_TYPE_AUDIO;
    // A corrupt packet is skipped (the decoder resynchronises), as players do.
    if (d && avcodec_send_packet(d->ctx.get(), pkt.get()) >= 0) deliver(*d, type);
    av_packet_unref(pkt.get());
  }
  if (!stopped) {
    if (need_video && avcodec_send_packet(vdec.ctx.get(), nullptr) >= 0)
      deliver(vdec, AVMEDIA_TYPE_VIDEO);
    if (need_audio && avcodec_send_packet(adec.ctx.get(), nullptr) >= 0)
      deliver(adec, AVMEDIA_TYPE_AUDIO);
    for (Branch* b : active)
      if (!b->fed_by_tap) b->queue.push(nullptr);  // a tap ends its children after their frames
  } else {
    for (Branch* b : active) b->queue.abort();
  }
  for (std::thread& t : threads) t.join();

  // Finish each output: its branches' errors, the trailers, then its File objects.
  for (Branch* b : active) {
    if (!b->error()) continue;
    for (size_t o : b->outputs)
      if (!works[o].error) works[o].error = b->error();
  }
  for (size_t i = 0; i < works.size(); ++i) {
    OutputWork& w = works[i];
    if (!w.error && stopped) w.error = stopped;
    for (auto& c : w.containers) {
      if (w.error) {
        c->abandon();
      } else if (!c->finish(&error)) {
        w.error = MediaError{"encode_failed", error};
      }
    }
    OutputResult& r = result.outputs[i];
    if (w.gate) r.evaluations = w.gate->evaluations();
    if (!w.error) {
      if (w.collect) {
        std::string problem;
        w.report = [&progress, i](double fraction) { progress.after(i, fraction); };
        r.files = w.collect(w, &problem);
        if (!problem.empty() && !w.error) w.error = MediaError{"encode_failed", problem};
      } else {
        for (auto& c : w.containers) {
          auto f = probe(c->path());
          if (auto* e = std::get_if<MediaError>(&f)) {
            w.error = MediaError{"encode_failed", "the output is unreadable: " + e->message};
            break;
          }
          r.files.push_back(std::get<json>(f));
        }
      }
    }
    if (w.error) {
      r.error = w.error;
      r.files.clear();
      std::error_code ec;
      for (auto& c : w.containers) std::filesystem::remove(c->path(), ec);
      for (auto& p : w.extra_files) std::filesystem::remove_all(p, ec);
    } else {
      progress.done(i, decoded_to);
    }
  }
  return result;
}

}  // namespace wfc::media
