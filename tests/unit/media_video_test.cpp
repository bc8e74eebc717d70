// The video operator: every option checked by probing (or decoding) the file it writes.
#include <catch2/catch.hpp>

#include "test_media.h"

using namespace wfc::test;

TEST_CASE("video defaults: H.264 and AAC in MP4 at the input's size and rate, moov first",
          "[media][video]") {
  auto r = run_one(sample("av.mp4"), "video", json::object(), "vdefault");
  fs::path out = output_path("vdefault", r);
  json f = probe_ok(out);
  CHECK(f["format"] == "mp4");
  CHECK(f["codecs"]["video"] == "h264");
  CHECK(f["codecs"]["audio"] == "aac");
  CHECK(f["width"] == 320);
  CHECK(f["height"] == 240);
  CHECK(f["fps"].get<double>() == Approx(25));
  CHECK(f["duration"].get<double>() == Approx(2.0).margin(0.04));
  CHECK(r.files[0]["filesize"] == f["filesize"]);
  std::string bytes = slurp_file(out);
  CHECK(bytes.find("moov") < bytes.find("mdat"));  // +faststart
}

TEST_CASE("video containers and codecs", "[media][video]") {
  struct Case {
    const char *format, *codec, *codec_name, *audio, *type;
  };
  for (const Case& c : {Case{"mp4", "h265", "hevc", "aac", "video/mp4"},
                        Case{"webm", "vp9", "vp9", "opus", "video/webm"},
                        Case{"webm", "av1", "av1", "opus", "video/webm"},
                        Case{"mov", "h264", "h264", "aac", "video/quicktime"}}) {
    DYNAMIC_SECTION(c.format << " " << c.codec) {
      json options = {{"format", c.format}, {"codec", c.codec}, {"width", 160}, {"end", 0.6}};
      auto r = run_one(sample("av.mp4"), "video", options, "vcodec");
      json f = probe_ok(output_path("vcodec", r));
      CHECK(f["format"] == c.format);
      CHECK(f["type"] == c.type);
      CHECK(f["codecs"]["video"] == c.codec_name);
      CHECK(f["codecs"]["audio"] == c.audio);
      CHECK(f["width"] == 160);
      CHECK(f["height"] == 120);
    }
  }
}

TEST_CASE("video size: pixels, percentages, one side keeps the aspect ratio", "[media][video]") {
  auto size_of = [](const json& options) {
    auto r = run_one(sample("av.mp4"), "video", options, "vsize");
    json f = probe_ok(output_path("vsize", r));
    return std::pair(f["width"].get<int>(), f["height"].get<int>());
  };
  CHECK(size_of({{"width", 160}, {"end", 0.2}}) == std::pair(160, 120));
  CHECK(size_of({{"height", "50%"}, {"end", 0.2}}) == std::pair(160, 120));
  CHECK(size_of({{"width", 100}, {"height", 100}, {"fit", "cover"}, {"end", 0.2}}) ==
        std::pair(100, 100));
  CHECK(size_of({{"width", 101}, {"height", 61}, {"fit", "fill"}, {"end", 0.2}}) ==
        std::pair(102, 62));  // 4:2:0 video needs even sizes
}

TEST_CASE("video fit contain letterboxes with the background at the position", "[media][video]") {
  json options = {{"width", 160}, {"height", 160}, {"background", "#ff0000"}, {"end", 0.2}};
  auto centre = run_one(sample("av.mp4"), "video", options, "vfit");
  std::string rgb = first_frame_rgb(output_path("vfit", centre));
  REQUIRE(rgb.size() == 160 * 160 * 3);
  auto red = [](std::array<int, 3> p) { return p[0] > 200 && p[1] < 60 && p[2] < 60; };
  CHECK(red(pixel(rgb, 160, 80, 5)));    // bar above: 160×120 picture centred in 160×160
  CHECK(red(pixel(rgb, 160, 80, 155)));  // and below
  options["position"] = "top";
  auto top = run_one(sample("av.mp4"), "video", options, "vfit");
  rgb = first_frame_rgb(output_path("vfit", top));
  CHECK_FALSE(red(pixel(rgb, 160, 80, 5)));  // the picture sits at the top
  CHECK(red(pixel(rgb, 160, 80, 150)));      // the whole bar is below
}

TEST_CASE("video frame rate, trim and rotation", "[media][video]") {
  auto r = run_one(sample("av.mp4"), "video", {{"fps", 10}, {"width", 160}}, "vfps");
  json f = probe_ok(output_path("vfps", r));
  CHECK(f["fps"].get<double>() == Approx(10));
  CHECK(f["frames"] == 20);
  r = run_one(sample("av.mp4"), "video", {{"start", 0.5}, {"end", 1.5}, {"width", 160}}, "vtrim");
  f = probe_ok(output_path("vtrim", r));
  CHECK(f["duration"].get<double>() == Approx(1.0).margin(0.04));
  CHECK(f["frames"] == 25);
  r = run_one(sample("rotated.mp4"), "video", json::object(), "vrot");
  f = probe_ok(output_path("vrot", r));
  CHECK(f["width"] == 240);  // upright pixels, no rotation flag left
  CHECK(f["height"] == 320);
  CHECK(f["rotation"] == 0);
  // Turned the way the ffmpeg CLI's autorotate turns it.
  fs::path reference = media_dir() / "rotated-by-cli.mp4";
  std::string cmd = "ffmpeg -nostdin -v error -y -i '" + sample("rotated.mp4").string() +
                    "' -c:v libx264 -crf 10 '" + reference.string() + "'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  CHECK(psnr(output_path("vrot", r), reference) >= 30);
}

TEST_CASE("video bitrate caps the encoder; quality orders file sizes", "[media][video]") {
  auto r = run_one(sample("noise.mp4"), "video", {{"bitrate", 300000}}, "vrate");
  json f = probe_ok(output_path("vrate", r));
  // The encoder may start with its buffer full: 1 s of the cap over a 4 s clip.
  CHECK(f["bitrate"].get<double>() <= 300000 * 1.3);
  CHECK(f["bitrate"].get<double>() >= 300000 * 0.5);
  auto uncapped = run_one(sample("noise.mp4"), "video", json::object(), "vrate");
  CHECK(probe_ok(output_path("vrate", uncapped))["bitrate"].get<double>() > 600000);
  auto low = run_one(sample("av.mp4"), "video", {{"quality", "very_low"}}, "vq");
  int64_t low_size = probe_ok(output_path("vq", low))["filesize"];
  auto high = run_one(sample("av.mp4"), "video", {{"quality", "very_high"}}, "vq");
  CHECK(probe_ok(output_path("vq", high))["filesize"].get<int64_t>() > low_size);
}
