// RAII helpers over FFmpeg (see av_util.h).
#include "runtime/media/av_util.h"

extern "C" {
#include <libavutil/dict.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
}

#include <algorithm>
#include <cmath>
#include <vector>

#include "runtime/media/input_gate.h"

namespace wfc::media {

void set_ffmpeg_log_level(int level) { av_log_set_level(level); }

std::string av_error_text(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(err, buf, sizeof buf);
  return buf;
}

InputPtr open_local_input(const std::filesystem::path& path, std::string* error, std::string* kind,
                          int64_t max_frame_pixels) {
  const std::string name = "'" + path.filename().string() + "'";
  if (kind) *kind = "input_invalid";
  // wfc opens the file itself (by a "file:" URL, so a name such as "http:x" or "a|b" stays a
  // plain local path) and hands libavformat that one AVIOContext; the gate refuses the rest.
  std::string url = "file:" + path.string();
  AVDictionary* io_opts = nullptr;
  av_dict_set(&io_opts, "protocol_whitelist", "file", 0);
  AVIOContext* pb = nullptr;
  int err = avio_open2(&pb, url.c_str(), AVIO_FLAG_READ, nullptr, &io_opts);
  av_dict_free(&io_opts);
  if (err < 0) {
    *error = "cannot open " + name + " as media: " + av_error_text(err);
    return nullptr;
  }
  const AVInputFormat* format = nullptr;
  err = av_probe_input_buffer2(pb, &format, url.c_str(), nullptr, 0, 0);
  if (err < 0 || !format) {
    avio_closep(&pb);
    *error =
        "cannot open " + name + " as media: " + av_error_text(err < 0 ? err : AVERROR_INVALIDDATA);
    return nullptr;
  }
  if (const char* what = refused_demuxer(format->name)) {
    avio_closep(&pb);
    if (kind) *kind = "input_unsupported";
    *error = name + " is " + what + " (" + format->name +
             "): wfc does not read input formats that open other files or URLs; give the media "
             "file itself as the input";
    return nullptr;
  }
  AVFormatContext* raw = avformat_alloc_context();
  if (!raw || install_input_gate(raw) < 0) {
    avformat_free_context(raw);
    avio_closep(&pb);
    *error = "out of memory";
    return nullptr;
  }
  raw->pb = pb;
  raw->flags |= AVFMT_FLAG_CUSTOM_IO;
  err = avformat_open_input(&raw, url.c_str(), format, nullptr);
  if (err < 0) {
    avio_closep(&pb);  // avformat_open_input freed the context but not a caller's AVIOContext
    *error = "cannot open " + name + " as media: " + av_error_text(err);
    return nullptr;
  }
  InputPtr in(raw);
  // Reading the streams may decode a frame: a picture size beyond the limit is refused by the
  // decoder before its buffer is allocated.
  std::vector<AVDictionary*> decoder_options(in->nb_streams, nullptr);
  for (AVDictionary*& d : decoder_options)
    av_dict_set_int(&d, "max_pixels", std::max(max_frame_pixels, kMaxFramePixels), 0);
  err = avformat_find_stream_info(in.get(), decoder_options.data());
  for (AVDictionary*& d : decoder_options) av_dict_free(&d);
  if (err < 0) {
    *error = "cannot read the streams of " + name + ": " + av_error_text(err);
    return nullptr;
  }
  return in;
}

int stream_rotation(const AVStream* st) {
  const uint8_t* matrix = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, nullptr);
  if (!matrix) return 0;
  double theta = -std::round(av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix)));
  if (std::isnan(theta)) return 0;
  theta -= 360 * std::floor(theta / 360 + 0.9 / 360);
  int r = static_cast<int>(std::lround(theta / 90.0)) * 90 % 360;
  return r < 0 ? r + 360 : r;
}

int best_stream(const AVFormatContext* fmt, AVMediaType type) {
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    const AVStream* st = fmt->streams[i];
    if (st->codecpar->codec_type != type) continue;
    if (st->disposition & AV_DISPOSITION_ATTACHED_PIC) continue;
    return static_cast<int>(i);
  }
  return -1;
}

}  // namespace wfc::media
