// The quality table (see encoder_settings.h). Rows are ordered very_low … very_high; the choices
// follow each encoder's own guidance: x264's CRF 23 default at `medium` quality with a faster
// preset than x264's default (the runtime serves many renditions on few cores), x265's CRF
// scale being about 5 above x264's for the same look, VP9's and SVT-AV1's recommended CRF
// ranges for web delivery, and the common AAC/MP3/Opus bitrate ladders.
#include "compiler/plan/encoder_settings.h"

#include <array>

namespace wfc::plan {
namespace {

constexpr std::array<std::string_view, 5> kQualities = {"very_low", "low", "medium", "high",
                                                        "very_high"};

std::optional<size_t> quality_index(std::string_view quality) {
  for (size_t i = 0; i < kQualities.size(); ++i) {
    if (kQualities[i] == quality) return i;
  }
  return std::nullopt;
}

struct VideoRow {
  std::string_view codec;
  std::string_view encoder;
  std::array<int, 5> crf;
  std::array<std::string_view, 5> preset;
  std::array<double, 5> cost;
};

constexpr std::array<VideoRow, 4> kVideo = {{
    {"h264",
     "libx264",
     {32, 28, 23, 20, 18},
     {"veryfast", "veryfast", "faster", "fast", "medium"},
     {0.55, 0.55, 0.8, 1.0, 1.4}},
    {"h265",
     "libx265",
     {37, 33, 28, 25, 23},
     {"veryfast", "veryfast", "faster", "fast", "medium"},
     {1.6, 1.6, 2.2, 2.8, 4.0}},
    {"vp9",
     "libvpx-vp9",
     {42, 37, 33, 30, 26},
     {"8", "6", "5", "4", "3"},
     {0.9, 1.3, 1.8, 2.6, 4.0}},
    {"av1",
     "libsvtav1",
     {45, 40, 35, 30, 26},
     {"12", "11", "10", "8", "6"},
     {0.8, 1.0, 1.4, 2.5, 4.5}},
}};

struct AudioRow {
  std::string_view format;
  std::string_view encoder;
  std::array<int, 5> bitrate;
};

constexpr std::array<AudioRow, 6> kAudio = {{
    {"mp3", "libmp3lame", {64000, 96000, 128000, 192000, 256000}},
    {"aac", "aac", {64000, 96000, 128000, 192000, 256000}},
    {"ogg", "libvorbis", {64000, 96000, 128000, 192000, 256000}},
    {"opus", "libopus", {32000, 48000, 64000, 96000, 128000}},
    {"wav", "pcm_s16le", {0, 0, 0, 0, 0}},
    {"flac", "flac", {0, 0, 0, 0, 0}},
}};

struct IntRow {
  std::string_view format;
  std::string_view encoder;
  std::array<int, 5> value;
};

constexpr std::array<IntRow, 4> kImage = {{
    {"jpeg", "mjpeg", {12, 8, 5, 3, 2}},
    {"png", "png", {0, 0, 0, 0, 0}},
    {"webp", "libwebp", {50, 65, 75, 85, 95}},
    {"avif", "libaom-av1", {45, 38, 32, 26, 20}},
}};

constexpr std::array<IntRow, 2> kAnimation = {{
    {"gif", "gif", {32, 64, 128, 256, 256}},
    {"webp", "libwebp_anim", {50, 65, 75, 85, 95}},
}};

template <typename Rows>
const auto* find_row(const Rows& rows, std::string_view key) {
  for (const auto& row : rows) {
    if (row.format == key) return &row;
  }
  return static_cast<const typename Rows::value_type*>(nullptr);
}

}  // namespace

std::optional<VideoEncoderSettings> video_encoder_settings(std::string_view codec,
                                                           std::string_view quality) {
  auto q = quality_index(quality);
  if (!q) return std::nullopt;
  for (const VideoRow& row : kVideo) {
    if (row.codec == codec)
      return VideoEncoderSettings{row.encoder, row.crf[*q], row.preset[*q], row.cost[*q]};
  }
  return std::nullopt;
}

std::optional<AudioEncoderSettings> audio_encoder_settings(std::string_view format,
                                                           std::string_view quality) {
  auto q = quality_index(quality);
  const AudioRow* row = find_row(kAudio, format);
  if (!q || !row) return std::nullopt;
  return AudioEncoderSettings{row->encoder, row->bitrate[*q]};
}

std::optional<ImageEncoderSettings> image_encoder_settings(std::string_view format,
                                                           std::string_view quality) {
  auto q = quality_index(quality);
  const IntRow* row = find_row(kImage, format);
  if (!q || !row) return std::nullopt;
  return ImageEncoderSettings{row->encoder, row->value[*q]};
}

std::optional<AnimationEncoderSettings> animation_encoder_settings(std::string_view format,
                                                                   std::string_view quality) {
  auto q = quality_index(quality);
  const IntRow* row = find_row(kAnimation, format);
  if (!q || !row) return std::nullopt;
  return AnimationEncoderSettings{row->encoder, row->value[*q]};
}

}  // namespace wfc::plan
