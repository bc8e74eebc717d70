// Probe (see probe.h). Names follow what users and conditions expect rather than FFmpeg's
// internal ones: `format` is "mp4" not "mov,mp4,m4a,3gp,3g2,mj2", `codecs.video` is the codec
// name ("h264", "hevc"), and width/height are as displayed (after rotation).
#include "runtime/media/probe.h"

extern "C" {
#include <libavutil/pixdesc.h>
}

#include <cmath>
#include <cstring>
#include <fstream>
#include <system_error>

#include "compiler/expr/schema.h"
#include "runtime/media/av_util.h"

namespace wfc::media {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool contains(const char* list, const char* name) {
  // FFmpeg demuxer names are comma-separated lists ("mov,mp4,m4a,3gp,3g2,mj2").
  std::string s = std::string(",") + list + ",";
  return s.find(std::string(",") + name + ",") != std::string::npos;
}

std::string lower_extension(const fs::path& p) {
  std::string e = p.extension().string();
  if (!e.empty()) e.erase(0, 1);
  for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

/// The user-facing container or image format and whether it is an image format.
std::string format_name(const AVFormatContext* fmt, const fs::path& path, bool* image) {
  const char* name = fmt->iformat->name;
  std::string ext = lower_extension(path);
  *image = false;
  struct ImageFormat {
    const char* demuxer;
    const char* format;
  };
  static const ImageFormat kImages[] = {
      {"png_pipe", "png"}, {"apng", "png"},        {"jpeg_pipe", "jpeg"}, {"webp_pipe", "webp"},
      {"gif", "gif"},      {"bmp_pipe", "bmp"},    {"tiff_pipe", "tiff"}, {"image2", ""},
      {"avif", "avif"},    {"jpegxl_pipe", "jxl"}, {"webp", "webp"}};
  for (const ImageFormat& f : kImages) {
    if (std::strcmp(name, f.demuxer) == 0) {
      *image = true;
      if (*f.format) return f.format;
      return ext == "jpg" ? "jpeg" : ext;
    }
  }
  if (contains(name, "mp4")) {
    const AVDictionaryEntry* brand = av_dict_get(fmt->metadata, "major_brand", nullptr, 0);
    if (brand && std::strncmp(brand->value, "qt", 2) == 0) return "mov";
    if (brand && (std::strncmp(brand->value, "avif", 4) == 0 ||
                  std::strncmp(brand->value, "avis", 4) == 0)) {
      *image = true;
      return "avif";
    }
    if (ext == "m4a" || ext == "mov") return ext;
    return "mp4";
  }
  if (contains(name, "webm")) return ext == "mkv" ? "mkv" : "webm";
  if (std::strcmp(name, "ogg") == 0) return ext == "opus" ? "opus" : "ogg";
  if (std::strcmp(name, "mpegts") == 0) return "ts";
  if (std::strcmp(name, "aac") == 0) return "aac";
  // Other demuxers name one format ("mp3", "wav", "flac", "avi"): take the first name.
  std::string first = name;
  return first.substr(0, first.find(','));
}

std::string mime_type(const std::string& format, const std::string& kind) {
  static const std::pair<const char*, const char*> kMime[] = {
      {"mp4", "video/mp4"},        {"mov", "video/quicktime"}, {"webm", "video/webm"},
      {"mkv", "video/x-matroska"}, {"ts", "video/mp2t"},       {"avi", "video/x-msvideo"},
      {"m4a", "audio/mp4"},        {"mp3", "audio/mpeg"},      {"aac", "audio/aac"},
      {"ogg", "audio/ogg"},        {"opus", "audio/ogg"},      {"wav", "audio/wav"},
      {"flac", "audio/flac"},      {"png", "image/png"},       {"jpeg", "image/jpeg"},
      {"webp", "image/webp"},      {"gif", "image/gif"},       {"avif", "image/avif"},
      {"bmp", "image/bmp"},        {"tiff", "image/tiff"},     {"jxl", "image/jxl"}};
  for (const auto& [f, m] : kMime) {
    if (format == f) {
      // An Ogg or MP4 without video is audio; a WebM with only audio is audio/webm.
      if (kind == "audio" && format == "mp4") return "audio/mp4";
      if (kind == "audio" && format == "webm") return "audio/webm";
      return m;
    }
  }
  return "application/octet-stream";
}

/// Counts the frames of an animated WebP by its ANMF chunks (FFmpeg 5.1 does not demux
/// animated WebP). Returns 0 when the file is not a RIFF WebP.
int64_t webp_frames(const fs::path& path, bool* alpha) {
  std::ifstream in(path, std::ios::binary);
  char head[12];
  if (!in.read(head, 12) || std::memcmp(head, "RIFF", 4) || std::memcmp(head + 8, "WEBP", 4))
    return 0;
  int64_t frames = 0;
  bool still = false;
  char chunk[8];
  for (int guard = 0; guard < 1000000 && in.read(chunk, 8); ++guard) {
    uint32_t size = static_cast<uint8_t>(chunk[4]) | static_cast<uint8_t>(chunk[5]) << 8 |
                    static_cast<uint8_t>(chunk[6]) << 16 |
                    static_cast<uint32_t>(static_cast<uint8_t>(chunk[7])) << 24;
    if (std::memcmp(chunk, "ANMF", 4) == 0) ++frames;
    if (std::memcmp(chunk, "VP8 ", 4) == 0 || std::memcmp(chunk, "VP8L", 4) == 0) still = true;
    if (std::memcmp(chunk, "ALPH", 4) == 0) *alpha = true;
    if (std::memcmp(chunk, "VP8X", 4) == 0) {
      char flags = 0;
      in.read(&flags, 1);
      if (flags & 0x10) *alpha = true;
      in.seekg(-1, std::ios::cur);
    }
    if (std::memcmp(chunk, "VP8L", 4) == 0) {
      char b[5] = {0};
      in.read(b, 5);  // signature + 14-bit w/h: the alpha hint is bit 28 of the 32 bits
      if (static_cast<uint8_t>(b[4]) & 0x10) *alpha = true;
      in.seekg(-5, std::ios::cur);
    }
    in.seekg(size + (size & 1), std::ios::cur);
  }
  return frames ? frames : (still ? 1 : 0);
}

/// Frames of an image file by reading its packets (GIF, APNG): bounded by `limit`.
int64_t count_packets(AVFormatContext* fmt, int stream, int64_t limit) {
  PacketPtr pkt(av_packet_alloc());
  int64_t n = 0;
  while (n < limit && av_read_frame(fmt, pkt.get()) >= 0) {
    if (pkt->stream_index == stream) ++n;
    av_packet_unref(pkt.get());
  }
  return n;
}

}  // namespace

std::variant<json, MediaError> probe(const fs::path& path, int64_t max_frame_pixels) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return MediaError{"input_invalid", "cannot read '" + path.filename().string() + "'"};
  if (size == 0)
    return MediaError{"input_invalid", "'" + path.filename().string() + "' is empty (0 bytes)"};
  std::string error, error_kind;
  InputPtr fmt = open_local_input(path, &error, &error_kind, max_frame_pixels);
  if (!fmt) return MediaError{error_kind, error};

