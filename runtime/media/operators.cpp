// The video, audio, image and animation operators and the helpers every builder shares (see
// operators.h). Thumbnails and adaptive_video live in thumbnails.cpp and hls.cpp.
#include "runtime/media/operators.h"

extern "C" {
#include <libavutil/opt.h>
}

#include <cmath>

#include "compiler/catalog/catalog.h"
#include "compiler/plan/encoder_settings.h"
#include "runtime/media/options.h"

namespace wfc::media {

using nlohmann::json;

namespace {

/// An animation without `end` stops this long after `start` (the catalog's documented rule:
/// an animation of a whole video is rarely wanted).
constexpr double kAnimationSeconds = 5;
/// Memory a GIF's clip may hold while its palette is computed.
constexpr double kMaxGifBytes = 2.0 * 1024 * 1024 * 1024;

std::optional<double> seconds_option(const json& options, const char* name) {
  auto it = options.find(name);
  if (it == options.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string fmt_seconds(double s) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.6f", s);
  return buf;
}

/// Seconds as a message shows them: "30", "1.5".
std::string said(double s) {
  char buf[32];
  snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

std::string join(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += ",";
    out += p;
  }
  return out;
}

void set_error(OutputWork& work, std::string kind, std::string message) {
  if (!work.error) work.error = MediaError{std::move(kind), std::move(message)};
}

}  // namespace

Container* OutputWork::add_container(std::unique_ptr<Container> c,
                                     std::map<std::string, std::string> options) {
  containers.push_back(std::move(c));
  header_options.push_back(std::move(options));
  return containers.back().get();
}

std::string trim_filters(double start, std::optional<double> end, bool audio) {
  if (start <= 0 && !end) return "";
  std::string f = audio ? "atrim=" : "trim=";
  f += "start=" + fmt_seconds(start);
  if (end) f += ":end=" + fmt_seconds(*end);
  return f + (audio ? ",asetpts=PTS-STARTPTS" : ",setpts=PTS-STARTPTS");
}

AVRational output_fps(const InputInfo& in, const json& options, double cap) {
  if (auto fps = seconds_option(options, "fps")) return av_d2q(*fps, 1001000);
  AVRational r = in.fps.num > 0 ? in.fps : AVRational{25, 1};
  if (av_q2d(r) > cap) r = av_d2q(cap, 1001000);
  return r;
}

CodecPtr open_video_encoder(const VideoEncodeParams& p, std::string* error) {
  auto settings = plan::video_encoder_settings(p.codec, p.quality);
  if (!settings) {
    *error = "unknown video codec '" + p.codec + "' or quality '" + p.quality + "'";
    return nullptr;
  }
  std::string name(settings->encoder);
  CodecPtr enc = alloc_encoder(name, error);
  if (!enc) return nullptr;
  AVCodecContext* c = enc.get();
  c->width = p.width;
  c->height = p.height;
  c->pix_fmt = AV_PIX_FMT_YUV420P;
  c->sample_aspect_ratio = {1, 1};
  c->framerate = p.fps;
  c->time_base = av_inv_q(p.fps);
  // The encoder's own threads: by default as many as it wants for the machine (as the ffmpeg
  // CLI sets them), since a branch thread each is not enough when one rendition is most of the
  // work (the top rung of an HLS ladder); the pass lowers them when encoders fill the cores
  // (encoder_threads.cpp).
  c->thread_count = p.threads;
  if (p.global_header) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  AVDictionary* opts = nullptr;
  std::string crf = std::to_string(settings->crf);
  std::string preset(settings->preset);
  if (name == "libvpx-vp9") {
    av_dict_set(&opts, "cpu-used", preset.c_str(), 0);
    av_dict_set(&opts, "deadline", "good", 0);
    av_dict_set(&opts, "row-mt", "1", 0);
  } else {
    av_dict_set(&opts, "preset", preset.c_str(), 0);
  }
  if (p.bitrate > 0 && name == "libsvtav1") {
    c->bit_rate = p.bitrate;  // SVT-AV1 1.x has no capped CRF: a bitrate target instead
  } else {
    av_dict_set(&opts, "crf", crf.c_str(), 0);
    if (p.bitrate > 0) {
      // Capped CRF: quality from the table, never above the bitrate (VP9: constrained quality).
      c->bit_rate = name == "libvpx-vp9" ? p.bitrate : 0;
      c->rc_max_rate = p.bitrate;
      // A one-second buffer: the cap holds over any second, not just on average.
      c->rc_buffer_size = static_cast<int>(std::min<int64_t>(p.bitrate, INT32_MAX));
    } else if (name == "libvpx-vp9") {
      c->bit_rate = 0;  // pure constant quality
    }
  }
  if (name == "libx265") {
    std::string params = "log-level=error";
    if (p.gop > 0)
      params += ":keyint=" + std::to_string(p.gop) + ":min-keyint=" + std::to_string(p.gop) +
                ":scenecut=0";
    av_dict_set(&opts, "x265-params", params.c_str(), 0);
  } else if (p.gop > 0) {
    c->gop_size = p.gop;
    c->keyint_min = p.gop;
    av_dict_set(&opts, "sc_threshold", "0", 0);
  }
  bool ok = open_encoder(c, &opts, error);
  av_dict_free(&opts);
  return ok ? std::move(enc) : nullptr;
}

EncodeBranch* add_video_branch(const InputInfo& in, BranchSet& set, const std::string& filters,
                               CodecPtr enc, Container* target, size_t output, std::string* error) {
  SinkParams sink;
  sink.pix_fmt = enc->pix_fmt;
  auto chain = FilterChain::create(*in.video, filters, sink, error);
  if (!chain) return nullptr;
  auto encoder = std::make_unique<Encoder>(std::move(enc));
  if (target) encoder->add_target({target, target->add_stream(encoder->ctx())});
  auto branch = std::make_unique<EncodeBranch>(AVMEDIA_TYPE_VIDEO, in.video->time_base,
                                               std::move(chain), std::move(encoder));
  branch->filters = filters;
  branch->outputs.push_back(output);
  EncodeBranch* raw = branch.get();
  set.branches.push_back(std::move(branch));
  return raw;
}

EncodeBranch* add_video_encode(const InputInfo& in, BranchSet& set, const std::string& filters,
                               const VideoEncodeParams& p, Container* target, size_t output,
                               std::string* error) {
  CodecPtr enc = open_video_encoder(p, error);
  if (!enc) return nullptr;
  EncodeBranch* b = add_video_branch(in, set, filters, std::move(enc), target, output, error);
  if (!b) return nullptr;
  b->encoder().set_reopen([p](int threads, std::string* e) {
    VideoEncodeParams with = p;
    with.threads = threads;
    return open_video_encoder(with, e);
  });
  return b;
}

EncodeBranch* shared_audio(const InputInfo& in, BranchSet& set, const std::string& encoder,
                           int64_t bitrate, double start, std::optional<double> end,
                           Container* target, size_t output, std::string* error) {
  bool global = target->needs_global_header();
  std::string key = encoder + "|" + std::to_string(bitrate) + "|" + fmt_seconds(start) + "|" +
                    (end ? fmt_seconds(*end) : "") + "|" + (global ? "g" : "");
  auto found = set.shared_audio.find(key);
  EncodeBranch* branch = found != set.shared_audio.end() ? found->second : nullptr;
  if (!branch) {
    CodecPtr enc = alloc_encoder(encoder, error);
    if (!enc) return nullptr;
    AVCodecContext* c = enc.get();
    const AVCodec* codec = c->codec;
    c->sample_fmt = codec->sample_fmts ? codec->sample_fmts[0] : AV_SAMPLE_FMT_S16;
    int rate = in.audio->sample_rate;
    if (codec->supported_samplerates) {
      // The input's rate when the encoder takes it, else 48 kHz, else the encoder's first.
      int pick = 0;
      for (const int* r = codec->supported_samplerates; *r; ++r) {
        if (*r == rate) pick = rate;
        if (!pick && *r == 48000) pick = 48000;
      }
      rate = pick ? pick : codec->supported_samplerates[0];
    }
    c->sample_rate = rate;
    av_channel_layout_default(&c->ch_layout, std::min(in.audio->layout.nb_channels, 2));
    c->bit_rate = bitrate;
    c->time_base = {1, rate};
    if (global) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (!open_encoder(c, nullptr, error)) return nullptr;
    SinkParams sink;
    sink.sample_fmt = c->sample_fmt;
    sink.sample_rate = rate;
    sink.channels = c->ch_layout.nb_channels;
    if (!(codec->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE)) sink.frame_size = c->frame_size;
    auto chain = FilterChain::create(*in.audio, trim_filters(start, end, true), sink, error);
    if (!chain) return nullptr;
    auto owned =
        std::make_unique<EncodeBranch>(AVMEDIA_TYPE_AUDIO, in.audio->time_base, std::move(chain),
                                       std::make_unique<Encoder>(std::move(enc)));
    owned->needs_from = std::max(0.0, start - 1);
    if (end) owned->set_stop_after(*end + 0.5);
    branch = owned.get();
    set.branches.push_back(std::move(owned));
    set.shared_audio[key] = branch;
  }
  branch->encoder().add_target({target, target->add_stream(branch->encoder().ctx())});
  branch->outputs.push_back(output);
  return branch;
}

namespace {

void build_video(const InputInfo& in, OutputWork& w, BranchSet& set) {
  const json& o = w.options;
  std::string format = o.value("format", "mp4"), codec = o.value("codec", "h264");
  if (format == "webm" && codec != "vp9" && codec != "av1")
    return set_error(w, "options_invalid", "WebM holds only vp9 and av1, not '" + codec + "'");
  std::string error;
  auto geo = plan_geometry(o, in.width, in.height, true, false, &error);
  if (!geo) return set_error(w, "options_invalid", error);
  auto container =
      Container::create(w.spec->out_dir / (w.spec->id + "." + format), format.c_str(), &error);
  if (!container) return set_error(w, "encode_failed", error);
  std::map<std::string, std::string> mux;
  if (format != "webm") mux["movflags"] = "+faststart";
  Container* out = w.add_container(std::move(container), mux);

  VideoEncodeParams p;
  p.codec = codec;
  p.quality = o.value("quality", "medium");
  p.bitrate = o.value("bitrate", int64_t{0});
  p.width = geo->width;
  p.height = geo->height;
  p.fps = output_fps(in, o, 60);
  p.global_header = out->needs_global_header();
  double start = o.value("start", 0.0);
  std::optional<double> end = seconds_option(o, "end");
  std::string fps = "fps=" + std::to_string(p.fps.num) + "/" + std::to_string(p.fps.den);
  std::string filters =
      join({trim_filters(start, end, false), rotation_filters(in.rotation), fps, geo->filters});
  EncodeBranch* b = add_video_encode(in, set, filters, p, out, w.index, &error);
  if (!b) return set_error(w, "encode_failed", error);
  b->needs_from = std::max(0.0, start - 1);
  if (end) b->set_stop_after(*end + 0.5);
  b->require_frame("the input has no frames after " + said(start) + " s");
  if (in.audio) {
    std::string aformat = format == "webm" ? "opus" : "aac";
    auto a = plan::audio_encoder_settings(aformat, p.quality);
    if (!shared_audio(in, set, std::string(a->encoder), a->bitrate, start, end, out, w.index,
                      &error))
      return set_error(w, "encode_failed", error);
  }
}

struct AudioFormat {
  const char* format;
  const char* muxer;
  const char* extension;
};
constexpr AudioFormat kAudioFormats[] = {{"mp3", "mp3", "mp3"}, {"aac", "ipod", "m4a"},
                                         {"ogg", "ogg", "ogg"}, {"opus", "opus", "opus"},
                                         {"wav", "wav", "wav"}, {"flac", "flac", "flac"}};

void build_audio(const InputInfo& in, OutputWork& w, BranchSet& set) {
  const json& o = w.options;
  std::string format = o.value("format", "mp3");
  const AudioFormat* af = nullptr;
  for (const AudioFormat& f : kAudioFormats)
    if (format == f.format) af = &f;
  auto settings = plan::audio_encoder_settings(format, o.value("quality", "medium"));
  if (!af || !settings)
    return set_error(w, "options_invalid", "unknown audio format '" + format + "'");
  std::string error;
  auto container =
      Container::create(w.spec->out_dir / (w.spec->id + "." + af->extension), af->muxer, &error);
  if (!container) return set_error(w, "encode_failed", error);
  Container* out = w.add_container(std::move(container));
  int64_t bitrate = settings->bitrate ? o.value("bitrate", int64_t{settings->bitrate}) : 0;
  if (!shared_audio(in, set, std::string(settings->encoder), bitrate, o.value("start", 0.0),
                    seconds_option(o, "end"), out, w.index, &error))
    set_error(w, "encode_failed", error);
}

}  // namespace

/// Image and animation pixel formats by encoder: alpha where the format keeps it.
AVPixelFormat picture_format(const std::string& encoder, bool alpha) {
  if (encoder == "mjpeg") return AV_PIX_FMT_YUVJ420P;
  if (encoder == "png") return alpha ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB24;
  if (encoder == "gif") return AV_PIX_FMT_PAL8;
  if (encoder == "libwebp" || encoder == "libwebp_anim")
    return alpha ? AV_PIX_FMT_YUVA420P : AV_PIX_FMT_YUV420P;
  return AV_PIX_FMT_YUV420P;
}

/// A picture encoder (image, animation frames, sprite sheets) with its per-format quality.
CodecPtr open_picture_encoder(const std::string& encoder, int value, int w, int h,
                              AVPixelFormat fmt, AVRational fps, int* frame_quality,
                              std::string* error) {
  CodecPtr enc = alloc_encoder(encoder, error);
  if (!enc) return nullptr;
  AVCodecContext* c = enc.get();
  c->width = w;
  c->height = h;
  c->pix_fmt = fmt;
  c->time_base = av_inv_q(fps);
  c->framerate = fps;
  c->sample_aspect_ratio = {1, 1};
  AVDictionary* opts = nullptr;
  *frame_quality = 0;
  if (encoder == "mjpeg") {
    c->flags |= AV_CODEC_FLAG_QSCALE;
    c->global_quality = FF_QP2LAMBDA * value;
    *frame_quality = c->global_quality;
    c->color_range = AVCOL_RANGE_JPEG;
  } else if (encoder == "libwebp" || encoder == "libwebp_anim") {
    av_dict_set_int(&opts, "quality", value, 0);
  } else if (encoder == "libaom-av1") {
    av_dict_set_int(&opts, "crf", value, 0);
    av_dict_set(&opts, "cpu-used", "6", 0);
    av_dict_set(&opts, "still-picture", "1", 0);
    c->bit_rate = 0;
  }
  bool ok = open_encoder(c, &opts, error);
  av_dict_free(&opts);
  return ok ? std::move(enc) : nullptr;
}

namespace {

/// How many frames the `thumbnail` filter compares to pick the most representative one.
constexpr int kRepresentativeWindow = 50;

void build_image(const InputInfo& in, OutputWork& w, BranchSet& set) {
  const json& o = w.options;
  std::string format = o.value("format", "jpeg");
  auto settings = plan::image_encoder_settings(format, o.value("quality", "high"));
  if (!settings) return set_error(w, "options_invalid", "unknown image format '" + format + "'");
  std::string encoder(settings->encoder);
  bool alpha_ok = format != "jpeg" && format != "avif";
  std::string error;
  auto geo = plan_geometry(o, in.width, in.height, format == "avif", alpha_ok, &error);
  if (!geo) return set_error(w, "options_invalid", error);
  bool padded_alpha = alpha_ok && geo->filters.find("0x00000000") != std::string::npos;
  AVPixelFormat fmt = picture_format(encoder, padded_alpha || in.file.value("transparency", false));
  auto container = Container::create(w.spec->out_dir / (w.spec->id + "." + format),
                                     format == "avif" ? "avif" : "image2", &error);
  if (!container) return set_error(w, "encode_failed", error);
  std::map<std::string, std::string> mux;
  if (format != "avif") mux["update"] = "1";
  Container* out = w.add_container(std::move(container), mux);
  int quality = 0;
  CodecPtr enc = open_picture_encoder(encoder, settings->value, geo->width, geo->height, fmt,
                                      {25, 1}, &quality, &error);
  if (!enc) return set_error(w, "encode_failed", error);
  std::optional<double> start = seconds_option(o, "start");
  bool select = o.contains("select") && o["select"].is_string();
  std::string pick;
  if (!in.image) {
    if (start)
      pick = "trim=start=" + fmt_seconds(*start);
    else if (!select)
      pick = "thumbnail=n=" + std::to_string(kRepresentativeWindow);
  }
  std::string filters = join({pick, rotation_filters(in.rotation), geo->filters});
  EncodeBranch* b = add_video_branch(in, set, filters, std::move(enc), out, w.index, &error);
  if (!b) return set_error(w, "encode_failed", error);
  b->set_max_frames(1);
  b->set_frame_quality(quality);
  b->needs_from = start ? std::max(0.0, *start - 1) : 0;
  b->require_frame(start ? "the input has no frame at or after " + said(*start) + " s"
                         : "no frame of the input satisfies 'select'");
  if (select || (!start && !in.image)) {
    // Without `start` or `select` the representative frame is chosen among frames that are
    // not black (fade-ins and black leaders are never representative), else the first frame.
    auto gate = FrameGate::create(select ? o["select"].get<std::string>() : "!black", &error);
    if (!gate) return set_error(w, "options_invalid", error);
    b->set_gate(std::move(gate));
    if (!select) b->set_fallback_to_first();
  }
  w.start = start.value_or(0);
  w.end = select || !start ? in.duration : std::min(in.duration, *start + 0.1);
  if (!start && !select)
    w.end = std::min(in.duration, kRepresentativeWindow / std::max(av_q2d(in.fps), 1.0));
}

void build_animation(const InputInfo& in, OutputWork& w, BranchSet& set) {
  const json& o = w.options;
  std::string format = o.value("format", "gif");
  auto settings = plan::animation_encoder_settings(format, o.value("quality", "medium"));
  if (!settings)
    return set_error(w, "options_invalid", "unknown animation format '" + format + "'");
  std::string encoder(settings->encoder);
  std::string error;
  auto geo = plan_geometry(o, in.width, in.height, false, false, &error);
  if (!geo) return set_error(w, "options_invalid", error);
  double start = o.value("start", 0.0);
  double end = o.value("end", start + kAnimationSeconds);
  AVRational fps = output_fps(in, o, 30);
  auto container =
      Container::create(w.spec->out_dir / (w.spec->id + "." + format), format.c_str(), &error);
  if (!container) return set_error(w, "encode_failed", error);
  Container* out = w.add_container(std::move(container), {{"loop", "0"}});
  int quality = 0;
  AVPixelFormat fmt = picture_format(encoder, false);
  CodecPtr enc = open_picture_encoder(encoder, settings->value, geo->width, geo->height, fmt, fps,
                                      &quality, &error);
  if (!enc) return set_error(w, "encode_failed", error);
  std::string rate = "fps=" + std::to_string(fps.num) + "/" + std::to_string(fps.den);
  std::string filters =
      join({trim_filters(start, end, false), rotation_filters(in.rotation), rate, geo->filters});
  // GIF needs its palette before the first frame, so the whole clip waits in memory (BGRA)
  // until palettegen has seen the last frame: bound that explicitly.
  double held = std::max(0.0, std::min(end, in.duration > 0 ? in.duration : end) - start) *
                av_q2d(fps) * geo->width * geo->height * 4;
  if (encoder == "gif" && held > kMaxGifBytes) {
    return set_error(w, "options_invalid",
                     "a GIF of " + said(end - start) + " s at " + std::to_string(geo->width) + "x" +
                         std::to_string(geo->height) +
                         " is too large; shorten it, lower `fps` or `width`, or use webp");
  }
  if (encoder == "gif") {
    // One palette for the whole clip (palettegen sees every frame first), then dithered.
    filters = (filters.empty() ? "null" : filters) +
              ",split[a][b];[a]palettegen=max_colors=" + std::to_string(settings->value) +
              ":stats_mode=full[p];[b][p]paletteuse=dither=" +
              (settings->value >= 128 ? "sierra2_4a" : "bayer:bayer_scale=3");
  }
  EncodeBranch* b = add_video_branch(in, set, filters, std::move(enc), out, w.index, &error);
  if (!b) return set_error(w, "encode_failed", error);
  b->needs_from = std::max(0.0, start - 1);
  b->set_stop_after(end + 0.5);
  b->require_frame("the input has no frames between " + said(start) + " and " + said(end) + " s");
  if (o.contains("select") && o["select"].is_string()) {
    auto gate = FrameGate::create(o["select"].get<std::string>(), &error);
    if (!gate) return set_error(w, "options_invalid", error);
    b->set_gate(std::move(gate));
  }
  w.start = start;
  w.end = std::min(end, in.duration);
}

}  // namespace

void build_output(const InputInfo& in, OutputWork& w, BranchSet& set) {
  const std::string& kind = w.spec->kind;
  w.options = with_defaults(kind, w.spec->options);
  w.start = 0;
  w.end = in.duration;
  const catalog::KindSpec* spec = catalog::Catalog::builtin().kind(kind);
  if (!spec) return set_error(w, "options_invalid", "unknown kind '" + kind + "'");
  if (auto problem = out_of_range(kind, w.options))
    return set_error(w, "options_invalid", *problem);
  std::string file_kind = in.file.value("kind", "");
  auto fk = catalog::parse_file_kind(file_kind);
  if (!fk || !(spec->accepts & *fk)) {
    return set_error(w, "input_unsupported",
                     "'" + kind + "' needs " + catalog::describe_file_kinds(spec->accepts) +
                         " input, got " + (file_kind.empty() ? "unknown" : file_kind));
  }
  bool needs_video = kind != "audio";
  if (needs_video && !in.video)
    return set_error(w, "input_unsupported",
                     "'" + kind + "' needs a video stream; the input has none");
  if (kind == "audio" && !in.audio)
    return set_error(w, "input_unsupported", "'audio' needs an audio stream; the input has none");
  std::error_code ec;
  std::filesystem::create_directories(w.spec->out_dir, ec);
  if (ec) return set_error(w, "encode_failed", "cannot create '" + w.spec->out_dir.string() + "'");
  if (kind == "video") return build_video(in, w, set);
  if (kind == "audio") return build_audio(in, w, set);
  if (kind == "image") return build_image(in, w, set);
  if (kind == "animation") return build_animation(in, w, set);
  if (kind == "thumbnails") return build_thumbnails(in, w, set);
  if (kind == "adaptive_video") return build_adaptive_video(in, w, set);
  set_error(w, "options_invalid", "'" + kind + "' is not a media operator");
}

}  // namespace wfc::media
