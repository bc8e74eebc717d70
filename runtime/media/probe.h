// Probe: what a media file is, as the seeds' File object (kind, type, format, width, height,
// duration, fps, bitrate, filesize, codecs, orientation, rotation, frames, animated,
// transparency, channels, sample_rate, has_video, has_audio, language, metadata), read with
// libavformat/libavcodec from a local file. The same facts fill the record that `conditions`
// evaluate (compiler/expr/record.h), so a condition sees exactly what the File object says.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "compiler/expr/record.h"

namespace wfc::media {

/// The largest picture a decoder may allocate a frame for, by default (limits.h
/// max_frame_pixels, which operators may raise with --media-limit).
inline constexpr int64_t kMaxFramePixels = int64_t{8192} * 8192;

/// A failure of a media operation, as the API reports it: `{kind, message}`.
struct MediaError {
  std::string kind;  // input_invalid, input_unsupported, options_invalid, encode_failed, ...
  std::string message;
  nlohmann::json to_json() const { return {{"kind", kind}, {"message", message}}; }
};

/// The File object of a local media file, or an error (`input_invalid` for a file that is not
/// readable media: empty, corrupt, not media at all; `input_unsupported` for a format that opens
/// other files or URLs, such as an HLS playlist: input_gate.h). Properties the file lacks are
/// absent.
/// Bounded work: at most a few thousand packets are read to count frames of images, and a
/// picture larger than `max_frame_pixels` is not decoded (open_local_input).
std::variant<nlohmann::json, MediaError> probe(const std::filesystem::path& path,
                                               int64_t max_frame_pixels = kMaxFramePixels);

/// The record conditions evaluate on, from a File object (compiler/expr's own JSON mapping).
expr::Record file_record(const nlohmann::json& file);

}  // namespace wfc::media
