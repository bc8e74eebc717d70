// The video operator: transcodes the input's picture (trimmed to `start`…`end`, turned upright,
// at the output frame rate, fitted to the output size) with the video encoder the quality table
// gives `codec` and `quality` (a capped CRF when `bitrate` is set), and its audio as AAC (Opus in
// WebM) through the pass's shared audio encode; MP4 and MOV get their index first (faststart).
#include <cmath>

#include "compiler/catalog/catalog.h"
#include "compiler/plan/encoder_settings.h"
#include "runtime/media/geometry.h"
#include "runtime/operators/registry.h"

namespace wfc::operators {

using namespace media;

void build_video(const InputInfo& in, OutputWork& w, BranchSet& set) {
  const plan::Options& o = *w.options;
  const std::string& format = o.text("format");
  std::string error;
  auto geo = plan_geometry(o, in.width, in.height, true, false, &error);
  if (!geo) return w.fail("options_invalid", error);
  // Without `fps` the input's rate, capped at the most the option allows.
  AVRational rate = output_fps(in, o.number("fps"), option_max(w, "fps"));
  if (!admit_picture(w, set, in, geo->width, geo->height,
                     video_encoder_bytes(geo->width, geo->height),
                     double(geo->width) * geo->height * av_q2d(rate)))
    return;
  auto container = Container::create(w.path("." + format), format.c_str(), &error);
  if (!container) return w.fail("encode_failed", error);
  std::map<std::string, std::string> mux;
  if (format != "webm") mux["movflags"] = "+faststart";
  Container* out = w.add_container(std::move(container), mux);

  VideoEncodeParams p;
  p.codec = o.text("codec");
  p.quality = o.text("quality");
  p.bitrate = o.integer("bitrate").value_or(0);
  p.width = geo->width;
  p.height = geo->height;
  p.fps = rate;
  p.global_header = out->needs_global_header();
  double start = o.number("start").value_or(0);
  std::optional<double> end = o.number("end");
  std::string fps = "fps=" + std::to_string(p.fps.num) + "/" + std::to_string(p.fps.den);
  std::string filters = join_filters(
      {trim_filters(start, end, false), rotation_filters(in.rotation), fps, geo->filters});
  EncodeBranch* b = add_video_encode(in, set, filters, p, out, w.index, &error);
  if (!b) return w.fail("encode_failed", error);
  b->needs_from = std::max(0.0, start - 1);
  if (end) b->set_stop_after(*end + 0.5);
  b->require_frame("the input has no frames after " + said(start) + " s");
  w.start = start;
  w.end = end ? std::min(*end, in.duration) : in.duration;
  if (in.audio) {
    // The container's audio format: a catalog constant of the kind.
    const nlohmann::json& formats = kind_constant(w, "audio_formats");
    if (w.error) return;
    auto a = plan::audio_encoder_settings(formats.value(format, ""), p.quality);
    if (!a) return w.fail("internal_error", "no audio encoder for '" + format + "'");
    if (!shared_audio(in, set, std::string(a->encoder), a->bitrate, start, end, out, w.index,
                      &error))
      return w.fail("encode_failed", error);
  }
}

}  // namespace wfc::operators
