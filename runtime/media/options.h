// Reading a task's options for the media operators: catalog defaults filled in (read from
// catalog::Catalog::builtin(), never restated here), dimensions resolved against the input, and
// the geometry filters (size, fit, position, background, rotation) every picture output shares.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace wfc::media {

/// `options` with every absent option that has a catalog default set to it. Unknown kinds
/// return the options unchanged.
nlohmann::json with_defaults(const std::string& kind, const nlohmann::json& options);

/// The first top-level option whose number lies outside the catalog's range for it (the
/// checker reports these at compile time; the runtime refuses them rather than trust its
/// caller), as a message; nullopt when all are in range.
std::optional<std::string> out_of_range(const std::string& kind, const nlohmann::json& options);

/// A `dimension` value (pixels, or "NN%" of `reference`); nullopt when absent or malformed.
std::optional<int> dimension(const nlohmann::json& value, int reference);

/// The picture an output draws: its size and the filter chain from the decoded (rotated)
/// input to it.
struct Geometry {
  int width = 0;
  int height = 0;
  std::string filters;  // e.g. "scale=640:360:force_original_aspect_ratio=decrease,pad=..."
};

/// Geometry for `options` (width, height, fit, position, background) over an input of
/// in_w × in_h as displayed. `even` rounds to even sizes (4:2:0 video encoders). When neither
/// width nor height is given the input size is kept; with one, the other keeps the aspect
/// ratio. `transparent` pads with a transparent colour when no background is given.
/// nullopt with *error set when the size is impossible.
std::optional<Geometry> plan_geometry(const nlohmann::json& options, int in_w, int in_h, bool even,
                                      bool transparent, std::string* error);

/// The filters that turn a frame stored with display rotation `rotation` upright.
std::string rotation_filters(int rotation);

}  // namespace wfc::media
