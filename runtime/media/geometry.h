// The picture an output draws: its size from `width`/`height` (pixels or a percentage of the
// input), and the filters that fit the input to it (`fit`, `position`, `background`) and turn a
// rotated input upright. Every picture output (video, image, animation, thumbnails, renditions)
// shares it. Options come typed from the plan (compiler/plan/options.h).
#pragma once

#include <optional>
#include <string>

#include "compiler/plan/options.h"

namespace wfc::media {

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
/// ratio. Without a `background`, `transparent` pads with a transparent colour (else black).
/// nullopt with *error set when the size is impossible.
std::optional<Geometry> plan_geometry(const plan::Options& options, int in_w, int in_h, bool even,
                                      bool transparent, std::string* error);

/// The filters that turn a frame stored with display rotation `rotation` upright.
std::string rotation_filters(int rotation);

}  // namespace wfc::media
