// The plan's JSON form: what the store keeps and the runtime reads back. Every example workflow's
// plan survives the round trip unchanged; a plan that is not right (wrong version, wrong types,
// references to nothing, cycles, damaged text) is refused with the field named, never a crash.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/plan/plan.h"
#include "test_plan.h"

namespace fs = std::filesystem;
using Json = nlohmann::json;
using wfc::plan::from_json;
using wfc::plan::from_json_text;
using wfc::plan::to_json;

namespace {

const char* kWorkflow = R"([
  {"kind": "video", "ref": "hd", "options": {"width": 1280}, "next": [{"kind": "image"}]},
  {"kind": "conditions", "options": {"kind": "video", "width": {"gte": 1920}},
   "next": [{"kind": "adaptive_video"}, {"kind": "image", "options": {"select": "scene > 0.3"}}]},
  {"kind": "speech"}, {"kind": "speech"}])";

std::string error_of(Json j) {
  auto r = from_json(j);
  CHECK_FALSE(r.plan.has_value());
  return r.error;
}

}  // namespace

TEST_CASE("plan json: a plan reads back to the same plan", "[plan][json]") {
  auto p = wfc::test::plan_text(kWorkflow).plan;
  Json j = to_json(p);
  CHECK(j["plan_version"] == 2);
  auto back = from_json(j);
  INFO(back.error);
  REQUIRE(back.plan.has_value());
  CHECK(to_json(*back.plan) == j);
  CHECK(back.plan->tasks.at("t3") == "t2");  // the deduplicated speech maps to the survivor
  CHECK(back.plan->node("hd")->span == p.node("hd")->span);
  auto text = from_json_text(j.dump());
  REQUIRE(text.plan.has_value());
  CHECK(to_json(*text.plan) == j);
}

TEST_CASE("plan json: every example workflow's plan round-trips", "[plan][json]") {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(fs::path(WFC_SOURCE_DIR) / "workflows")) {
    if (e.path().extension() != ".json") continue;
    std::ifstream in(e.path());
    std::stringstream s;
    s << in.rdbuf();
    auto p = wfc::test::plan_text(s.str()).plan;
    Json j = to_json(p);
    auto back = from_json(j);
    INFO(e.path() << ": " << back.error);
    REQUIRE(back.plan.has_value());
    CHECK(to_json(*back.plan) == j);
    ++n;
  }
  CHECK(n >= 19);
}

