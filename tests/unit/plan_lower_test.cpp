// Lowering a checked workflow to the naive plan (--no-opt): ittybit's semantics as the seeds
// state them (siblings read the same file, `next` reads its parent's output, conditions gate
// their `next` on the file they receive, the seed's ingest form), stable ids, and options with
// the catalog's defaults applied.
#include <catch2/catch.hpp>

#include "compiler/util/caps.h"
#include "test_plan.h"

using wfc::test::plan_text;
using wfc::test::without;

TEST_CASE("plan lower: siblings read the run's input, next reads its parent's output",
          "[plan][lower]") {
  auto p = plan_text(R"({"tasks": [
      {"kind": "video", "options": {"width": 1280}, "next": [{"kind": "image"}]},
      {"kind": "speech"}]})",
                     without({"all"}))
               .plan;
  REQUIRE(p.node("t0"));
  CHECK(p.node("t0")->input == "$input");
  CHECK(p.node("t1")->input == "$input");
  CHECK(p.node("t0.0")->input == "t0");
  CHECK(p.node("t0.0")->op == "image");
  CHECK(p.node("$input")->op == "input");
  CHECK(p.tasks.at("t0") == "t0");
  CHECK(p.tasks.size() == 3);
}

TEST_CASE("plan lower: options carry the catalog's defaults; unset options without one stay out",
          "[plan][lower]") {
  auto p = plan_text(R"([{"kind": "video", "options": {"width": 1280}}])", without({"all"})).plan;
  const wfc::plan::Options& typed = p.node("t0")->options;
  nlohmann::json o = typed.to_json();
  CHECK(o["width"] == 1280);
  CHECK(o["format"] == "mp4");
  CHECK(o["codec"] == "h264");
  CHECK(o["quality"] == "medium");
  CHECK_FALSE(o.contains("height"));
  CHECK_FALSE(o.contains("fps"));
  // Typed: a dimension in pixels, each default marked as one.
  REQUIRE(typed.dimension("width"));
  CHECK_FALSE(typed.dimension("width")->percent);
  CHECK(typed.dimension("width")->pixels(640) == 1280);
  CHECK_FALSE(typed.defaulted("width"));
  CHECK(typed.defaulted("format"));
}

TEST_CASE("plan lower: a still of a video without start or select is the representative frame",
          "[plan][lower]") {
  auto p = plan_text(R"([{"kind": "image"}, {"kind": "image", "options": {"start": 2}},
      {"kind": "image", "options": {"select": "scene > 0.3"}},
      {"kind": "conditions", "options": {"kind": "image"}, "next": [{"kind": "image"}]}])",
                     without({"all"}))
               .plan;
  // The catalog's rule, as a select the plan shows and tiers.
  REQUIRE(p.node("t0")->select);
  CHECK(p.node("t0")->select->representative);
  CHECK(p.node("t0")->select->text == "!(black == true)");
  CHECK(p.node("t0")->select->predicate->domain == wfc::expr::Domain::Frame);
  CHECK_FALSE(p.node("t1")->select);  // the frame at `start`
  REQUIRE(p.node("t2")->select);
  CHECK_FALSE(p.node("t2")->select->representative);
  CHECK(p.node("t2")->select->text == "scene > 0.3");
  CHECK_FALSE(p.node("t3.0")->select);  // an image input has one frame to take
}

TEST_CASE("plan lower: defaults that depend on other options", "[plan][lower]") {
  auto p = plan_text(R"([{"kind": "video", "options": {"format": "webm"}},
      {"kind": "thumbnails", "options": {"count": 4}}, {"kind": "thumbnails"},
      {"kind": "animation", "options": {"start": 3}},
      {"kind": "image", "options": {"format": "png"}}, {"kind": "image", "options": {"format": "jpeg"}},
      {"kind": "adaptive_video"}])",
                     without({"all"}))
               .plan;
  CHECK(p.node("t0")->options.text("codec") == "vp9");  // WebM holds vp9 or av1
  CHECK(p.node("t1")->options.integer("count") == 4);
  CHECK_FALSE(p.node("t1")->options.has("interval"));  // `count` holds the default back
  CHECK(p.node("t2")->options.number("interval") == 10);
  CHECK(p.node("t3")->options.number("end") == 8);       // start + 5
  CHECK_FALSE(p.node("t4")->options.has("background"));  // png keeps transparency
  CHECK(p.node("t5")->options.text("background") == "#000000");
  // The default ladder, each rendition with its nested default codec, marked defaulted.
  const wfc::plan::OptionValue* ladder = p.node("t6")->options.find("renditions");
  REQUIRE(ladder);
  CHECK(ladder->defaulted);
  REQUIRE(ladder->items.size() == 4);
  CHECK(ladder->items[0].field("height")->integer == 1080);
  CHECK(ladder->items[3].field("codec")->text == "h264");
}

