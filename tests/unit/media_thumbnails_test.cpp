// The thumbnails operator: sprite sheets and the WebVTT track mapping times to tiles.
#include <catch2/catch.hpp>
#include <regex>

#include "test_media.h"

using namespace wfc::test;

namespace {

struct Cue {
  std::string start, end, image;
  int x, y, w, h;
};

std::vector<Cue> cues(const fs::path& vtt) {
  std::string text = slurp_file(vtt);
  REQUIRE(text.rfind("WEBVTT\n", 0) == 0);
  std::regex cue(R"((\S+) --> (\S+)\n(\S+)#xywh=(\d+),(\d+),(\d+),(\d+))");
  std::vector<Cue> out;
  for (std::sregex_iterator it(text.begin(), text.end(), cue), end; it != end; ++it) {
    const std::smatch& m = *it;
    out.push_back(
        {m[1], m[2], m[3], std::stoi(m[4]), std::stoi(m[5]), std::stoi(m[6]), std::stoi(m[7])});
  }
  return out;
}

}  // namespace

TEST_CASE("thumbnails by count: tiles in one sheet, one cue each", "[media][thumbnails]") {
  auto r = run_one(sample("av.mp4"), "thumbnails", {{"count", 4}, {"width", 80}}, "tcount");
  REQUIRE(r.files.size() == 2);
  CHECK(r.files[0]["type"] == "text/vtt");
  auto c = cues(output_path("tcount", r, 0));
  REQUIRE(c.size() == 4);
  CHECK(c[0].start == "00:00:00.000");
  CHECK(c[0].end == "00:00:00.500");
  CHECK(c[3].start == "00:00:01.500");
  CHECK(c[3].end == "00:00:02.000");
  for (int k = 0; k < 4; ++k) {
    CHECK(c[k].x == 80 * k);
    CHECK(c[k].y == 0);
    CHECK(c[k].w == 80);
    CHECK(c[k].h == 60);
    CHECK(c[k].image == r.files[1]["filename"]);
  }
  json sheet = probe_ok(output_path("tcount", r, 1));
  CHECK(sheet["format"] == "jpeg");
  CHECK(sheet["width"] == 320);
  CHECK(sheet["height"] == 60);
}

TEST_CASE("thumbnails by interval wrap at the column count", "[media][thumbnails]") {
  auto r =
      run_one(sample("av.mp4"), "thumbnails",
              {{"interval", 0.5}, {"width", 40}, {"height", 40}, {"columns", 3}, {"format", "png"}},
              "tint");
  auto c = cues(output_path("tint", r, 0));
  REQUIRE(c.size() == 4);
  CHECK(c[2].x == 80);
  CHECK(c[3].x == 0);
  CHECK(c[3].y == 40);
  json sheet = probe_ok(output_path("tint", r, 1));
  CHECK(sheet["format"] == "png");
  CHECK(sheet["width"] == 120);
  CHECK(sheet["height"] == 80);
}

TEST_CASE("thumbnails default to one frame every 10 seconds", "[media][thumbnails]") {
  auto r = run_one(sample("av.mp4"), "thumbnails", json::object(), "tdef");
  auto c = cues(output_path("tdef", r, 0));
  REQUIRE(c.size() == 1);
  CHECK(c[0].w == 160);
  CHECK(c[0].h == 120);
}

TEST_CASE("thumbnails select replaces a failing frame by the next that holds",
          "[media][thumbnails]") {
  auto r = run_one(sample("cut.mp4"), "thumbnails",
                   {{"count", 2}, {"width", 32}, {"select", "!black"}}, "tsel");
  std::string rgb = first_frame_rgb(output_path("tsel", r, 1));
  REQUIRE(rgb.size() == 64 * 24 * 3);
  long first_tile = 0;
  for (int y = 0; y < 24; ++y)
    for (int x = 0; x < 32; ++x) first_tile += pixel(rgb, 64, x, y)[1];
  CHECK(first_tile / (32 * 24) > 20);  // the tile at 0 s is the first picture, not black
}

TEST_CASE("thumbnails split into several sheets when one would be too tall",
          "[media][thumbnails]") {
  // 1080 px tiles in one column: 7 fit in 8192 px, so 10 tiles make two sheets.
  auto r = run_one(
      sample("av.mp4"), "thumbnails",
      {{"count", 10}, {"width", 16}, {"height", 1080}, {"columns", 1}, {"upscale", true}}, "ttall");
  REQUIRE(r.files.size() == 3);
  auto c = cues(output_path("ttall", r, 0));
  REQUIRE(c.size() == 10);
  CHECK(c[6].image == r.files[1]["filename"]);
  CHECK(c[6].y == 6 * 1080);
  CHECK(c[7].image == r.files[2]["filename"]);
  CHECK(c[7].y == 0);
  CHECK(probe_ok(output_path("ttall", r, 1))["height"] == 7 * 1080);
  CHECK(probe_ok(output_path("ttall", r, 2))["height"] == 3 * 1080);
}
