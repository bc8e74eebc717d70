// The animation operator: an animated GIF or WebP of the input's `start`…`end` clip at `fps`,
// fitted to its size, keeping only the frames `select` admits. A GIF's palette is computed from
// every frame of the clip first (palettegen), then applied with dithering.
#include "compiler/plan/encoder_settings.h"
#include "runtime/media/geometry.h"
#include "runtime/operators/registry.h"

namespace wfc::operators {
namespace {

/// Memory a GIF's clip may hold while its palette is computed.
constexpr double kMaxGifBytes = 2.0 * 1024 * 1024 * 1024;

}  // namespace

using namespace media;

void build_animation(const InputInfo& in, OutputWork& w, BranchSet& set) {
  const plan::Options& o = *w.options;
  const std::string& format = o.text("format");
  auto settings = plan::animation_encoder_settings(format, o.text("quality"));
  if (!settings) return w.fail("encode_failed", "no animation encoder for '" + format + "'");
  std::string encoder(settings->encoder);
  std::string error;
  auto geo = plan_geometry(o, in.width, in.height, false, false, &error);
  if (!geo) return w.fail("options_invalid", error);
  double start = o.number("start").value_or(0);
  double end = o.number("end").value_or(in.duration);
  AVRational fps = output_fps(in, o.number("fps"), option_max(w, "fps"));
  if (!admit_picture(w, set, in, geo->width, geo->height,
                     picture_encoder_bytes(geo->width, geo->height),
                     double(geo->width) * geo->height * av_q2d(fps)))
    return;
  auto container = Container::create(w.path("." + format), format.c_str(), &error);
  if (!container) return w.fail("encode_failed", error);
  Container* out = w.add_container(std::move(container), {{"loop", "0"}});
  int quality = 0;
  AVPixelFormat fmt = picture_format(encoder, false);
  CodecPtr enc = open_picture_encoder(encoder, settings->value, settings->options, geo->width,
                                      geo->height, fmt, fps, &quality, &error);
  if (!enc) return w.fail("encode_failed", error);
  std::string rate = "fps=" + std::to_string(fps.num) + "/" + std::to_string(fps.den);
  std::string filters = join_filters(
      {trim_filters(start, end, false), rotation_filters(in.rotation), rate, geo->filters});
  // GIF needs its palette before the first frame, so the whole clip waits in memory (BGRA)
  // until palettegen has seen the last frame: bound that explicitly.
  double held = std::max(0.0, std::min(end, in.duration > 0 ? in.duration : end) - start) *
                av_q2d(fps) * geo->width * geo->height * 4;
  if (encoder == "gif" && held > kMaxGifBytes) {
    return w.fail("options_invalid", "a GIF of " + said(end - start) + " s at " +
                                         std::to_string(geo->width) + "x" +
                                         std::to_string(geo->height) +
                                         " is too large; shorten it, lower `fps` or `width`, or "
                                         "use webp");
  }
  if (encoder == "gif") {
    // One palette for the whole clip (palettegen sees every frame first), then dithered.
    filters = (filters.empty() ? "null" : filters) +
              ",split[a][b];[a]palettegen=max_colors=" + std::to_string(settings->value) +
              ":stats_mode=full[p];[b][p]paletteuse" +
              (settings->dither.empty() ? "" : "=dither=" + std::string(settings->dither));
  }
  EncodeBranch* b = add_video_branch(in, set, filters, std::move(enc), out, w.index, &error);
  if (!b) return w.fail("encode_failed", error);
  b->needs_from = std::max(0.0, start - 1);
  b->set_stop_after(end + 0.5);
  b->require_frame("the input has no frames between " + said(start) + " and " + said(end) + " s");
  // What the GIF's clip holds grows on the pass's memory budget with the frames actually
  // decoded: a header may claim 1 s of a clip that decodes for 300.
  if (encoder == "gif")
    b->hold_in_memory(set.memory, start, av_q2d(fps) * geo->width * geo->height * 4,
                      "shorten the clip with `end`, lower `fps` or `width`, or use webp");
  if (std::unique_ptr<FrameGate> gate = select_gate(w)) {
    w.gate = gate.get();
    b->set_gate(std::move(gate));
  }
  w.start = start;
  w.end = std::min(end, in.duration);
}

}  // namespace wfc::operators