TEST_CASE("plan json: bad plans are errors naming the field", "[plan][json]") {
  Json good = to_json(wfc::test::plan_text(kWorkflow).plan);
  REQUIRE(from_json(good).plan.has_value());

  Json j = good;
  j["plan_version"] = 1;
  CHECK(error_of(j) == "plan_version: version 1 is not supported (this wfc reads 2)");
  j = good;
  j.erase("plan_version");
  CHECK(error_of(j) == "plan_version: missing");
  j = good;
  j["nodes"][1]["input"] = "nowhere";
  CHECK(error_of(j) == "nodes/1/input: unknown id 'nowhere'");
  j = good;
  j["nodes"][1]["options"] = "fast";
  CHECK(error_of(j) == "nodes/1/options: must be an object");
  j = good;
  j["nodes"][1]["id"] = j["nodes"][2]["id"];
  CHECK(error_of(j).find("duplicate id") != std::string::npos);
  j = good;
  j["gates"][0]["tier"]["engine"] = "gpu";
  CHECK(error_of(j) == "gates/0/tier/engine: must be vm, jit or reference");
  j = good;
  j["tasks"]["t9"] = "ghost";
  CHECK(error_of(j) == "tasks/t9: unknown id 'ghost'");
  j = good;
  j["nodes"][1]["span"] = {1, 2};
  CHECK(error_of(j) == "nodes/1/span: must be [line, column, end_line, end_column]");
  CHECK(error_of(Json::array()) == "plan: must be an object");

  // Options are typed against the kind's catalog entry, with every default already there.
  size_t hd = 0;
  while (good["nodes"][hd]["id"] != "hd") ++hd;
  std::string at = "nodes/" + std::to_string(hd) + "/";
  j = good;
  j["nodes"][hd]["options"]["width"] = "huge";
  CHECK(error_of(j) == at + "options/width: must be pixels 1–7680 or a percentage \"NN%\", got "
                            "\"huge\"");
  j = good;
  j["nodes"][hd]["options"]["fps"] = 1000;
  CHECK(error_of(j) == at + "options/fps: must be number 1–60, got 1000");
  j = good;
  j["nodes"][hd]["options"].erase("format");
  CHECK(error_of(j) == at + "options/format: is missing: the plan was made without its default");
  j = good;
  j["nodes"][hd]["options"]["speed"] = "fast";
  CHECK(error_of(j) == at + "options/speed: is not an option of 'video'");
  j = good;
  j["nodes"][hd]["op"] = "hologram";
  CHECK(error_of(j) == at + "op: unknown kind 'hologram'");
  // Predicates are typed IR over the catalog's properties.
  j = good;
  j["gates"][0]["predicate"] = {
      {"op", "gte"}, {"property", "widht"}, {"type", "integer"}, {"args", {1920}}};
  CHECK(error_of(j) == "gates/0/predicate/property: unknown property 'widht'");
  j = good;
  j["gates"][0]["predicate"] = {
      {"op", "gte"}, {"property", "width"}, {"type", "string"}, {"args", {"1920"}}};
  CHECK(error_of(j) == "gates/0/predicate/property: 'width' is integer, not string");
  j = good;
  j["gates"][0].erase("predicate");
  CHECK(error_of(j) == "gates/0/predicate: missing");
  j = good;
  j["gates"][0]["predicate"] = {{"and", {true}}};
  CHECK(error_of(j) == "gates/0/predicate/and: must list two or more nodes");
  CHECK(from_json_text("{\"plan_version\": 1, \"nodes\": [").error == "plan: not valid JSON");
}

TEST_CASE("plan json: a cycle of inputs is refused", "[plan][json]") {
  Json j = to_json(wfc::test::plan_text(R"([{"kind": "video", "next": [{"kind": "video"}]}])",
                                        wfc::test::without({"all"}))
                       .plan);
  // t0 reads t0.0 and t0.0 reads t0.
  for (auto& n : j["nodes"]) {
    if (n["id"] == "t0") n["input"] = "t0.0";
  }
  CHECK(error_of(j).find("forms a cycle") != std::string::npos);
}

TEST_CASE(
    "plan json: any field replaced by a value of another type is refused or read, never "
    "a crash",
    "[plan][json]") {
  Json good = to_json(wfc::test::plan_text(kWorkflow).plan);
  const std::vector<Json> junk = {
      nullptr, 7, -1, 1.5, "x", true, Json::array(), Json::object(), Json::array({1, "a"})};
  size_t refused = 0, tried = 0;
  // Every field of the top level, of each node, gate and group.
  auto mutate = [&](auto&& at) {
    for (const Json& bad : junk) {
      Json j = good;
      at(j) = bad;
      auto r = from_json(j);
      ++tried;
      CHECK((r.plan.has_value() != !r.error.empty()));
      if (!r.plan) ++refused;
    }
  };
  for (auto it = good.begin(); it != good.end(); ++it) {
    std::string key = it.key();
    mutate([&](Json& j) -> Json& { return j[key]; });
  }
  for (const char* list : {"nodes", "gates", "groups"}) {
    for (size_t i = 0; i < good[list].size(); ++i) {
      for (auto it = good[list][i].begin(); it != good[list][i].end(); ++it) {
        std::string key = it.key();
        mutate([&](Json& j) -> Json& { return j[list][i][key]; });
      }
    }
  }
  CHECK(tried > 300);
  CHECK(refused > tried / 2);
}
