// The adaptive_video operator: an HLS ladder from one decode, its master playlist, aligned
// segments, audio in every rendition, and subtitle renditions from WebVTT tracks by URL.
#include <catch2/catch.hpp>
#include <sstream>

#include "runtime/ingest/fetch.h"
#include "test_http_server.h"
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

namespace {

// A pass of one adaptive_video output whose subtitle tracks are fetched, as the executor does,
// from a loopback server.
wfc::media::PassResult hls_with_subtitles(wfc::test::HttpServer& http, const json& subtitles,
                                          const std::string& id) {
  wfc::media::PassSpec spec;
  spec.input = sample("long.mp4");
  spec.outputs.push_back(output(id, "adaptive_video",
                                {{"renditions", {{{"height", 90}}}}, {"subtitles", subtitles}},
                                out_dir(id)));
  wfc::ingest::AccessPolicy policy;
  std::string error;
  REQUIRE(policy.allow_host("127.0.0.1", &error));
  spec.fetch = [policy](const std::string& url, const fs::path& into,
                        std::string* error) -> std::optional<fs::path> {
    auto r = wfc::ingest::fetch(url, into, {}, policy);
    if (r.ok()) return r.file.path;
    *error = r.error->message;
    return std::nullopt;
  };
  return wfc::media::run_pass(spec);
}

}  // namespace

TEST_CASE("adaptive_video adds its subtitle tracks as subtitle renditions players list",
          "[media][hls]") {
  wfc::test::HttpServer http;
  http.server().Get("/en.vtt", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nHello there\n", "text/vtt");
  });
  http.server().Get("/fr.vtt", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("\xEF\xBB\xBFWEBVTT\n\n00:00:01.000 --> 00:00:03.000\nBonjour\n", "text/vtt");
  });
  http.server().Get("/page.html", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("<html>not subtitles</html>", "text/html");
  });
  http.start();
  json subs = {
      {{"url", http.url("/en.vtt")}, {"label", "English"}, {"language", "en"}, {"default", true}},
      {{"url", http.url("/fr.vtt")}, {"language", "fr"}}};
  auto r = hls_with_subtitles(http, subs, "hls_subs");
  REQUIRE_FALSE(r.outputs[0].error);
  CHECK(r.outputs[0].files[0]["subtitles"] == 2);
  fs::path dir = media_dir() / "out-hls_subs" / "hls_subs";
  std::string master = slurp_file(dir / "master.m3u8");
  auto media_lines = lines_starting(master, "#EXT-X-MEDIA:TYPE=SUBTITLES");
  REQUIRE(media_lines.size() == 2);
  CHECK(media_lines[0].find("NAME=\"English\"") != std::string::npos);
  CHECK(media_lines[0].find("LANGUAGE=\"en\"") != std::string::npos);
  CHECK(media_lines[0].find("DEFAULT=YES") != std::string::npos);
  CHECK(media_lines[1].find("NAME=\"fr\"") != std::string::npos);
  CHECK(media_lines[1].find("DEFAULT=NO") != std::string::npos);
  for (const auto& v : lines_starting(master, "#EXT-X-STREAM-INF:"))
    CHECK(v.find("SUBTITLES=\"subs\"") != std::string::npos);
  CHECK(slurp_file(dir / "subs" / "s0.vtt").find("Hello there") != std::string::npos);
  // Each subtitle rendition is a media playlist FFmpeg's HLS reader opens, as a player does, to
  // a WebVTT stream (FFmpeg 5.1 reads no subtitle rendition through a master playlist: "Can't
  // support the subtitle", so each is read on its own).
  auto streams = [](const fs::path& playlist) {
    std::string cmd = "ffprobe -v error -show_entries stream=codec_name,codec_type -of csv=p=0 '" +
                      playlist.string() + "' 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p);
    std::string out;
    char buf[256];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
    return out;
  };
  for (const char* playlist : {"subs/s0.m3u8", "subs/s1.m3u8"}) {
    INFO(playlist);
    CHECK(streams(dir / playlist).rfind("webvtt,subtitle", 0) == 0);
  }
  CHECK(streams(dir / "master.m3u8").find("h264,video") != std::string::npos);

  // A track that is not WebVTT fails the output, naming it, and leaves no package behind.
  auto bad = hls_with_subtitles(http, {{{"url", http.url("/page.html")}}}, "hls_bad");
  REQUIRE(bad.outputs[0].error);
  CHECK(bad.outputs[0].error->kind == "input_invalid");
  CHECK(bad.outputs[0].error->message.find("subtitles[0]") != std::string::npos);
  CHECK_FALSE(fs::exists(media_dir() / "out-hls_bad" / "hls_bad" / "master.m3u8"));
}
