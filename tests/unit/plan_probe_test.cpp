// The probe pass: a file is probed once, however many conditions test it; a workflow's own
// `probe` task serves as that probe when it runs whenever they do.
#include <catch2/catch.hpp>

#include "test_plan.h"

using wfc::test::ids_of;
using wfc::test::plan_text;
using wfc::test::without;

namespace {
const char* kThreeGates = R"([
  {"kind": "conditions", "options": {"width": {"gte": 1280}}, "next": [{"kind": "video"}]},
  {"kind": "conditions", "options": {"duration": {"lt": 60}}, "next": [{"kind": "animation"}]},
  {"kind": "video", "next": [{"kind": "conditions", "options": {"width": {"gt": 100}},
                              "next": [{"kind": "image"}]}]}])";
}

TEST_CASE("plan probe: the gates on one file share one probe", "[plan][probe]") {
  auto p = plan_text(kThreeGates).plan;
  // One probe of the input for t0 and t1; the video's output is another file.
  CHECK(ids_of(p, "probe") == std::vector<std::string>{"$probe.$input", "$probe.t2"});
  CHECK(p.gate("t0")->probe == "$probe.$input");
  CHECK(p.gate("t1")->probe == "$probe.$input");
  CHECK(p.gate("t2.0")->probe == "$probe.t2");
  CHECK(p.node("$probe.$input")->gate.empty());
}

TEST_CASE("plan probe: switched off, each gate probes for itself", "[plan][probe]") {
  auto p = plan_text(kThreeGates, without({"probe"})).plan;
  CHECK(ids_of(p, "probe").size() == 3);
}

TEST_CASE("plan probe: a probe task at the top serves the gates", "[plan][probe]") {
  auto p = plan_text(R"([{"kind": "probe"},
      {"kind": "conditions", "options": {"kind": "video"}, "next": [{"kind": "video"}]}])")
               .plan;
  CHECK(ids_of(p, "probe") == std::vector<std::string>{"t0"});
  CHECK(p.gate("t1")->probe == "t0");
}

TEST_CASE("plan probe: a gated probe task is not hoisted out of its gate", "[plan][probe]") {
  auto p = plan_text(R"([
      {"kind": "conditions", "options": {"width": {"gte": 10}}, "next": [{"kind": "probe"}]},
      {"kind": "conditions", "options": {"height": {"gte": 10}}, "next": [{"kind": "video"}]}])")
               .plan;
  CHECK(p.node("t0.0")->gate == "t0");  // still runs only when its condition holds
  CHECK(p.gate("t1")->probe != "t0.0");
}