  int vi = best_stream(fmt.get(), AVMEDIA_TYPE_VIDEO);
  int ai = best_stream(fmt.get(), AVMEDIA_TYPE_AUDIO);
  if (vi < 0 && ai < 0) {
    return MediaError{"input_invalid",
                      "'" + path.filename().string() + "' has no audio or video stream"};
  }
  bool image = false;
  std::string format = format_name(fmt.get(), path, &image);
  std::string kind = vi >= 0 ? (image ? "image" : "video") : "audio";

  json f = {{"object", "file"}, {"kind", kind}, {"format", format}};
  f["type"] = mime_type(format, kind);
  f["filesize"] = static_cast<int64_t>(size);
  f["filename"] = path.filename().string();
  f["has_video"] = vi >= 0;
  f["has_audio"] = ai >= 0;
  double duration = fmt->duration > 0 ? fmt->duration / static_cast<double>(AV_TIME_BASE) : 0;

  if (vi >= 0) {
    const AVStream* st = fmt->streams[vi];
    const AVCodecParameters* par = st->codecpar;
    int rotation = stream_rotation(st);
    int w = par->width, h = par->height;
    if (rotation == 90 || rotation == 270) std::swap(w, h);
    f["width"] = w;
    f["height"] = h;
    f["rotation"] = rotation;
    f["orientation"] = w > h ? "landscape" : (w < h ? "portrait" : "square");
    f["codecs"]["video"] = avcodec_get_name(par->codec_id);
    const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(par->format));
    bool alpha = desc && (desc->flags & AV_PIX_FMT_FLAG_ALPHA);
    AVRational rate = st->avg_frame_rate.num > 0 ? st->avg_frame_rate : st->r_frame_rate;
    int64_t frames = st->nb_frames;
    if (format == "webp") frames = std::max<int64_t>(webp_frames(path, &alpha), 1);
    if (image && format != "webp") frames = count_packets(fmt.get(), vi, 100000);
    if (frames <= 0 && rate.num > 0 && duration > 0) frames = std::llround(duration * av_q2d(rate));
    if (frames > 0) f["frames"] = frames;
    f["transparency"] = alpha;
    if (image) {
      f["animated"] = frames > 1;
    } else if (rate.num > 0 && rate.den > 0) {
      f["fps"] = std::round(av_q2d(rate) * 1000) / 1000;
    }
  }
  if (ai >= 0) {
    const AVCodecParameters* par = fmt->streams[ai]->codecpar;
    f["codecs"]["audio"] = avcodec_get_name(par->codec_id);
    f["channels"] = par->ch_layout.nb_channels;
    f["sample_rate"] = par->sample_rate;
    const AVDictionaryEntry* lang = av_dict_get(fmt->streams[ai]->metadata, "language", nullptr, 0);
    if (lang && std::strcmp(lang->value, "und") != 0) f["language"] = lang->value;
  }
  if (duration > 0 && (kind != "image" || f.value("animated", false))) f["duration"] = duration;
  int64_t bitrate = fmt->bit_rate;
  if (bitrate <= 0 && duration > 0) bitrate = std::llround(size * 8 / duration);
  if (bitrate > 0 && kind != "image") f["bitrate"] = bitrate;
  json metadata = json::object();
  const AVDictionaryEntry* tag = nullptr;
  while ((tag = av_dict_get(fmt->metadata, "", tag, AV_DICT_IGNORE_SUFFIX)))
    metadata[tag->key] = tag->value;
  f["metadata"] = metadata;
  return f;
}

expr::Record file_record(const json& file) {
  return expr::Record::from_json(expr::Schema::builtin(expr::Domain::File), file);
}

}  // namespace wfc::media
