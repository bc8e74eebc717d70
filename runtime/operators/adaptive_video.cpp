// The adaptive_video operator (HLS): every rendition of the ladder is a branch of the same
// decoded frames (one decode for the whole ladder), all encoded with the same fixed keyframe
// interval (the catalog's `segment_seconds`) and no scene-cut keyframes so segments align across
// renditions, one shared audio encode (the catalog's `audio_format`) muxed into every rendition,
// and a master playlist naming each variant with its measured peak and average bandwidth. The
// ladder is the node's `renditions`; the default one (the plan marks it defaulted) leaves out
// renditions taller than the input, or than a top size given with `width`/`height`, which then
// leads the ladder. The `subtitles` tracks (WebVTT files by URL, fetched under the access policy)
// become subtitle renditions of the master playlist: each a one-segment media playlist of its
// WebVTT file, in one SUBTITLES group that every variant names.
#include <cmath>
#include <fstream>
#include <sstream>

#include "compiler/plan/encoder_settings.h"
#include "runtime/media/geometry.h"
#include "runtime/operators/registry.h"

namespace wfc::operators {
namespace {

using namespace media;
using nlohmann::json;
namespace fs = std::filesystem;

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

/// A subtitle rendition: its WebVTT file (in `subs/` of the package) and how players list it.
struct Subtitle {
  std::string file;  // "s0.vtt"
  std::string label, language;
  bool is_default = false;
};

/// A quoted-string attribute of an HLS tag (RFC 8216 §4.2: no '"', CR or LF inside).
std::string quoted(const std::string& v) {
  std::string out = "\"";
  for (char c : v)
    if (c != '"' && c != '\r' && c != '\n') out += c;
  return out + "\"";
}

/// Fetches the node's `subtitles` into `subs`; false, and the output failed, on the first that
/// cannot be fetched or is not WebVTT.
bool fetch_subtitles(const plan::Options& o, OutputWork& w, const fs::path& subs,
                     std::vector<Subtitle>* out) {
  const plan::OptionValue* list = o.find("subtitles");
  if (!list) return true;
  if (!w.pass || !w.pass->fetch) {
    w.fail("internal_error", "this runtime cannot fetch subtitle tracks");
    return false;
  }
  for (size_t i = 0; i < list->items.size(); ++i) {
    const plan::OptionValue& item = list->items[i];
    const plan::OptionValue* url = item.field("url");
    const plan::OptionValue* label = item.field("label");
    const plan::OptionValue* language = item.field("language");
    const plan::OptionValue* is_default = item.field("default");
    std::string where = "subtitles[" + std::to_string(i) + "]";
    fs::path tmp = subs / (".fetch" + std::to_string(i));
    std::string error;
    auto got = w.pass->fetch(url->text, tmp, &error);
    if (!got) {
      w.fail("input_invalid", where + ": " + error);
      return false;
    }
    std::string head(16, '\0');
    std::ifstream(*got, std::ios::binary).read(head.data(), head.size());
    if (head.rfind("\xEF\xBB\xBF", 0) == 0) head.erase(0, 3);
    if (head.rfind("WEBVTT", 0) != 0) {
      w.fail("input_invalid", where + ": '" + url->text + "' is not a WebVTT file");
      return false;
    }
    Subtitle sub;
    sub.file = "s" + std::to_string(i) + ".vtt";
    std::error_code ec;
    fs::rename(*got, subs / sub.file, ec);
    fs::remove_all(tmp, ec);
    sub.language = language ? language->text : "";
    sub.label = label                   ? label->text
                : !sub.language.empty() ? sub.language
                                        : "Subtitles " + std::to_string(i + 1);
    sub.is_default = is_default && is_default->boolean;
    out->push_back(sub);
  }
  return true;
}

/// Writes each subtitle's media playlist beside it and returns the master playlist's lines.
std::string subtitle_media(const std::vector<Subtitle>& subs, const fs::path& dir,
                           double duration) {
  std::string lines;
  for (size_t i = 0; i < subs.size(); ++i) {
    std::string name = "s" + std::to_string(i) + ".m3u8";
    std::ofstream(dir / "subs" / name)
        << "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:"
        << static_cast<int64_t>(std::ceil(std::max(duration, 1.0)))
        << "\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:"
        << std::max(duration, 1.0) << ",\n"
        << subs[i].file << "\n#EXT-X-ENDLIST\n";
    lines += "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",NAME=" + quoted(subs[i].label) +
             (subs[i].language.empty() ? "" : ",LANGUAGE=" + quoted(subs[i].language)) +
             ",DEFAULT=" + (subs[i].is_default ? "YES" : "NO") + ",AUTOSELECT=YES,URI=\"subs/" +
             name + "\"\n";
  }
  return lines;
}

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
  const plan::Options& o = *w.options;
  auto fail = [&](std::string kind, std::string message) { w.fail(kind, message); };
  double aspect = static_cast<double>(in.width) / in.height;
  const plan::OptionValue* renditions = o.find("renditions");
  bool by_default = !renditions || renditions->defaulted;
  std::vector<Rung> ladder;
  int top = in.height;
  if (by_default && (o.has("width") || o.has("height"))) {
    std::string error;
    auto geo = plan_geometry(o, in.width, in.height, true, false, &error);
    if (!geo) return fail("options_invalid", error);
    ladder.push_back(sized(geo->width, geo->height));
    top = geo->height;
  }
  for (const plan::OptionValue& r :
       renditions ? renditions->items : std::vector<plan::OptionValue>{}) {
    const plan::OptionValue* height = r.field("height");
    const plan::OptionValue* width = r.field("width");
    const plan::OptionValue* bitrate = r.field("bitrate");
    const plan::OptionValue* codec = r.field("codec");
    int h = height ? static_cast<int>(height->integer) : in.height;
    if (by_default && (h > in.height || (!ladder.empty() && h >= top))) continue;
    Rung rung;
    rung.height = even(h);
    rung.width = width ? even(static_cast<double>(width->integer)) : even(rung.height * aspect);
    rung.bitrate = bitrate ? bitrate->integer : 0;
    rung.codec = codec ? codec->text : "h264";
    ladder.push_back(rung);
  }
  if (ladder.empty()) ladder.push_back(sized(even(in.width), even(in.height)));
  fs::path dir = w.spec->out_dir / w.spec->id();
  auto max_fps = kind_number(w, "max_fps");
  auto segment = kind_number(w, "segment_seconds");
  auto audio_format = kind_text(w, "audio_format");
  if (!max_fps || !segment || !audio_format) return;
  AVRational fps = output_fps(in, std::nullopt, max_fps);
  int segment_seconds = static_cast<int>(*segment);
  int gop = std::max(1, static_cast<int>(std::lround(av_q2d(fps) * segment_seconds)));
  const std::string& quality = o.text("quality");
  std::string rate = "fps=" + std::to_string(fps.num) + "/" + std::to_string(fps.den);
  // Every rung within the limits, before anything of the ladder is created.
  for (size_t i = 0; i < ladder.size(); ++i) {
    const Rung& rung = ladder[i];
    std::string what =
        "rendition " + std::to_string(i + 1) + " of " + std::to_string(ladder.size());
    if (!admit_picture(w, set, in, rung.width, rung.height,
                       video_encoder_bytes(rung.width, rung.height),
                       double(rung.width) * rung.height * av_q2d(fps), what))
      return;
  }
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
                                     {{"hls_time", std::to_string(segment_seconds)},
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
      auto a = plan::audio_encoder_settings(*audio_format, quality);
      if (!a) return fail("internal_error", "no audio encoder for '" + *audio_format + "'");
      if (!shared_audio(in, set, std::string(a->encoder), a->bitrate, 0, std::nullopt, out, w.index,
                        &error))
        return fail("encode_failed", error);
    }
  }
  w.extra_files.push_back(dir);
  std::vector<Subtitle> subs;
  if (o.has("subtitles")) {
    std::error_code ec;
    fs::create_directories(dir / "subs", ec);
    if (!fetch_subtitles(o, w, dir / "subs", &subs)) return;
  }
  w.collect = [ladder, dir, fps, subs, in_duration = in.duration](OutputWork&, std::string* error) {
    std::ostringstream m;
    m << "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n";
    m << subtitle_media(subs, dir, in_duration);
    for (size_t i = 0; i < ladder.size(); ++i) {
      auto [peak, avg] = measure_variant(ladder[i].playlist);
      char rate[32];
      snprintf(rate, sizeof rate, "%.3f", av_q2d(fps));
      m << "#EXT-X-STREAM-INF:BANDWIDTH=" << peak << ",AVERAGE-BANDWIDTH=" << avg
        << ",RESOLUTION=" << ladder[i].width << "x" << ladder[i].height << ",FRAME-RATE=" << rate
        << (subs.empty() ? "" : ",SUBTITLES=\"subs\"") << "\n"
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
              {"renditions", ladder.size()},
              {"subtitles", subs.size()}};
    if (in_duration > 0) f["duration"] = in_duration;
    return std::vector<json>{f};
  };
}

}  // namespace wfc::operators
