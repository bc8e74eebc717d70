// Bad inputs, cancellation and time limits: each output gets a clear error, partial files are
// removed, and the process goes on to run the next pass.
#include <catch2/catch.hpp>

#include "test_media.h"

using namespace wfc::test;
using wfc::media::PassResult;
using wfc::media::PassSpec;

namespace {

PassSpec two_outputs(const fs::path& input, const std::string& name) {
  PassSpec spec;
  spec.input = input;
  spec.outputs.push_back(output("v", "video", {{"width", 160}}, out_dir(name)));
  spec.outputs.push_back(output("a", "audio", json::object(), out_dir(name)));
  return spec;
}

}  // namespace

TEST_CASE("unreadable inputs fail every output with input_invalid", "[media][errors]") {
  std::string whole = slurp_file(sample("av.mp4"));
  struct Case {
    const char* name;
    std::string bytes;
    const char* says;
  };
  for (const Case& c :
       {Case{"zero.mp4", "", "is empty"}, Case{"corrupt.mp4", std::string(8192, '\x13'), "cannot"},
        Case{"truncated.mp4", whole.substr(0, whole.size() / 3), "cannot"}}) {
    DYNAMIC_SECTION(c.name) {
      PassResult r = wfc::media::run_pass(two_outputs(write_sample(c.name, c.bytes), "bad"));
      CHECK_FALSE(r.input);
      for (const auto& o : r.outputs) {
        REQUIRE(o.error);
        CHECK(o.error->kind == "input_invalid");
        CHECK(o.error->message.find(c.says) != std::string::npos);
        CHECK(o.files.empty());
      }
      CHECK(fs::is_empty(media_dir() / "out-bad"));
    }
  }
}

TEST_CASE("a file cut short after its header gives what it holds", "[media][errors]") {
  // A faststart MP4 keeps its index first: cut in the middle, the frames before the cut decode.
  auto full = run_one(sample("av.mp4"), "video", json::object(), "cutsrc");
  std::string bytes = slurp_file(output_path("cutsrc", full));
  fs::path cut = write_sample("cut-short.mp4", bytes.substr(0, bytes.size() / 2));
  auto r = run_one(cut, "video", {{"width", 160}}, "cutout");
  double d = probe_ok(output_path("cutout", r))["duration"];
  CHECK(d > 0.2);
  CHECK(d < 1.9);
}

TEST_CASE("an output the input cannot feed fails alone", "[media][errors]") {
  PassSpec spec = two_outputs(sample("tone.wav"), "wrong");
  spec.outputs.push_back(output("i", "image", json::object(), out_dir("wrong")));
  PassResult r = wfc::media::run_pass(spec);
  REQUIRE(r.outputs[0].error);
  CHECK(r.outputs[0].error->kind == "input_unsupported");
  CHECK(r.outputs[0].error->message == "'video' needs a video stream; the input has none");
  REQUIRE(r.outputs[2].error);
  CHECK(r.outputs[2].error->kind == "input_unsupported");
  REQUIRE_FALSE(r.outputs[1].error);  // the audio output of the same pass is made
  CHECK(probe_ok(media_dir() / "out-wrong" / "a.mp3")["codecs"]["audio"] == "mp3");
}

TEST_CASE("cancelling a pass stops it and leaves no partial files", "[media][errors]") {
  PassSpec spec = two_outputs(sample("long.mp4"), "cancel");
  std::atomic<bool> cancel{false};
  int calls = 0;
  spec.cancel = &cancel;
  spec.progress = [&](const std::string&, double percent, double) {
    ++calls;
    cancel = true;  // at the first report, while decoding
  };
  PassResult r = wfc::media::run_pass(spec);
  CHECK(calls > 0);
  for (const auto& o : r.outputs) {
    REQUIRE(o.error);
    CHECK(o.error->kind == "cancelled");
  }
  CHECK(fs::is_empty(media_dir() / "out-cancel"));
  // The process lives on: the next pass works.
  run_one(sample("av.mp4"), "audio", json::object(), "after");
}

