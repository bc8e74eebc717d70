// Helpers for the [media] tests: small media generated at test time with the ffmpeg CLI's lavfi
// sources (each sample made once per test binary run, in one temporary directory), running a
// pass, probing its outputs, and comparing pictures (PSNR by the CLI's psnr filter, used here
// only as a reference, never by the runtime).
#pragma once

#include <unistd.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "runtime/media/av_util.h"
#include "runtime/media/pass.h"
#include "runtime/media/probe.h"
#include "runtime/operators/standalone.h"

namespace wfc::test {

namespace fs = std::filesystem;
using nlohmann::json;

/// The directory of generated samples, removed when the test binary exits.
inline const fs::path& media_dir() {
  static const fs::path dir = [] {
    std::string tmpl = (fs::temp_directory_path() / "wfc-media-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    static struct Cleanup {
      fs::path p;
      ~Cleanup() {
        std::error_code ec;
        fs::remove_all(p, ec);
      }
    } cleanup{tmpl};
    return fs::path(tmpl);
  }();
  return dir;
}

/// ffmpeg arguments that make each named sample (all ≤ 6 s, ≤ 320×240 but for one 1 s of 720p,
/// and slow.mp4, which is made to be slow).
inline const std::map<std::string, std::string>& sample_recipes() {
  static const std::map<std::string, std::string> r = {
      // 2 s of 320×240 at 25 fps with a stereo 44.1 kHz tone: the general video input.
      {"av.mp4",
       "-f lavfi -i testsrc2=size=320x240:rate=25:duration=2 -f lavfi -i "
       "sine=frequency=440:sample_rate=44100:duration=2 -ac 2 -c:v libx264 -preset ultrafast "
       "-pix_fmt yuv420p -c:a aac -shortest"},
      // Detailed moving noise: an encoder needs many bits for it (bitrate cap tests).
      {"noise.mp4",
       "-f lavfi -i testsrc2=size=320x240:rate=25:duration=4,noise=alls=60:allf=t -c:v libx264 "
       "-preset ultrafast -crf 10 -pix_fmt yuv420p"},
      {"tone.wav", "-f lavfi -i sine=frequency=440:sample_rate=48000:duration=2 -ac 2"},
      {"still.png", "-f lavfi -i testsrc2=size=200x100:rate=1 -frames:v 1"},
      // Stored 320×240 with a display matrix turning it a quarter (FFmpeg 5.1 writes one
      // from the `rotate` tag only when copying the stream).
      {"rotated.mp4", "-i {av.mp4} -t 1 -c copy -metadata:s:v:0 rotate=90"},
      // 1 s of black, then 1 s of picture: a cut at 1 s for frame selection.
      {"cut.mp4",
       "-f lavfi -i color=black:size=320x240:rate=25:duration=1 -f lavfi -i "
       "testsrc2=size=320x240:rate=25:duration=1 -filter_complex [0][1]concat=n=2:v=1 "
       "-c:v libx264 -preset ultrafast -pix_fmt yuv420p"},
      // 1 s of 720p: large enough that renditions of it scale in a cascade (scale_tap.cpp).
      {"hd.mp4",
       "-f lavfi -i testsrc2=size=1280x720:rate=25:duration=1 -f lavfi -i "
       "sine=frequency=440:sample_rate=44100:duration=1 -ac 2 -c:v libx264 -preset ultrafast "
       "-pix_fmt yuv420p -c:a aac -shortest"},
      // 6 s at a low resolution for the HLS ladder (several 2 s segments).
      {"long.mp4",
       "-f lavfi -i testsrc2=size=320x180:rate=25:duration=6 -f lavfi -i "
       "sine=frequency=300:sample_rate=44100:duration=6 -c:v libx264 -preset ultrafast "
       "-pix_fmt yuv420p -c:a aac -shortest"},
      // 20 s of 640×360, no audio: an h265 very_high encode of it takes long enough to cancel or
      // interrupt the run while it is in progress.
      {"slow.mp4",
       "-f lavfi -i testsrc2=size=640x360:rate=30:duration=20 -c:v libx264 -preset ultrafast "
       "-pix_fmt yuv420p"},
  };
  return r;
}

/// The path of a generated sample, made on first use ("{name}" in a recipe is another sample).
inline fs::path sample(const std::string& name) {
  static std::recursive_mutex mu;
  std::lock_guard lock(mu);
  wfc::media::set_ffmpeg_log_level(AV_LOG_ERROR);  // the libraries' chatter is not test output
  fs::path p = media_dir() / name;
  if (fs::exists(p)) return p;
  auto it = sample_recipes().find(name);
  REQUIRE(it != sample_recipes().end());
  std::string args = it->second;
  if (auto open = args.find('{'); open != std::string::npos) {
    auto close = args.find('}', open);
    std::string dep = args.substr(open + 1, close - open - 1);
    args.replace(open, close - open + 1, "'" + sample(dep).string() + "'");
  }
  std::string cmd = "ffmpeg -nostdin -v error -y " + args + " '" + p.string() + "'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return p;
}

/// Writes `bytes` as a file in the sample directory (bad inputs).
inline fs::path write_sample(const std::string& name, const std::string& bytes) {
  fs::path p = media_dir() / name;
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

/// A fresh output directory under the sample directory.
inline fs::path out_dir(const std::string& name) {
  fs::path p = media_dir() / ("out-" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

inline json probe_ok(const fs::path& p) {
  auto r = media::probe(p);
  if (auto* e = std::get_if<media::MediaError>(&r)) FAIL(p.string() << ": " << e->message);
  return std::get<json>(r);
}

/// An output of a pass: a `kind` task with `options`, planned as a one-task workflow would be
/// (runtime/operators/standalone.h); the options must check.
inline media::OutputSpec output(const std::string& id, const std::string& kind, const json& options,
                                const fs::path& dir) {
  std::string error;
  auto spec = operators::standalone_output(id, kind, options, dir, &error);
  INFO(kind << " " << options.dump() << ": " << error);
  REQUIRE(spec);
  return std::move(*spec);
}

/// An output as the fused tests list them, before it has a directory.
struct OutputDecl {
  std::string id, kind;
  json options;
};

/// Runs a pass of one output and returns its result, requiring success.
inline media::OutputResult run_one(const fs::path& input, const std::string& kind,
                                   const json& options, const std::string& id = "out") {
  media::PassSpec spec;
  spec.input = input;
  spec.outputs.push_back(output(id, kind, options, out_dir(id)));
  media::PassResult r = media::run_pass(spec);
  REQUIRE(r.outputs.size() == 1);
  INFO(kind << " " << options.dump() << ": "
            << (r.outputs[0].error ? r.outputs[0].error->message : ""));
  REQUIRE_FALSE(r.outputs[0].error);
  REQUIRE_FALSE(r.outputs[0].files.empty());
  return r.outputs[0];
}

/// The path of an output's first file.
inline fs::path output_path(const std::string& id, const media::OutputResult& r, size_t i = 0) {
  return media_dir() / ("out-" + id) / r.files.at(i).at("filename").get<std::string>();
}

inline std::string slurp_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Mean PSNR (dB) between two videos' pictures, by the ffmpeg CLI's psnr filter.
inline double psnr(const fs::path& a, const fs::path& b) {
  fs::path log = media_dir() / "psnr.log";
  std::string cmd = "ffmpeg -nostdin -v info -i '" + a.string() + "' -i '" + b.string() +
                    "' -lavfi psnr -f null - 2>'" + log.string() + "'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream in(log);
  std::string line;
  double value = -1;
  while (std::getline(in, line)) {
    auto at = line.find("average:");
    if (at != std::string::npos) {
      std::string v = line.substr(at + 8, line.find(' ', at) - at - 8);
      value = v == "inf" ? 1000 : std::atof(v.c_str());
    }
  }
  return value;
}

}  // namespace wfc::test

namespace wfc::test {

/// The first picture of a media file as packed RGB bytes (width × height × 3), decoded by the
/// ffmpeg CLI.
inline std::string first_frame_rgb(const fs::path& p) {
  fs::path raw = media_dir() / "frame.rgb";
  std::string cmd = "ffmpeg -nostdin -v error -y -i '" + p.string() +
                    "' -frames:v 1 -f rawvideo -pix_fmt rgb24 '" + raw.string() + "'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return slurp_file(raw);
}

/// The RGB of pixel (x, y) of a packed RGB picture `width` wide.
inline std::array<int, 3> pixel(const std::string& rgb, int width, int x, int y) {
  size_t at = (static_cast<size_t>(y) * width + x) * 3;
  REQUIRE(at + 2 < rgb.size());
  return {static_cast<uint8_t>(rgb[at]), static_cast<uint8_t>(rgb[at + 1]),
          static_cast<uint8_t>(rgb[at + 2])};
}

}  // namespace wfc::test
