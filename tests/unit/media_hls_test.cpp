// The adaptive_video operator: an HLS ladder from one decode, its master playlist, aligned
// segments, and audio in every rendition.
#include <catch2/catch.hpp>
#include <sstream>

#include "test_media.h"

using namespace wfc::test;

namespace {

std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("adaptive_video writes a master playlist over aligned renditions", "[media][hls]") {
  json options = {{"renditions", {{{"height", 180}}, {{"height", 90}, {"bitrate", 300000}}}}};
  auto r = run_one(sample("long.mp4"), "adaptive_video", options, "hls");
  REQUIRE(r.files.size() == 1);
  CHECK(r.files[0]["kind"] == "playlist");
  CHECK(r.files[0]["type"] == "application/vnd.apple.mpegurl");
  fs::path dir = media_dir() / "out-hls" / "hls";
  std::string master = slurp_file(dir / "master.m3u8");
  REQUIRE(master.rfind("#EXTM3U\n", 0) == 0);
  auto variants = lines_starting(master, "#EXT-X-STREAM-INF:");
  REQUIRE(variants.size() == 2);
  CHECK(variants[0].find("RESOLUTION=320x180") != std::string::npos);
  CHECK(variants[1].find("RESOLUTION=160x90") != std::string::npos);
  CHECK(variants[0].find("BANDWIDTH=") != std::string::npos);
  std::vector<std::vector<std::string>> durations;
  for (const char* v : {"v0", "v1"}) {
    std::string playlist = slurp_file(dir / v / "index.m3u8");
    CHECK(playlist.find("#EXT-X-ENDLIST") != std::string::npos);
    CHECK(playlist.find("#EXT-X-PLAYLIST-TYPE:VOD") != std::string::npos);
    durations.push_back(lines_starting(playlist, "#EXTINF:"));
    json seg = probe_ok(dir / v / "seg_000.ts");
    CHECK(seg["has_audio"] == true);
    CHECK(seg["codecs"]["video"] == "h264");
  }
  CHECK(durations[0].size() == 3);      // 6 s in 2 s segments
  CHECK(durations[0] == durations[1]);  // keyframes aligned across the ladder
  CHECK(probe_ok(dir / "v1" / "seg_001.ts")["height"] == 90);
}

TEST_CASE("adaptive_video without renditions derives the ladder from the input", "[media][hls]") {
  // 320×240 input: every default rung (1080, 720, 480, 360) is larger, so the input size.
  auto r = run_one(sample("av.mp4"), "adaptive_video", json::object(), "hlsd");
  CHECK(r.files[0]["width"] == 320);
  CHECK(r.files[0]["height"] == 240);
  std::string master = slurp_file(media_dir() / "out-hlsd" / "hlsd" / "master.m3u8");
  CHECK(lines_starting(master, "#EXT-X-STREAM-INF:").size() == 1);
}

TEST_CASE("adaptive_video top size and HEVC renditions", "[media][hls]") {
  auto r = run_one(sample("av.mp4"), "adaptive_video", {{"height", 120}}, "hlstop");
  CHECK(r.files[0]["width"] == 160);
  CHECK(r.files[0]["height"] == 120);
  json options = {{"renditions", {{{"height", 90}, {"width", 100}, {"codec", "h265"}}}}};
  r = run_one(sample("av.mp4"), "adaptive_video", options, "hls265");
  json seg = probe_ok(media_dir() / "out-hls265" / "hls265" / "v0" / "seg_000.ts");
  CHECK(seg["codecs"]["video"] == "hevc");
  CHECK(seg["width"] == 100);
  CHECK(seg["height"] == 90);
}
