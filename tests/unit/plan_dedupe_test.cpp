// The dedupe pass: the same work on the same file, asked for twice, is done once; both task ids
// still map to it. Work that differs in any way a user would notice (options, output place,
// gating, input) is not merged.
#include <catch2/catch.hpp>

#include "test_plan.h"

using wfc::test::ids_of;
using wfc::test::plan_text;
using wfc::test::without;

TEST_CASE("plan dedupe: identical tasks on the same input become one node serving both",
          "[plan][dedupe]") {
  // `{}` and the defaults written out mean the same video.
  auto p = plan_text(R"([{"kind": "video", "next": [{"kind": "image"}]},
      {"kind": "video", "options": {"format": "mp4", "quality": "medium"},
       "next": [{"kind": "image"}, {"kind": "audio"}]}])")
               .plan;
  CHECK(ids_of(p, "video") == std::vector<std::string>{"t0"});
  CHECK(ids_of(p, "image") == std::vector<std::string>{"t0.0"});  // their images meet too
  CHECK(p.tasks.at("t1") == "t0");
  CHECK(p.tasks.at("t1.0") == "t0.0");
  CHECK(p.tasks.at("t1.1") == "t1.1");
  CHECK(p.node("t1.1")->input == "t0");  // the survivor's output feeds the other's next
  CHECK(p.node("t0")->tasks == std::vector<std::string>{"t0", "t1"});
}

TEST_CASE("plan dedupe: different options, places, inputs or gates are different work",
          "[plan][dedupe]") {
  auto p = plan_text(R"([{"kind": "image", "options": {"width": 320}},
      {"kind": "image", "options": {"width": 640}},
      {"kind": "image", "options": {"width": 320}, "folder": "thumbs"},
      {"kind": "video", "next": [{"kind": "image", "options": {"width": 320}}]},
      {"kind": "conditions", "options": {"kind": "video"},
       "next": [{"kind": "image", "options": {"width": 320}}]}])",
                     without({"fuse"}))
               .plan;
  CHECK(ids_of(p, "image").size() == 5);
}

TEST_CASE("plan dedupe: two copies of a condition merge, and so do the tasks under them",
          "[plan][dedupe]") {
  auto p = plan_text(R"([
      {"kind": "conditions", "options": {"width": {"gte": 1280}}, "next": [{"kind": "speech"}]},
      {"kind": "conditions", "options": {"width": {"gte": 1280}}, "next": [{"kind": "speech"}]}])")
               .plan;
  CHECK(p.gates.size() == 1);
  CHECK(ids_of(p, "speech") == std::vector<std::string>{"t0.0"});
  CHECK(p.tasks.at("t1") == "t0");
  CHECK(p.tasks.at("t1.0") == "t0.0");
  CHECK(p.gate("t0")->tasks == std::vector<std::string>{"t0", "t1"});
}

TEST_CASE("plan dedupe: switched off, every task keeps its node", "[plan][dedupe]") {
  auto p = plan_text(R"([{"kind": "speech"}, {"kind": "speech"}])", without({"dedupe"})).plan;
  CHECK(ids_of(p, "speech") == std::vector<std::string>{"t0", "t1"});
}