TEST_CASE("a pass over its time limit fails with time_limit", "[media][errors]") {
  PassSpec spec = two_outputs(sample("long.mp4"), "slow");
  spec.time_limit = std::chrono::milliseconds(1);
  PassResult r = wfc::media::run_pass(spec);
  for (const auto& o : r.outputs) {
    REQUIRE(o.error);
    CHECK(o.error->kind == "time_limit");
  }
}

TEST_CASE("progress reaches 100 only when the output exists", "[media][errors]") {
  PassSpec spec = two_outputs(sample("av.mp4"), "progress");
  std::map<std::string, std::vector<double>> seen;
  spec.progress = [&](const std::string& id, double percent, double) {
    seen[id].push_back(percent);
  };
  PassResult r = wfc::media::run_pass(spec);
  for (const char* id : {"v", "a"}) {
    REQUIRE_FALSE(seen[id].empty());
    CHECK(seen[id].back() == 100);
    CHECK(std::is_sorted(seen[id].begin(), seen[id].end()));
    CHECK(std::count(seen[id].begin(), seen[id].end(), 100.0) == 1);
  }
}

TEST_CASE("a cancelled pass removes thumbnails, playlists and stills too", "[media][errors]") {
  PassSpec spec;
  spec.input = sample("long.mp4");
  fs::path dir = out_dir("cancel-all");
  spec.outputs.push_back(output("t", "thumbnails", {{"count", 3}}, dir));
  spec.outputs.push_back(output("h", "adaptive_video", json::object(), dir));
  spec.outputs.push_back(output("g", "animation", json::object(), dir));
  std::atomic<bool> cancel{false};
  spec.cancel = &cancel;
  spec.progress = [&](const std::string&, double, double) { cancel = true; };
  PassResult r = wfc::media::run_pass(spec);
  for (const auto& o : r.outputs) {
    REQUIRE(o.error);
    CHECK(o.error->kind == "cancelled");
  }
  CHECK(fs::is_empty(dir));
}

TEST_CASE("a trim past the end of the input is a clear error", "[media][errors]") {
  PassSpec spec;
  spec.input = sample("av.mp4");
  spec.outputs.push_back(output("late", "video", {{"start", 30}}, out_dir("late")));
  PassResult r = wfc::media::run_pass(spec);
  REQUIRE(r.outputs[0].error);
  CHECK(r.outputs[0].error->kind == "input_unsupported");
  CHECK(r.outputs[0].error->message == "the input has no frames after 30 s");
  CHECK(fs::is_empty(media_dir() / "out-late"));
}

TEST_CASE("options outside the catalog's ranges never reach a pass", "[media][errors]") {
  // A pass's outputs are plan nodes, whose options the compiler typed and range-checked (a
  // stored plan is checked again when read: plan_json_test); the checker says what is wrong.
  std::string error;
  CHECK_FALSE(wfc::operators::standalone_output("t", "thumbnails", {{"count", -5}},
                                                out_dir("range"), &error));
  CHECK(error == "option 'count' of 'thumbnails' must be between 1 and 1000, got -5");
  CHECK_FALSE(
      wfc::operators::standalone_output("v", "video", {{"fps", 1000}}, out_dir("range"), &error));
  CHECK(error == "option 'fps' of 'video' must be between 1 and 60, got 1000");
  CHECK(fs::is_empty(media_dir() / "out-range"));
}

TEST_CASE("a GIF too large to hold for its palette is refused up front", "[media][errors]") {
  PassSpec spec;
  spec.input = sample("long.mp4");
  // 6 s (the input's length bounds the clip) × 30 fps × 7680×4320 × 4 bytes ≫ the budget
  // (`upscale` lets the 320×180 input be drawn 24× larger: security_limits_test.cpp).
  spec.outputs.push_back(output("g", "animation",
                                {{"width", 7680}, {"fps", 30}, {"end", 600}, {"upscale", true}},
                                out_dir("gifbig")));
  PassResult r = wfc::media::run_pass(spec);
  REQUIRE(r.outputs[0].error);
  CHECK(r.outputs[0].error->kind == "options_invalid");
  CHECK(r.outputs[0].error->message.find("is too large") != std::string::npos);
}