TEST_CASE("plan lower: a conditions task gates its next on the file it receives", "[plan][lower]") {
  auto p = plan_text(R"([{"kind": "video", "next": [
      {"kind": "conditions", "options": {"width": {"gte": 1280}},
       "next": [{"kind": "image"}, {"kind": "conditions", "options": {"duration": {"lt": 60}},
                                    "next": [{"kind": "animation"}]}]}]}])",
                     without({"all"}))
               .plan;
  const auto* gate = p.gate("t0.0");
  REQUIRE(gate);
  CHECK(gate->file == "t0");  // tests the video task's output
  CHECK(gate->when == "width >= 1280");
  CHECK(gate->parent.empty());
  CHECK(p.node("t0.0.0")->input == "t0");  // the image reads the same file the gate tested
  CHECK(p.node("t0.0.0")->gate == "t0.0");
  REQUIRE(p.gate("t0.0.1"));
  CHECK(p.gate("t0.0.1")->parent == "t0.0");
  CHECK(p.node("t0.0.1.0")->gate == "t0.0.1");
  CHECK(p.tasks.at("t0.0") == "t0.0");  // the API reports the conditions task by its gate
}

TEST_CASE("plan lower: the seed's top-level ingest feeds its siblings", "[plan][lower]") {
  auto p = plan_text(R"({"tasks": [
      {"kind": "ingest", "options": {"url": "https://example.com/video.mp4"}},
      {"kind": "video", "options": {"width": 1280, "height": 720, "format": "mp4"}},
      {"kind": "speech"}, {"kind": "summary"}]})",
                     without({"all"}))
               .plan;
  CHECK(p.node("t0")->input.empty());
  CHECK(p.node("t0")->options.text("url") == "https://example.com/video.mp4");
  CHECK(p.node("t1")->input == "t0");
  CHECK(p.node("t3")->input == "t0");
  CHECK_FALSE(p.node("$input"));  // nothing reads a run input besides the ingested file
}

TEST_CASE("plan lower: an ingest with next feeds only its next", "[plan][lower]") {
  auto p = plan_text(R"({"tasks": [{"kind": "ingest", "options": {"url": "https://e.com/a.mp4"},
      "next": [{"kind": "video", "next": [{"kind": "image"}]}, {"kind": "speech"}]}]})",
                     without({"all"}))
               .plan;
  CHECK(p.node("t0.0")->input == "t0");
  CHECK(p.node("t0.1")->input == "t0");
  CHECK(p.node("t0.0.0")->input == "t0.0");
}

TEST_CASE("plan lower: ids come from refs, else from positions; refs that look like ids do not",
          "[plan][lower]") {
  auto p = plan_text(R"([{"kind": "video", "ref": "hd", "next": [{"kind": "image"}]},
      {"kind": "audio", "ref": "t2"}, {"kind": "summary"}])",
                     without({"all"}))
               .plan;
  CHECK(p.node("hd"));
  CHECK(p.node("t0.0"));  // the image under `hd`: a path counts tasks, not refs
  CHECK(p.node("t0.0")->op == "image");
  CHECK(p.node("t1"));  // the audio's ref 't2' would collide with the summary's id: not used
  CHECK(p.node("t1")->ref == "t2");
  CHECK(p.node("t1")->op == "audio");
  CHECK(p.node("t2")->op == "summary");
  CHECK(p.node("hd")->pointer == "/0");
}

TEST_CASE("plan lower: a single task with a url reads that url", "[plan][lower]") {
  auto p =
      plan_text(R"({"url": "https://example.com/video.mp4", "kind": "speech"})", without({"all"}))
          .plan;
  CHECK(p.node("$input")->options.text("url") == "https://example.com/video.mp4");
  CHECK(p.node("t0")->input == "$input");
}

TEST_CASE("plan lower: a workflow at the task cap plans, every task accounted for",
          "[plan][lower]") {
  // caps::kMaxTasksPerWorkflow tasks: the most a workflow may hold (WF116 past it).
  constexpr int kSpeech = 600, kGates = 133;
  static_assert(kSpeech + 3 * kGates + 1 == wfc::caps::kMaxTasksPerWorkflow);
  std::string text = "[";
  for (int i = 0; i < kSpeech; ++i) text += R"({"kind": "speech"},)";
  for (int i = 0; i < kGates; ++i) {
    text += R"({"kind": "conditions", "options": {"width": {"gte": )" + std::to_string(i) +
            R"(}}, "next": [{"kind": "video", "next": [{"kind": "image"}]}]},)";
  }
  text += R"({"kind": "summary"}])";
  auto p = plan_text(text).plan;
  CHECK(p.tasks.size() == wfc::caps::kMaxTasksPerWorkflow);
  CHECK(wfc::test::ids_of(p, "speech").size() == 1);  // the same transcript, made once
  CHECK(p.node("t0")->tasks.size() == kSpeech);
  CHECK(wfc::test::ids_of(p, "probe").size() == 1);  // one probe for all the conditions
  CHECK(wfc::test::ids_of(p, "video").size() == kGates);
}
