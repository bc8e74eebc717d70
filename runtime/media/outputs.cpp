// The helpers media operators share (outputs.h): opening encoders with the quality table's
// settings, the shared audio encode, adding video branches, and what every output records.
#include "runtime/media/outputs.h"

extern "C" {
#include <libavutil/opt.h>
}

#include <cmath>

#include "compiler/catalog/catalog.h"
#include "compiler/plan/encoder_settings.h"
#include "runtime/media/pass.h"

namespace wfc::media {

using nlohmann::json;

std::string filter_seconds(double s) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.6f", s);
  return buf;
}

std::string said(double s) {
  char buf[32];
  snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

std::string join_filters(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += ",";
    out += p;
  }
  return out;
}

void OutputWork::fail(std::string kind, std::string message) {
  if (!error) error = MediaError{std::move(kind), std::move(message)};
}

std::filesystem::path OutputWork::path(const std::string& suffix) const {
  return spec->out_dir / (spec->id() + suffix);
}

const Limits& limits_of(const OutputWork& work) {
  static const Limits kDefaults;
  return work.pass ? work.pass->limits : kDefaults;
}

bool reserve_memory(OutputWork& work, BranchSet& set, int64_t bytes, std::string_view what) {
  if (!set.memory || set.memory->reserve(bytes)) return true;
  work.fail("limit_exceeded",
            std::string(what) + " needs about " + bytes_text(bytes) + " of memory, and the run's " +
                "decode and other outputs hold " + bytes_text(set.memory->used()) +
                " of its budget of " + bytes_text(set.memory->limit()) +
                " (media limit max_memory); ask for smaller or fewer outputs, or split them "
                "over several tasks");
  return false;
}

bool admit_picture(OutputWork& work, BranchSet& set, const InputInfo& in, int width, int height,
                   int64_t bytes, double pixel_rate, std::string_view what) {
  const Limits& limits = limits_of(work);
  // The upscale factor bounds the sizes a task asks for; a catalog default (thumbnails' 160 px
  // tiles of a smaller input) is no request.
  const plan::Options* o = work.options;
  const plan::OptionValue* upscale = o ? o->find("upscale") : nullptr;
  bool asked = o && ((o->has("width") && !o->defaulted("width")) ||
                     (o->has("height") && !o->defaulted("height")) ||
                     (o->has("renditions") && !o->defaulted("renditions")));
  if (auto e = check_picture(limits, width, height, in.width, in.height,
                             !asked || (upscale && upscale->boolean), what)) {
    work.fail(e->kind, e->message);
    return false;
  }
  if (pixel_rate > 0 && set.pixel_rate + pixel_rate > limits.max_pixel_rate) {
    auto g = [](double v) {
      char buf[32];
      snprintf(buf, sizeof buf, "%.3g", v);
      return std::string(buf);
    };
    std::string rate = g(pixel_rate) + " pixels/s, and the run's other outputs " +
                       g(set.pixel_rate) + ", more than the limit of " + g(limits.max_pixel_rate);
    work.fail("limit_exceeded", "the " + std::string(what) + " (" + std::to_string(width) + "x" +
                                    std::to_string(height) + ") would encode " + rate +
                                    " per run (media limit max_pixel_rate); ask for smaller "
                                    "outputs or a lower `fps`, or split them over several tasks");
    return false;
  }
  std::string named = "the " + std::string(what) + " (" + std::to_string(width) + "x" +
                      std::to_string(height) + ")";
  if (!reserve_memory(work, set, bytes, named)) return false;
  set.pixel_rate += pixel_rate;
  return true;
}

std::unique_ptr<FrameGate> select_gate(const OutputWork& work) {
  if (!work.spec->select) return nullptr;
  return std::make_unique<FrameGate>(work.spec->select);
}

std::optional<double> option_max(const OutputWork& work, std::string_view option) {
  const catalog::KindSpec* kind = catalog::Catalog::builtin().kind(work.spec->node.op);
  const catalog::OptionSpec* o = kind ? kind->option(option) : nullptr;
  return o ? o->type.max : std::nullopt;
}

const json& kind_constant(OutputWork& work, std::string_view name, std::string_view of) {
  static const json kNone;
  std::string_view op = of.empty() ? std::string_view(work.spec->node.op) : of;
  const catalog::KindSpec* kind = catalog::Catalog::builtin().kind(op);
  const json* value = kind ? kind->constant(name) : nullptr;
  if (!value) {
    work.fail("internal_error", "the catalog gives '" + std::string(op) + "' no constant '" +
                                    std::string(name) + "'");
    return kNone;
  }
  return *value;
}

std::optional<double> kind_number(OutputWork& work, std::string_view name, std::string_view of) {
  const json& v = kind_constant(work, name, of);
  if (v.is_number()) return v.get<double>();
  if (!v.is_null())
    work.fail("internal_error", "the constant '" + std::string(name) + "' is no number");
  return std::nullopt;
}

std::optional<std::string> kind_text(OutputWork& work, std::string_view name) {
  const json& v = kind_constant(work, name);
  if (v.is_string()) return v.get<std::string>();
  if (!v.is_null())
    work.fail("internal_error", "the constant '" + std::string(name) + "' is no text");
  return std::nullopt;
}

Container* OutputWork::add_container(std::unique_ptr<Container> c,
                                     std::map<std::string, std::string> options) {
  containers.push_back(std::move(c));
  header_options.push_back(std::move(options));
  return containers.back().get();
}

std::string trim_filters(double start, std::optional<double> end, bool audio) {
  if (start <= 0 && !end) return "";
  std::string f = audio ? "atrim=" : "trim=";
  f += "start=" + filter_seconds(start);
  if (end) f += ":end=" + filter_seconds(*end);
  return f + (audio ? ",asetpts=PTS-STARTPTS" : ",setpts=PTS-STARTPTS");
}

AVRational output_fps(const InputInfo& in, std::optional<double> fps, std::optional<double> cap) {
  if (fps) return av_d2q(*fps, 1001000);
  AVRational r = in.fps.num > 0 ? in.fps : AVRational{25, 1};
  if (cap && av_q2d(r) > *cap) r = av_d2q(*cap, 1001000);
  return r;
}

namespace {

/// The quality table's fixed AVOptions of an encoder (encoder_settings.h).
void set_options(AVDictionary** opts, plan::EncoderOptions options) {
  for (const auto& [name, value] : options) av_dict_set(opts, name.c_str(), value.c_str(), 0);
}

}  // namespace

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
  // The table's `preset` column is libvpx's speed, every other encoder's preset.
  av_dict_set(&opts, name == "libvpx-vp9" ? "cpu-used" : "preset", preset.c_str(), 0);
  set_options(&opts, settings->options);
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
  std::string key = encoder + "|" + std::to_string(bitrate) + "|" + filter_seconds(start) + "|" +
                    (end ? filter_seconds(*end) : "") + "|" + (global ? "g" : "");
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
CodecPtr open_picture_encoder(const std::string& encoder, int value, plan::EncoderOptions options,
                              int w, int h, AVPixelFormat fmt, AVRational fps, int* frame_quality,
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
    c->bit_rate = 0;
  }
  set_options(&opts, options);
  bool ok = open_encoder(c, &opts, error);
  av_dict_free(&opts);
  return ok ? std::move(enc) : nullptr;
}

}  // namespace wfc::media
