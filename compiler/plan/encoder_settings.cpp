// The quality table (see encoder_settings.h), read from the catalog's `encoders`
// (stdlib/kinds.json): each function finds the row of the option value in its family and takes
// the columns at the quality's level. The values point into the built-in catalog, which lives as
// long as the program.
#include "compiler/plan/encoder_settings.h"

#include "compiler/catalog/catalog.h"

namespace wfc::plan {
namespace {

struct Found {
  const catalog::EncoderRow* row = nullptr;
  size_t level = 0;
};

/// The row of `value` in `family` and the index of `quality`; no row when either is unknown.
Found find(std::string_view family, std::string_view value, std::string_view quality) {
  const catalog::EncoderTable& table = catalog::Catalog::builtin().encoders();
  const catalog::EncoderFamily* f = table.family(family);
  auto level = table.level(quality);
  if (!f || !level) return {};
  return {f->row(value), *level};
}

int integer(const Found& f, std::string_view column) {
  const nlohmann::json* v = f.row->at(column, f.level);
  return v && v->is_number() ? v->get<int>() : 0;
}

}  // namespace

std::optional<VideoEncoderSettings> video_encoder_settings(std::string_view codec,
                                                           std::string_view quality) {
  Found f = find("video", codec, quality);
  if (!f.row) return std::nullopt;
  const nlohmann::json* preset = f.row->at("preset", f.level);
  const nlohmann::json* cost = f.row->at("relative_cost", f.level);
  return VideoEncoderSettings{f.row->encoder, integer(f, "crf"),
                              preset && preset->is_string()
                                  ? std::string_view(preset->get_ref<const std::string&>())
                                  : std::string_view(),
                              cost && cost->is_number() ? cost->get<double>() : 1.0};
}

std::optional<AudioEncoderSettings> audio_encoder_settings(std::string_view format,
                                                           std::string_view quality) {
  Found f = find("audio", format, quality);
  if (!f.row) return std::nullopt;
  return AudioEncoderSettings{f.row->encoder, integer(f, "bitrate")};
}

std::optional<ImageEncoderSettings> image_encoder_settings(std::string_view format,
                                                           std::string_view quality) {
  Found f = find("image", format, quality);
  if (!f.row) return std::nullopt;
  return ImageEncoderSettings{f.row->encoder, integer(f, "value")};
}

std::optional<AnimationEncoderSettings> animation_encoder_settings(std::string_view format,
                                                                   std::string_view quality) {
  Found f = find("animation", format, quality);
  if (!f.row) return std::nullopt;
  return AnimationEncoderSettings{f.row->encoder, integer(f, "value")};
}

}  // namespace wfc::plan
