// The prune pass: gates folded with what is known of their file; branches that never run leave
// the plan (WF502 when only --input makes them dead), gates that always hold disappear, and the
// rest simplify. The checker's own warnings (WF501, WF409) are not repeated.
#include <catch2/catch.hpp>

#include "test_plan.h"

using wfc::test::codes;
using wfc::test::plan_text;
using wfc::test::with_input;
using wfc::test::without;

namespace {
const char* kGated = R"([
  {"kind": "summary"},
  {"kind": "conditions", "options": {"kind": {"eq": "video"}, "width": {"gte": 1280}},
   "next": [{"kind": "adaptive_video"}, {"kind": "image", "next": [{"kind": "export",
             "options": {"url": "s3://b/k"}}]}]}
])";
}

TEST_CASE("plan prune: --input that fails a condition prunes its branch with WF502",
          "[plan][prune]") {
  auto r = plan_text(kGated, with_input("kind=audio,duration=30"));
  CHECK_FALSE(r.plan.gate("t1"));
  CHECK_FALSE(r.plan.node("t1.0"));
  CHECK_FALSE(r.plan.node("t1.1.0"));
  CHECK(r.plan.node("t0"));
  CHECK(r.plan.tasks.at("t1.0").empty());
  CHECK(r.plan.pruned.size() == 4);  // the gate and the three tasks under it
  REQUIRE(r.diags.size() == 1);
  const auto& d = r.diags.items()[0];
  CHECK(wfc::test::describe(d) ==
        wfc::test::at(kGated, R"({"kind": {"eq": "video"}, "width": {"gte": 1280}})") +
            " WF502 branch never runs for the declared input: "
            "'kind == \"video\" && width >= 1280' is false for duration=30,kind=audio"
            " | the plan leaves out 't1' and the 3 task(s) it gates; this input is what --input "
            "declares @/1/options");
  CHECK(d.severity == wfc::diag::Severity::Warning);
}

TEST_CASE("plan prune: a condition --input fully satisfies is removed, its tasks run ungated",
          "[plan][prune]") {
  auto r = plan_text(kGated, with_input("kind=video,width=1920"));
  CHECK_FALSE(r.plan.gate("t1"));
  CHECK(r.plan.node("t1.0")->gate.empty());
  CHECK(r.plan.tasks.at("t1") == "$input");  // the conditions task passes its file on
  CHECK(r.diags.empty());
  CHECK(r.plan.node("$probe.t1") == nullptr);  // nothing needs the gate's probe any more
}

TEST_CASE("plan prune: what --input does not say stays open; the rest folds", "[plan][prune]") {
  auto r = plan_text(kGated, with_input("kind=video"));
  REQUIRE(r.plan.gate("t1"));
  CHECK(r.plan.gate("t1")->when == "width >= 1280");
  CHECK(r.diags.empty());
}

TEST_CASE("plan prune: a branch the chain makes dead is pruned, warned once (by the checker)",
          "[plan][prune]") {
  auto r = plan_text(R"([{"kind": "audio", "next": [{"kind": "conditions",
      "options": {"kind": "video"}, "next": [{"kind": "subtitles"}]}]}])");
  CHECK(codes(r.diags) == std::vector<std::string>{"WF501"});
  CHECK_FALSE(r.plan.node("t0.0.0"));
  CHECK(r.plan.tasks.at("t0.0.0").empty());
  CHECK(r.plan.pruned.size() == 2);
}

TEST_CASE("plan prune: a contradiction is pruned without a second warning", "[plan][prune]") {
  auto r = plan_text(R"([{"kind": "conditions", "options": {"width": {"gt": 100, "lt": 50}},
      "next": [{"kind": "video"}]}])");
  CHECK(codes(r.diags) == std::vector<std::string>{"WF409"});
  CHECK_FALSE(r.plan.node("t0.0"));
}

TEST_CASE("plan prune: switched off, every gate stays", "[plan][prune]") {
  auto r = plan_text(kGated, [] {
    auto o = with_input("kind=audio");
    o.disabled.insert("prune");
    return o;
  }());
  CHECK(r.plan.gate("t1"));
  CHECK(r.plan.node("t1.1.0"));
  CHECK(r.diags.empty());
  CHECK(r.plan.pruned.empty());
}

TEST_CASE("plan prune: --input is typed by the catalog", "[plan][prune]") {
  std::string error;
  CHECK_FALSE(wfc::plan::parse_input_facts("widht=5", &error));
  CHECK(error == "unknown property 'widht'; did you mean 'width'?");
  CHECK_FALSE(wfc::plan::parse_input_facts("width=wide", &error));
  CHECK(error == "property 'width' must be integer, got 'wide'");
  CHECK_FALSE(wfc::plan::parse_input_facts("kind=movie", &error));
  CHECK(error == "property 'kind' must be one of video, audio, image, got 'movie'");
  CHECK_FALSE(wfc::plan::parse_input_facts("width", &error));
  auto ok = wfc::plan::parse_input_facts("kind=video,duration=12.5,metadata.source=upload", &error);
  REQUIRE(ok);
  CHECK((*ok)["duration"] == 12.5);
  CHECK((*ok)["metadata"]["source"] == "upload");
}
