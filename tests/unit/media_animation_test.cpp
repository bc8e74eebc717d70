// The animation operator: GIF (palette by quality) and animated WebP, clip span, frame rate,
// size, and frame selection, checked by probing frame counts.
#include <catch2/catch.hpp>

#include "test_media.h"

using namespace wfc::test;

TEST_CASE("animation defaults: a looping GIF at 10 fps of the first seconds",
          "[media][animation]") {
  auto r = run_one(sample("av.mp4"), "animation", {{"width", 160}}, "gif");
  json f = probe_ok(output_path("gif", r));
  CHECK(f["format"] == "gif");
  CHECK(f["type"] == "image/gif");
  CHECK(f["kind"] == "image");
  CHECK(f["animated"] == true);
  CHECK(f["frames"] == 20);  // the 2 s input at 10 fps (the default clip is up to 5 s)
  CHECK(f["width"] == 160);
  CHECK(f["height"] == 120);
}

TEST_CASE("animation span, frame rate and quality", "[media][animation]") {
  auto r = run_one(sample("av.mp4"), "animation",
                   {{"start", 0.5}, {"end", 1.5}, {"fps", 5}, {"width", 100}}, "gspan");
  json f = probe_ok(output_path("gspan", r));
  CHECK(f["frames"] == 5);
  CHECK(f["width"] == 100);
  CHECK(f["height"] == 75);
  CHECK(f["duration"].get<double>() == Approx(1.0).margin(0.2));
  auto low = run_one(sample("av.mp4"), "animation", {{"quality", "very_low"}, {"end", 1}}, "gq");
  int64_t low_size = probe_ok(output_path("gq", low))["filesize"];
  auto high = run_one(sample("av.mp4"), "animation", {{"quality", "very_high"}, {"end", 1}}, "gq");
  CHECK(probe_ok(output_path("gq", high))["filesize"].get<int64_t>() > low_size);
}

TEST_CASE("animated WebP", "[media][animation]") {
  auto r = run_one(sample("av.mp4"), "animation", {{"format", "webp"}, {"end", 1}, {"width", 120}},
                   "awebp");
  json f = probe_ok(output_path("awebp", r));
  CHECK(f["format"] == "webp");
  CHECK(f["type"] == "image/webp");
  CHECK(f["animated"] == true);
  CHECK(f["frames"] == 10);
}

TEST_CASE("animation select keeps only the frames that satisfy it", "[media][animation]") {
  auto r = run_one(sample("cut.mp4"), "animation", {{"select", "!black"}, {"width", 80}}, "asel");
  CHECK(probe_ok(output_path("asel", r))["frames"] == 10);  // the 1 s of picture, at 10 fps
  r = run_one(sample("cut.mp4"), "animation", {{"width", 80}}, "asel");
  CHECK(probe_ok(output_path("asel", r))["frames"] == 20);
}

TEST_CASE("animation fit into a width × height box", "[media][animation]") {
  for (const char* fit : {"contain", "cover", "fill"}) {
    DYNAMIC_SECTION(fit) {
      auto r = run_one(sample("av.mp4"), "animation",
                       {{"width", 60}, {"height", 60}, {"fit", fit}, {"end", 0.5}}, "afit");
      json f = probe_ok(output_path("afit", r));
      CHECK(f["width"] == 60);
      CHECK(f["height"] == 60);
      CHECK(f["frames"] == 5);
    }
  }
}
