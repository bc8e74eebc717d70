// The media limits flag every command that runs workflows takes (`wfc run`, `wfc serve`):
// --media-limit NAME=VALUE (env WFC_MEDIA_LIMITS), comma-separated and repeatable, each setting
// one bound of runtime/media/limits.h (docs/security.md, "Bounded work"); later entries win. Bad
// entries are usage errors reported by CLI11 before the command runs.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "runtime/media/limits.h"

namespace wfc::cli {

/// Adds --media-limit to `command`, storing its entries in *entries.
inline void add_limit_flags(CLI::App& command, std::vector<std::string>* entries) {
  command
      .add_option("--media-limit", *entries,
                  "a bound on each media pass, NAME=VALUE (max_memory=8GiB, max_upscale=4, "
                  "max_outputs=64, max_pixel_rate=4e9, max_tiles, max_sheet_pixels, max_side, "
                  "max_frame_pixels, max_claimed_duration); defaults in docs/security.md")
      ->envname("WFC_MEDIA_LIMITS")
      ->delimiter(',')
      ->check(CLI::Validator(
          [](const std::string& entry) {
            media::Limits scratch;
            std::string error;
            return media::parse_limit(scratch, entry, &error) ? std::string() : error;
          },
          "NAME=VALUE"));
}

/// The limits the parsed entries describe, on the defaults.
inline media::Limits media_limits(const std::vector<std::string>& entries) {
  media::Limits limits;
  std::string ignored;  // checked when parsed
  for (const std::string& e : entries) media::parse_limit(limits, e, &ignored);
  return limits;
}

}  // namespace wfc::cli
