// RAII helpers over FFmpeg (see av_util.h).
#include "runtime/media/av_util.h"

extern "C" {
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
}

#include <cmath>

namespace wfc::media {

void set_ffmpeg_log_level(int level) { av_log_set_level(level); }

std::string av_error_text(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(err, buf, sizeof buf);
  return buf;
}

InputPtr open_local_input(const std::filesystem::path& path, std::string* error) {
  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) {
    *error = "out of memory";
    return nullptr;
  }
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "protocol_whitelist", "file", 0);
  // Opening by a "file:" URL keeps a name such as "http:x" or "a|b" a plain local path.
  std::string url = "file:" + path.string();
  int err = avformat_open_input(&raw, url.c_str(), nullptr, &opts);
  av_dict_free(&opts);
  if (err < 0) {
    *error = "cannot open '" + path.filename().string() + "' as media: " + av_error_text(err);
    return nullptr;  // avformat_open_input freed the context
  }
  InputPtr in(raw);
  err = avformat_find_stream_info(in.get(), nullptr);
  if (err < 0) {
    *error = "cannot read the streams of '" + path.filename().string() + "': " + av_error_text(err);
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
