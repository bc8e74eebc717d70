// The adaptive_video operator (HLS): every rendition of the ladder is a branch of the same
// decoded frames (one decode for the whole ladder), all encoded with the same fixed keyframe
// interval and no scene-cut keyframes so segments align across renditions, one shared AAC
// encode muxed into every rendition, and a master playlist naming each variant with its
// measured peak and average bandwidth.
#include <cmath>
#include <fstream>
#include <sstream>

#include "compiler/plan/encoder_settings.h"
#include "runtime/media/operators.h"
#include "runtime/media/options.h"

namespace wfc::media {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr int kSegmentSeconds = 2;
constexpr int kDefaultLadder[] = {1080, 720, 480, 360};

struct Rung {
  int width = 0, height = 0;
  int64_t bitrate = 0;
  std::string codec = "h264";
  fs::path playlist;
};

Rung sized(int width, int height) {
  Rung r;
  r.width = width;
  r.height = height;
  return r;
}

int even(double v) { return std::max(2, static_cast<int>(std::lround(v / 2)) * 2); }

/// Peak and average bits per second of a variant playlist, from its segments' sizes and
/// EXTINF durations.
std::pair<int64_t, int64_t> measure_variant(const fs::path& playlist) {
  std::ifstream in(playlist);
  std::string line;
  double seg = 0, total_time = 0, peak = 0;
  uintmax_t total_bytes = 0;
  while (std::getline(in, line)) {
    if (line.rfind("#EXTINF:", 0) == 0) {
      seg = std::atof(line.c_str() + 8);
    } else if (!line.empty() && line[0] != '#') {
      std::error_code ec;
      uintmax_t size = fs::file_size(playlist.parent_path() / line, ec);
      if (ec || seg <= 0) continue;
      peak = std::max(peak, size * 8 / seg);
      total_bytes += size;
      total_time += seg;
    }
  }
  int64_t avg = total_time > 0 ? std::llround(total_bytes * 8 / total_time) : 0;
  return {std::llround(peak), avg};
}

}  // namespace

void build_adaptive_video(const InputInfo& in, OutputWork& w, BranchSet& set) {
  const json& o = w.options;
  auto fail = [&](std::string kind, std::string message) {
    if (!w.error) w.error = MediaError{std::move(kind), std::move(message)};
  };
  double aspect = static_cast<double>(in.width) / in.height;
  std::vector<Rung> ladder;
  if (o.contains("renditions") && o["renditions"].is_array()) {
    for (const json& r : o["renditions"]) {
      Rung rung;
      rung.height = even(r.value("height", 360));
      rung.width = r.contains("width") ? even(r.value("width", 640)) : even(rung.height * aspect);
      rung.bitrate = r.value("bitrate", int64_t{0});
      rung.codec = r.value("codec", "h264");
      ladder.push_back(rung);
    }
  } else {
    int top = in.height;
    std::string error;
    if (o.contains("width") || o.contains("height")) {
      auto geo = plan_geometry(o, in.width, in.height, true, false, &error);
      if (!geo) return fail("options_invalid", error);
      ladder.push_back(sized(geo->width, geo->height));
      top = geo->height;
    }
    for (int h : kDefaultLadder) {
      if (h > in.height || (!ladder.empty() && h >= top)) continue;
      ladder.push_back(sized(even(h * aspect), h));
    }
    if (ladder.empty()) ladder.push_back(sized(even(in.width), even(in.height)));
  }
  fs::path dir = w.spec->out_dir / w.spec->id;
  AVRational fps = output_fps(in, json::object(), 60);
  int gop = std::max(1, static_cast<int>(std::lround(av_q2d(fps) * kSegmentSeconds)));
  std::string quality = o.value("quality", "medium");
  std::string rate = "fps=" + std::to_string(fps.num) + "/" + std::to_string(fps.den);
  for (size_t i = 0; i < ladder.size(); ++i) {
    Rung& rung = ladder[i];
    fs::path vdir = dir / ("v" + std::to_string(i));
    std::error_code ec;
    fs::create_directories(vdir, ec);
    rung.playlist = vdir / "index.m3u8";
    std::string error;
    auto container = Container::create(rung.playlist, "hls", &error);
    if (!container) return fail("encode_failed", error);
    Container* out = w.add_container(std::move(container),
                                     {{"hls_time", std::to_string(kSegmentSeconds)},
                                      {"hls_playlist_type", "vod"},
                                      {"hls_flags", "independent_segments"},
                                      {"hls_segment_filename", (vdir / "seg_%03d.ts").string()}});
    VideoEncodeParams p;
    p.codec = rung.codec;
    p.quality = quality;
    p.bitrate = rung.bitrate;
    p.width = rung.width;
    p.height = rung.height;
    p.fps = fps;
    p.gop = gop;
    std::string scale = "scale=" + std::to_string(rung.width) + ":" + std::to_string(rung.height) +
                        ":flags=bicubic,setsar=1";
    std::string rot = rotation_filters(in.rotation);
    std::string filters = (rot.empty() ? "" : rot + ",") + rate + "," + scale;
    if (!add_video_encode(in, set, filters, p, out, w.index, &error))
      return fail("encode_failed", error);
    if (in.audio) {
      auto a = plan::audio_encoder_settings("aac", quality);
      if (!shared_audio(in, set, std::string(a->encoder), a->bitrate, 0, std::nullopt, out, w.index,
                        &error))
        return fail("encode_failed", error);
    }
  }
  w.extra_files.push_back(dir);
  w.collect = [ladder, dir, fps, in_duration = in.duration](OutputWork&, std::string* error) {
    std::ostringstream m;
    m << "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n";
    for (size_t i = 0; i < ladder.size(); ++i) {
      auto [peak, avg] = measure_variant(ladder[i].playlist);
      char rate[32];
      snprintf(rate, sizeof rate, "%.3f", av_q2d(fps));
      m << "#EXT-X-STREAM-INF:BANDWIDTH=" << peak << ",AVERAGE-BANDWIDTH=" << avg
        << ",RESOLUTION=" << ladder[i].width << "x" << ladder[i].height << ",FRAME-RATE=" << rate
        << "\n"
        << "v" << i << "/index.m3u8\n";
    }
    fs::path master = dir / "master.m3u8";
    std::ofstream(master) << m.str();
    std::error_code ec;
    auto size = fs::file_size(master, ec);
    if (ec) {
      *error = "cannot write '" + master.string() + "'";
      return std::vector<json>{};
    }
    json f = {{"object", "file"},
              {"kind", "playlist"},
              {"type", "application/vnd.apple.mpegurl"},
              {"format", "hls"},
              {"filename", (dir.filename() / "master.m3u8").string()},
              {"filesize", static_cast<int64_t>(size)},
              {"width", ladder[0].width},
              {"height", ladder[0].height},
              {"renditions", ladder.size()}};
    if (in_duration > 0) f["duration"] = in_duration;
    return std::vector<json>{f};
  };
}

}  // namespace wfc::media
