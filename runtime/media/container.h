// Output files and the encoders that feed them. A Container is one muxer writing one file (or,
// for HLS, one variant playlist with its segments); several encoder threads write into it, so
// writes are serialised by a mutex. An Encoder sends each packet to one or more (container,
// stream) targets: this is how one audio encode is muxed into every output that needs it.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/media/av_util.h"

namespace wfc::media {

class Container {
 public:
  /// `muxer` is an FFmpeg muxer name (mp4, webm, mov, ipod, mp3, ogg, opus, wav, flac, gif,
  /// webp, image2, avif, hls). nullptr with *error set on failure.
  static std::unique_ptr<Container> create(const std::filesystem::path& path, const char* muxer,
                                           std::string* error);
  ~Container();

  bool needs_global_header() const;
  /// Adds a stream carrying `enc`'s output; returns its index.
  int add_stream(const AVCodecContext* enc);
  /// Before the header: `stream` now carries `enc`'s output (the encoder was reopened).
  void refresh_stream(int stream, const AVCodecContext* enc);
  /// Muxer options (movflags, hls_time...) are consumed here. False with *error on failure.
  bool write_header(AVDictionary** options, std::string* error);
  /// Thread-safe; `pkt` is in `enc_tb` and is consumed. False (and failed()) on a write error.
  bool write(AVPacket* pkt, AVRational enc_tb, int stream);
  /// Writes the trailer and closes the file. False with *error on failure.
  bool finish(std::string* error);

  /// Marks the file as not wanted (its output failed elsewhere): shared encoders skip it.
  void abandon() { failed_ = true; }
  bool failed() const { return failed_; }
  const std::string& failure() const { return failure_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  void describe_stream(AVStream* st, const AVCodecContext* enc);

  std::filesystem::path path_;
  AVFormatContext* fmt_ = nullptr;
  std::mutex mu_;
  bool header_written_ = false;
  bool finished_ = false;
  std::atomic<bool> failed_{false};
  std::string failure_;
};

struct PacketTarget {
  Container* container;
  int stream;
};

/// An opened encoder and where its packets go.
class Encoder {
 public:
  /// Opens the same encoder again with `threads` threads of its own (0: the encoder's choice
  /// for the machine); nullptr with *error on failure.
  using Reopen = std::function<CodecPtr(int threads, std::string* error)>;

  explicit Encoder(CodecPtr ctx) : ctx_(std::move(ctx)) {}
  AVCodecContext* ctx() const { return ctx_.get(); }
  void add_target(PacketTarget t) { targets_.push_back(t); }
  const std::vector<PacketTarget>& targets() const { return targets_; }

  void set_reopen(Reopen reopen) { reopen_ = std::move(reopen); }
  /// Whether set_threads can change the encoder's thread count.
  bool can_set_threads() const { return static_cast<bool>(reopen_); }
  /// Before any frame and before the targets' headers: reopens the encoder with `threads`
  /// threads and refreshes the targets' stream parameters. False with *error on failure (the
  /// encoder opened before is kept).
  bool set_threads(int threads, std::string* error);

  /// Encodes `frame` (nullptr flushes) and writes the packets to every target whose container
  /// has not failed. AVERROR code on an encoder failure.
  int encode(AVFrame* frame);

 private:
  CodecPtr ctx_;
  std::vector<PacketTarget> targets_;
  Reopen reopen_;
};

/// Allocates an encoder context by FFmpeg encoder name; nullptr with *error when this FFmpeg
/// build lacks it.
CodecPtr alloc_encoder(const std::string& name, std::string* error);
/// Opens `ctx` with `options` (AVOptions of the encoder). False with *error on failure.
bool open_encoder(AVCodecContext* ctx, AVDictionary** options, std::string* error);

}  // namespace wfc::media
