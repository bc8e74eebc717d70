// The image operator: format, size and fit, the frame taken (at `start`, by `select`, or the
// most representative one), and still-image inputs.
#include <catch2/catch.hpp>

#include "test_media.h"

using namespace wfc::test;

TEST_CASE("image formats from a video", "[media][image]") {
  struct Case {
    const char *format, *type;
  };
  for (const Case& c : {Case{"jpeg", "image/jpeg"}, Case{"png", "image/png"},
                        Case{"webp", "image/webp"}, Case{"avif", "image/avif"}}) {
    DYNAMIC_SECTION(c.format) {
      auto r = run_one(sample("av.mp4"), "image", {{"format", c.format}, {"start", 1}}, "iformat");
      json f = probe_ok(output_path("iformat", r));
      CHECK(f["kind"] == "image");
      CHECK(f["format"] == c.format);
      CHECK(f["type"] == c.type);
      CHECK(f["width"] == 320);
      CHECK(f["height"] == 240);
    }
  }
}

TEST_CASE("image size, fit and transparent letterbox", "[media][image]") {
  auto r = run_one(sample("av.mp4"), "image", {{"width", 100}}, "isize");
  json f = probe_ok(output_path("isize", r));
  CHECK(f["width"] == 100);
  CHECK(f["height"] == 75);
  r = run_one(sample("av.mp4"), "image", {{"width", 90}, {"height", 90}, {"fit", "cover"}},
              "isize");
  f = probe_ok(output_path("isize", r));
  CHECK(f["width"] == 90);
  CHECK(f["height"] == 90);
  // png with contain and no background: transparent bars.
  r = run_one(sample("av.mp4"), "image", {{"format", "png"}, {"width", 90}, {"height", 90}},
              "isize");
  CHECK(probe_ok(output_path("isize", r))["transparency"] == true);
  r = run_one(sample("still.png"), "image", {{"width", "25%"}}, "istill");
  f = probe_ok(output_path("istill", r));
  CHECK(f["width"] == 50);
  CHECK(f["height"] == 25);
}

TEST_CASE("image takes the frame at start, or the first that satisfies select", "[media][image]") {
  auto bright = [](const fs::path& p, int w) {
    std::string rgb = first_frame_rgb(p);
    long sum = 0;
    for (unsigned char c : rgb) sum += c;
    return static_cast<double>(sum) / rgb.size() > 20;  // not black
  };
  auto r = run_one(sample("cut.mp4"), "image", {{"start", 0.2}}, "iat");
  CHECK_FALSE(bright(output_path("iat", r), 320));
  r = run_one(sample("cut.mp4"), "image", {{"start", 1.2}}, "iat");
  CHECK(bright(output_path("iat", r), 320));
  r = run_one(sample("cut.mp4"), "image", {{"select", "!black"}}, "isel");
  CHECK(bright(output_path("isel", r), 320));
  // With neither, the most representative frame: the picture, not the black second.
  r = run_one(sample("cut.mp4"), "image", json::object(), "irep");
  CHECK(bright(output_path("irep", r), 320));
}

TEST_CASE("image quality and letterbox background", "[media][image]") {
  auto low = run_one(sample("av.mp4"), "image", {{"quality", "very_low"}, {"start", 1}}, "iq");
  int64_t low_size = probe_ok(output_path("iq", low))["filesize"];
  auto high = run_one(sample("av.mp4"), "image", {{"quality", "very_high"}, {"start", 1}}, "iq");
  CHECK(probe_ok(output_path("iq", high))["filesize"].get<int64_t>() > low_size);
  auto boxed = run_one(sample("av.mp4"), "image",
                       {{"width", 80},
                        {"height", 80},
                        {"background", "#00ff00"},
                        {"position", "bottom"},
                        {"format", "png"},
                        {"start", 1}},
                       "ibg");
  std::string rgb = first_frame_rgb(output_path("ibg", boxed));
  REQUIRE(rgb.size() == 80 * 80 * 3);
  auto top = pixel(rgb, 80, 40, 2);  // 80×60 picture at the bottom: the bar is on top
  CHECK(top[0] < 30);
  CHECK(top[1] > 220);
  CHECK(top[2] < 30);
}
