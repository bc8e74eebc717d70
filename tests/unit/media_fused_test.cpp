// A fused pass (one decode feeding several outputs) gives the same files as separate passes:
// the same properties, and pictures within 40 dB PSNR.
#include <catch2/catch.hpp>

#include "test_media.h"

using namespace wfc::test;

namespace {

// Runs `outputs` on `input` in one pass and each alone, and checks that every fused output has
// the properties of its single-output twin and pictures within 40 dB PSNR of it.
void check_fused_matches_alone(const std::string& input, const std::vector<OutputDecl>& outputs,
                               const std::string& dir) {
  wfc::media::PassSpec fused;
  fused.input = sample(input);
  fs::path fused_dir = out_dir(dir);
  for (const auto& o : outputs) fused.outputs.push_back(output(o.id, o.kind, o.options, fused_dir));
  wfc::media::PassResult together = wfc::media::run_pass(fused);
  REQUIRE(together.outputs.size() == outputs.size());
  for (size_t i = 0; i < outputs.size(); ++i) {
    const auto& o = together.outputs[i];
    INFO(outputs[i].id << (o.error ? ": " + o.error->message : ""));
    REQUIRE_FALSE(o.error);
    auto alone = run_one(sample(input), outputs[i].kind, outputs[i].options, outputs[i].id);
    json a = probe_ok(output_path(outputs[i].id, alone));
    json f = probe_ok(fused_dir / o.files[0]["filename"].get<std::string>());
    for (const char* key : {"kind", "format", "width", "height", "frames", "codecs", "fps"}) {
      INFO(key);
      CHECK(a.value(key, json()) == f.value(key, json()));
    }
    if (a.contains("duration"))
      CHECK(f["duration"].get<double>() == Approx(a["duration"].get<double>()).margin(0.03));
    if (outputs[i].kind == "video" || outputs[i].kind == "image")
      CHECK(psnr(output_path(outputs[i].id, alone),
                 fused_dir / o.files[0]["filename"].get<std::string>()) >= 40);
  }
}

}  // namespace

TEST_CASE("a fused pass matches separate single-output passes", "[media][fused]") {
  check_fused_matches_alone("av.mp4",
                            {
                                {"small", "video", {{"width", 160}}},
                                {"large", "video", {{"width", 240}, {"quality", "high"}}},
                                {"sound", "audio", {{"format", "aac"}}},
                                {"poster", "image", {{"width", 100}, {"start", 1}}},
                                {"clip", "animation", {{"width", 80}, {"end", 1}}},
                            },
                            "fused");
}

TEST_CASE("renditions of a large input that differ only in size match separate passes",
          "[media][fused]") {
  // In one pass these scale in a cascade (540p from the 720p frames, 360p from the 540p ones,
  // runtime/media/scale_tap.cpp); alone, each scales the decoded frames.
  check_fused_matches_alone(
      "hd.mp4",
      {
          {"r360", "video", {{"height", 360}}},
          {"r720", "video", {{"height", 720}}},
          {"r540", "video", {{"height", 540}, {"quality", "high"}}},
          {"r540b", "video", {{"height", 540}, {"format", "webm"}, {"codec", "vp9"}}},
      },
      "cascade");
}

TEST_CASE("an output that taps a video's frames in the pass matches one made from its output",
          "[media][fused]") {
  // The plan's `video → image` tap: the still and the sprites take the video's filtered frames
  // (trimmed from 0.5 s, at its size) in the same pass instead of decoding its file afterwards.
  wfc::media::PassSpec spec;
  spec.input = sample("av.mp4");
  fs::path dir = out_dir("tap");
  spec.outputs.push_back(output("v", "video", {{"width", 160}, {"start", 0.5}}, dir));
  spec.outputs.push_back(output("i", "image", {{"width", 80}, {"start", 0.4}}, dir));
  spec.outputs.push_back(output("s", "thumbnails", {{"count", 2}, {"width", 40}}, dir));
  spec.outputs[1].frames_of = 0;
  spec.outputs[2].frames_of = 0;
  wfc::media::PassResult r = wfc::media::run_pass(spec);
  for (const auto& o : r.outputs) {
    INFO(o.id << (o.error ? ": " + o.error->message : ""));
    REQUIRE_FALSE(o.error);
  }
  json video = probe_ok(dir / r.outputs[0].files[0]["filename"].get<std::string>());
  CHECK(video["width"] == 160);
  CHECK(video["duration"].get<double>() == Approx(1.5).margin(0.1));
  json still = probe_ok(dir / r.outputs[1].files[0]["filename"].get<std::string>());
  CHECK(still["width"] == 80);
  CHECK(still["height"] == 60);
  // The same still made the long way, from the video's output file.
  auto alone = run_one(dir / r.outputs[0].files[0]["filename"].get<std::string>(), "image",
                       {{"width", 80}, {"start", 0.4}}, "tap-alone");
  CHECK(psnr(output_path("tap-alone", alone),
             dir / r.outputs[1].files[0]["filename"].get<std::string>()) >= 35);
  // Sprites over the video's 1.5 s: two tiles of 40×30, at 0 and 0.75 s of the video.
  REQUIRE(r.outputs[2].files.size() == 2);
  std::string vtt = slurp_file(dir / r.outputs[2].files[0]["filename"].get<std::string>());
  CHECK(vtt.find("00:00:00.750 --> ") != std::string::npos);
  CHECK(probe_ok(dir / r.outputs[2].files[1]["filename"].get<std::string>())["width"] == 80);
}
