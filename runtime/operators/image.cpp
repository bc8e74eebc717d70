// The image operator: one picture, from an image input resized, or from a video input: the frame
// at `start`, the first frame at or after it that satisfies `select`, or (with neither) the most
// representative of the first frames that satisfy the catalog's `representative_select` (FFmpeg's
// `thumbnail` filter over `representative_frames` of them), the first frame when none does. The
// plan carries whichever predicate applies as the node's select, built on the engine it chose.
#include "compiler/plan/encoder_settings.h"
#include "runtime/media/geometry.h"
#include "runtime/operators/registry.h"

namespace wfc::operators {

using namespace media;

void build_image(const InputInfo& in, OutputWork& w, BranchSet& set) {
  const plan::Options& o = *w.options;
  const std::string& format = o.text("format");
  auto settings = plan::image_encoder_settings(format, o.text("quality"));
  if (!settings) return w.fail("encode_failed", "no image encoder for '" + format + "'");
  std::string encoder(settings->encoder);
  bool alpha_ok = format != "jpeg" && format != "avif";
  std::string error;
  auto geo = plan_geometry(o, in.width, in.height, format == "avif", alpha_ok, &error);
  if (!geo) return w.fail("options_invalid", error);
  if (!admit_picture(w, set, in, geo->width, geo->height,
                     picture_encoder_bytes(geo->width, geo->height), 0))
    return;
  bool padded_alpha = alpha_ok && geo->filters.find("0x00000000") != std::string::npos;
  AVPixelFormat fmt = picture_format(encoder, padded_alpha || in.file.value("transparency", false));
  auto container =
      Container::create(w.path("." + format), format == "avif" ? "avif" : "image2", &error);
  if (!container) return w.fail("encode_failed", error);
  std::map<std::string, std::string> mux;
  if (format != "avif") mux["update"] = "1";
  Container* out = w.add_container(std::move(container), mux);
  int quality = 0;
  CodecPtr enc = open_picture_encoder(encoder, settings->value, settings->options, geo->width,
                                      geo->height, fmt, {25, 1}, &quality, &error);
  if (!enc) return w.fail("encode_failed", error);
  std::optional<double> start = o.number("start");
  const plan::Select* select = w.spec->node.select ? &*w.spec->node.select : nullptr;
  bool representative = select && select->representative;
  int window = 1;
  if (representative) {
    auto frames = kind_number(w, "representative_frames");
    if (!frames) return;
    window = static_cast<int>(*frames);
  }
  std::string pick;
  if (!in.image) {
    if (start)
      pick = "trim=start=" + filter_seconds(*start);
    else if (representative)
      pick = "thumbnail=n=" + std::to_string(window);
  }
  std::string filters = join_filters({pick, rotation_filters(in.rotation), geo->filters});
  EncodeBranch* b = add_video_branch(in, set, filters, std::move(enc), out, w.index, &error);
  if (!b) return w.fail("encode_failed", error);
  b->set_max_frames(1);
  b->set_frame_quality(quality);
  b->needs_from = start ? std::max(0.0, *start - 1) : 0;
  b->require_frame(start ? "the input has no frame at or after " + said(*start) + " s"
                         : "no frame of the input satisfies 'select'");
  if (select && !in.image) {
    std::unique_ptr<FrameGate> gate = select_gate(w);
    w.gate = gate.get();
    b->set_gate(std::move(gate));
    if (representative) b->set_fallback_to_first();
  }
  w.start = start.value_or(0);
  w.end = select || !start ? in.duration : std::min(in.duration, *start + 0.1);
  if (representative) w.end = std::min(in.duration, window / std::max(av_q2d(in.fps), 1.0));
}

}  // namespace wfc::operators
