// The bounds on the work one media pass may do (issue 19, points 4 and 6): what a file claims
// (its duration, its picture size) and what a task asks for (output sizes, upscaling, tiles) are
// checked against these before anything is allocated, and the pass's memory is a budget that
// grows only by what is actually decoded. The numbers, and why each is what it is, are here and
// in docs/security.md ("Bounded work"); `wfc run` and `wfc serve` change them with
// `--media-limit NAME=VALUE` / WFC_MEDIA_LIMITS (parse_limit).
//
// Errors: a claim or a size beyond a limit is `input_invalid`; a budget of the pass (outputs,
// pixel rate, memory) or the upscale factor exceeded is `limit_exceeded`. Each message names the
// claim or request, the limit, and what changes it.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/media/probe.h"

namespace wfc::media {

struct Limits {
  /// Width or height of any output picture, px. The catalog allows 7680 per option; a percentage
  /// or `fit` never goes past 16384, which is also what most image decoders accept.
  int max_side = 16384;
  /// Pixels of one frame, decoded (the decoder refuses larger frames: AVCodecContext max_pixels)
  /// or encoded: 8192×8192 (67 Mpx, twice 8K UHD). A 60000×60000 PNG header is refused before
  /// its 14 GB are allocated.
  int64_t max_frame_pixels = kMaxFramePixels;
  /// A duration the file claims, when something is sized by it (thumbnails' tiles): 7 days.
  double max_claimed_duration = 7 * 24 * 3600.0;
  /// Tiles of one thumbnails task: 10,000 (an hour at the 1 s default interval is 3,600).
  int64_t max_tiles = 10000;
  /// Pixels of one sprite sheet (it is held whole, RGB or YUV 4:4:4: 3 bytes a pixel):
  /// 8192×8192, 192 MiB.
  int64_t max_sheet_pixels = 8192LL * 8192;
  /// Outputs of one pass (the media tasks a run decodes one file for): 32.
  int max_outputs = 32;
  /// Output pixels per second summed over the video outputs of one pass: 2.0e9, four 2160p60
  /// encodes (a full HLS ladder from 2160p60 is about 1.0e9).
  double max_pixel_rate = 2.0e9;
  /// Memory one pass may hold, estimated (the *_bytes functions below) before anything is
  /// allocated and counted while a GIF's clip grows: 6 GiB (three 2160p x264 encodes at once,
  /// or a 2160p HLS ladder with room to spare).
  int64_t max_memory = int64_t{6} << 30;
  /// How much larger than the input (per side) an output may be without `upscale: true`: 2×.
  double max_upscale = 2.0;
};

/// Sets one limit from "NAME=VALUE" (names as in docs/security.md: max_side, max_frame_pixels,
/// max_claimed_duration, max_tiles, max_sheet_pixels, max_outputs, max_pixel_rate, max_memory,
/// max_upscale; max_memory takes K/M/G/Ki/Mi/Gi suffixes). False with *error naming the entry.
bool parse_limit(Limits& limits, std::string_view entry, std::string* error);
/// Every entry of a comma-separated list (WFC_MEDIA_LIMITS), in order.
bool parse_limits(Limits& limits, std::string_view list, std::string* error);

/// Bytes as a message shows them: "4 GiB", "192 MiB", "512 KiB".
std::string bytes_text(int64_t bytes);

/// What a pass may still allocate: outputs reserve their estimates while being built (one
/// thread), branches grow their buffers while running (any thread).
class MemoryBudget {
 public:
  explicit MemoryBudget(int64_t limit) : limit_(limit) {}
  /// Adds `bytes` when the total stays within the limit; false (nothing added) otherwise.
  bool reserve(int64_t bytes);
  void release(int64_t bytes) { used_ -= bytes; }
  int64_t used() const { return used_; }
  int64_t limit() const { return limit_; }

 private:
  int64_t limit_;
  std::atomic<int64_t> used_{0};
};

// The memory estimate, from the picture sizes the decoder and the encoders actually use.

/// A decoded input stream: the frames its decoder's pool and the branches' queues (8 each) may
/// hold, 16 frames at 4 bytes a pixel.
int64_t decoded_stream_bytes(int width, int height);
/// A video encoder with its filters: 192 bytes per output pixel, measured with x264's medium
/// preset (lookahead, references, frame threads): 1.6 GB at 3840×2160, 0.5 GB at 1920×1080.
int64_t video_encoder_bytes(int width, int height);
/// A picture encoder (one image) with its filters: 4 frames of 4 bytes a pixel.
int64_t picture_encoder_bytes(int width, int height);

/// The picture limits for an output of out_w×out_h from an input of in_w×in_h (as displayed):
/// sides and frame pixels (`input_invalid`), then the upscale factor unless `upscale` is set
/// (`limit_exceeded`). `what` names the output in the message ("output", "rendition 2").
std::optional<MediaError> check_picture(const Limits& limits, int out_w, int out_h, int in_w,
                                        int in_h, bool upscale, std::string_view what);

}  // namespace wfc::media
