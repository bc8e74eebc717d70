// Small RAII owners and helpers over the FFmpeg C API shared by probe and the pass engine: owning
// pointers with the right free function, error text, and opening a local file for demuxing
// through the input gate (input_gate.h: libavformat reads that file and nothing else).
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
}

#include <filesystem>
#include <memory>
#include <string>

#include "runtime/media/probe.h"

namespace wfc::media {

/// Closes an input and, when wfc opened its AVIOContext (open_local_input), that too.
struct InputCloser {
  void operator()(AVFormatContext* c) const {
    AVIOContext* pb = c && (c->flags & AVFMT_FLAG_CUSTOM_IO) ? c->pb : nullptr;
    avformat_close_input(&c);
    avio_closep(&pb);
  }
};
struct CodecCloser {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFreer {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct GraphFreer {
  void operator()(AVFilterGraph* g) const { avfilter_graph_free(&g); }
};

using InputPtr = std::unique_ptr<AVFormatContext, InputCloser>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecCloser>;
using FramePtr = std::unique_ptr<AVFrame, FrameFreer>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;
using GraphPtr = std::unique_ptr<AVFilterGraph, GraphFreer>;

/// Sets how much the FFmpeg libraries log to stderr (AV_LOG_ERROR, AV_LOG_INFO...). Their log
/// level is process-wide by FFmpeg's design; the CLI and tests choose it, the engine never does.
void set_ffmpeg_log_level(int level);

/// FFmpeg's text for an AVERROR code.
std::string av_error_text(int err);

/// Opens `path` for demuxing and reads its stream info, through the input gate (input_gate.h):
/// libavformat reads that one file and no other file or URL. On failure returns nullptr, sets
/// *error to a message naming the file and, when given, *kind to `input_unsupported` for a
/// format the gate refuses (a playlist, a manifest, a script) or `input_invalid` otherwise.
/// Reading the streams may decode a frame: a picture beyond `max_frame_pixels` is refused by
/// the decoder before its buffer is allocated. That limit is never taken below the default
/// (kMaxFramePixels): a picture over a lowered limit is still measured, so the caller can name
/// its size when it refuses it.
InputPtr open_local_input(const std::filesystem::path& path, std::string* error,
                          std::string* kind = nullptr, int64_t max_frame_pixels = kMaxFramePixels);

/// The display rotation of a stream in degrees clockwise (0, 90, 180, 270), from its display
/// matrix side data, as the ffmpeg CLI's autorotate reads it.
int stream_rotation(const AVStream* st);

/// The first stream of `type` that is real media (an attached cover picture is not video).
int best_stream(const AVFormatContext* fmt, AVMediaType type);

}  // namespace wfc::media
