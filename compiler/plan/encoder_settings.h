// What each `quality` level means to each encoder: the one table that both the compiler's cost
// model (compiler/plan/cost) and the runtime's operators (runtime/operators) read, so that the
// plan's estimates and the files the runtime writes follow the same settings. The table itself
// is data of the catalog (stdlib/kinds.json, `encoders`; docs/kinds.md prints it); this header
// gives its rows typed, by the option value that picks the encoder and the quality level.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace wfc::plan {

/// An encoder's own AVOptions set at every quality level (the table's per-row `options`).
using EncoderOptions = std::span<const std::pair<std::string, std::string>>;

/// Settings of a video encoder for one quality level. For libx264/libx265 `preset` is the x26x
/// preset name; for libvpx-vp9 it is the `cpu-used` value and for libsvtav1 the `preset` number,
/// both as text so every encoder takes it as an AVOption string.
struct VideoEncoderSettings {
  std::string_view encoder;  // FFmpeg encoder name: libx264, libx265, libvpx-vp9, libsvtav1
  int crf = 0;
  std::string_view preset;
  /// Encode work per pixel relative to libx264 `fast`, for the cost model. Rough ratios from
  /// the encoders' published preset speed tables; tools/bench/media refines them.
  double relative_cost = 1.0;
  EncoderOptions options;
};

/// `codec` is the catalog's video codec (h264, h265, vp9, av1); nullopt for an unknown codec
/// or quality (the checker has rejected those before a plan exists), or a row without a
/// column its family needs (each function below names them).
std::optional<VideoEncoderSettings> video_encoder_settings(std::string_view codec,
                                                           std::string_view quality);

/// Audio: the encoder for a catalog audio format (mp3 libmp3lame, aac aac, ogg libvorbis,
/// opus libopus, wav pcm_s16le, flac flac) and its bitrate in bits/s for a quality; 0 for the
/// lossless formats, which ignore quality.
struct AudioEncoderSettings {
  std::string_view encoder;
  int bitrate = 0;
};
std::optional<AudioEncoderSettings> audio_encoder_settings(std::string_view format,
                                                           std::string_view quality);

/// Still images: jpeg → mjpeg `q:v` (2 best … 31), webp → libwebp `quality` (0–100), avif →
/// libaom-av1 `crf` (0 best … 63), png → lossless (value 0). One integer, meaning per format.
struct ImageEncoderSettings {
  std::string_view encoder;  // mjpeg, png, libwebp, libaom-av1
  int value = 0;
  EncoderOptions options;
};
std::optional<ImageEncoderSettings> image_encoder_settings(std::string_view format,
                                                           std::string_view quality);

/// Animations: gif → the palette size given to palettegen (`max_colors`) and the dither
/// paletteuse applies; webp → libwebp_anim `quality`.
struct AnimationEncoderSettings {
  std::string_view encoder;  // gif, libwebp_anim
  int value = 0;
  std::string_view dither;  // gif only: paletteuse's `dither`
  EncoderOptions options;
};
std::optional<AnimationEncoderSettings> animation_encoder_settings(std::string_view format,
                                                                   std::string_view quality);

}  // namespace wfc::plan
