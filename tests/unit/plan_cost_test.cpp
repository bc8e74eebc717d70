// The cost model: estimates that rank work the way encoding it does (more pixels, frames, a
// slower codec or preset cost more), scale with the input's declared duration, and order the
// plan longest path first.
#include <catch2/catch.hpp>

#include "compiler/plan/encoder_settings.h"
#include "test_plan.h"

using wfc::test::plan_text;
using wfc::test::with_input;

namespace {
double units(const wfc::plan::Plan& p, const std::string& id) { return p.node(id)->cost.units; }
}  // namespace

TEST_CASE("plan cost: pixels, frames and the quality's encoder settings rank the work",
          "[plan][cost]") {
  auto p = plan_text(R"([
      {"kind": "video", "options": {"width": 640, "height": 360, "quality": "low"}},
      {"kind": "video", "options": {"width": 1920, "height": 1080, "quality": "low"}},
      {"kind": "video", "options": {"width": 1920, "height": 1080, "quality": "very_high",
                                    "codec": "av1"}},
      {"kind": "video", "options": {"width": 1920, "height": 1080, "quality": "low",
                                    "fps": 60}}])")
               .plan;
  CHECK(units(p, "t1") > 3 * units(p, "t0"));  // 9× the pixels to encode, the same decode
  CHECK(units(p, "t2") > 4 * units(p, "t1"));  // libsvtav1 preset 6 against libx264 veryfast
  CHECK(units(p, "t3") > 1.5 * units(p, "t1"));
  auto av1 = wfc::plan::video_encoder_settings("av1", "very_high");
  REQUIRE(av1);
  CHECK(p.node("t2")->cost.basis.find(std::string(av1->encoder)) != std::string::npos);
}

TEST_CASE("plan cost: the declared duration scales the estimate", "[plan][cost]") {
  const char* w = R"([{"kind": "video"}, {"kind": "speech"}])";
  auto short_ = plan_text(w, with_input("duration=10")).plan;
  auto long_ = plan_text(w, with_input("duration=100")).plan;
  CHECK(units(long_, "t0") == Approx(10 * units(short_, "t0")));
  CHECK(units(long_, "t1") == Approx(10 * units(short_, "t1")));
  CHECK(short_.node("t0")->cost.basis.find("10 s") != std::string::npos);
}

TEST_CASE("plan cost: work is ordered longest path first", "[plan][cost]") {
  auto p = plan_text(R"([{"kind": "image"},
      {"kind": "video", "options": {"width": 640}, "next": [
        {"kind": "video", "options": {"width": 1920, "height": 1080, "codec": "av1",
                                      "quality": "very_high"}}]},
      {"kind": "video", "options": {"width": 1920, "height": 1080}}])")
               .plan;
  // t1 is cheap but leads to the costliest node, so its chain starts first.
  REQUIRE(p.order.size() >= 4);
  CHECK(p.order[1] == "t1");
  CHECK(p.node("t1")->cost.path > p.node("t2")->cost.path);
  CHECK(p.node("t1")->cost.path == Approx(units(p, "t1") + units(p, "t1.0")));
  CHECK(p.order.back() == "t0");
}

TEST_CASE("plan cost: a task sent with a probed file as its input is costed on that file",
          "[plan][cost]") {
  const char* task = R"({"kind": "video", "options": {"quality": "low"}, "input": {
      "url": "https://e.com/a.mp4", "kind": "video", "width": 640, "height": 360, "fps": 25,
      "duration": 10, "rotation": "sideways"}})";
  auto p = plan_text(task).plan;
  // Properties of the wrong type are left out.
  CHECK(p.input_facts ==
        nlohmann::json(
            {{"kind", "video"}, {"width", 640}, {"height", 360}, {"fps", 25}, {"duration", 10}}));
  CHECK(p.node("t0")->cost.basis.rfind("640×360 @25 fps × 10 s", 0) == 0);
  // --input has the last word.
  auto longer = plan_text(task, with_input("duration=20")).plan;
  CHECK(longer.node("t0")->cost.basis.rfind("640×360 @25 fps × 20 s", 0) == 0);
}
