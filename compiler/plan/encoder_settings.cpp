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

/// Whether the row has every column the family's settings need (a column a row lacks is one
/// its encoder does not use, so a needed one missing is a mistake in the table).
bool has(const Found& f, std::initializer_list<std::string_view> columns) {
  if (!f.row) return false;
  for (std::string_view c : columns)
    if (!f.row->at(c, f.level)) return false;
  return true;
}

int integer(const Found& f, std::string_view column) {
  const nlohmann::json* v = f.row->at(column, f.level);
  return v && v->is_number() ? v->get<int>() : 0;
}

std::string_view text(const Found& f, std::string_view column) {
  const nlohmann::json* v = f.row->at(column, f.level);
  return v && v->is_string() ? std::string_view(v->get_ref<const std::string&>())
                             : std::string_view();
}

}  // namespace

std::optional<VideoEncoderSettings> video_encoder_settings(std::string_view codec,
                                                           std::string_view quality) {
  Found f = find("video", codec, quality);
  if (!has(f, {"crf", "preset", "relative_cost"})) return std::nullopt;
  const nlohmann::json* cost = f.row->at("relative_cost", f.level);
  return VideoEncoderSettings{f.row->encoder, integer(f, "crf"), text(f, "preset"),
                              cost->is_number() ? cost->get<double>() : 1.0, f.row->options};
}

std::optional<AudioEncoderSettings> audio_encoder_settings(std::string_view format,
                                                           std::string_view quality) {
  Found f = find("audio", format, quality);
  if (!has(f, {"bitrate"})) return std::nullopt;
  return AudioEncoderSettings{f.row->encoder, integer(f, "bitrate")};
}

std::optional<ImageEncoderSettings> image_encoder_settings(std::string_view format,
                                                           std::string_view quality) {
  Found f = find("image", format, quality);
  if (!has(f, {"value"})) return std::nullopt;
  return ImageEncoderSettings{f.row->encoder, integer(f, "value"), f.row->options};
}

std::optional<AnimationEncoderSettings> animation_encoder_settings(std::string_view format,
                                                                   std::string_view quality) {
  Found f = find("animation", format, quality);
  if (!has(f, {"value"})) return std::nullopt;
  return AnimationEncoderSettings{f.row->encoder, integer(f, "value"), text(f, "dither"),
                                  f.row->options};
}

}  // namespace wfc::plan
