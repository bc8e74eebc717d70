// `wfc plan` as a user runs it: the text tree, JSON that reads back, DOT that Graphviz renders
// with fused groups as clusters, --explain and the pass switches, and the usual diagnostics and
// exit statuses for invalid workflows and bad arguments.
#include <catch2/catch.hpp>

#include "compiler/plan/plan.h"
#include "test_cli.h"

using wfc::test::run_wfc;
using wfc::test::TempDir;

namespace {
const char* kWorkflow = R"({"name": "Uploads", "workflow": [
  {"kind": "video", "ref": "hd", "options": {"width": 1280}, "next": [{"kind": "image"}]},
  {"kind": "speech"},
  {"kind": "conditions", "options": {"kind": {"eq": "video"}}, "next": [{"kind": "thumbnails"}]}
]})";
}

TEST_CASE("wfc plan: text shows ids, kinds, options, gates and groups", "[plan][cli]") {
  TempDir dir;
  dir.write("w.json", kWorkflow);
  auto r = run_wfc(dir, {"plan", "w.json"}, "NO_COLOR=1");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(r.out.find("plan of w.json (plan_version 2)") == 0);
  CHECK(r.out.find("  hd  video ") != std::string::npos);
  CHECK(r.out.find("width=1280") != std::string::npos);
  CHECK(r.out.find("t2  when kind == \"video\"  [vm, probe $probe.$input]") != std::string::npos);
  CHECK(r.out.find("group $fuse.$input decodes $input once") != std::string::npos);
  CHECK(r.out.find("explain:") == std::string::npos);
  auto e = run_wfc(dir, {"plan", "w.json", "--explain"});
  CHECK(e.out.find("explain:\n  ") != std::string::npos);
  for (const char* pass : {"prune", "dedupe", "probe", "fuse", "tier"}) {
    INFO(pass);
    CHECK(e.out.find(std::string("\n  ") + pass + ": ") != std::string::npos);
  }
  CHECK(e.out.find("  cost: ") != std::string::npos);
}

TEST_CASE("wfc plan: --format json reads back", "[plan][cli]") {
  TempDir dir;
  dir.write("w.json", kWorkflow);
  auto r = run_wfc(dir, {"plan", "w.json", "--format", "json"});
  CHECK(r.status == 0);
  auto back = wfc::plan::from_json_text(r.out);
  INFO(back.error);
  REQUIRE(back.plan.has_value());
  CHECK(back.plan->tasks.at("hd") == "hd");
}

TEST_CASE("wfc plan: --format dot renders with Graphviz, fused groups as clusters", "[plan][cli]") {
  TempDir dir;
  dir.write("w.json", kWorkflow);
  auto r = run_wfc(dir, {"plan", "w.json", "--format", "dot"});
  REQUIRE(r.status == 0);
  CHECK(r.out.find("subgraph \"cluster_$fuse.$input\"") != std::string::npos);
  dir.write("plan.dot", r.out);
  std::string cmd = "cd " + wfc::test::quote(dir.path().string()) +
                    " && dot -Tsvg plan.dot -o plan.svg 2>dot.err";
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::string svg = wfc::test::slurp(dir.path() / "plan.svg");
  CHECK(svg.find("<svg") != std::string::npos);
  CHECK(svg.find("class=\"cluster\"") != std::string::npos);
  CHECK(svg.find("thumbnails") != std::string::npos);
}

TEST_CASE("wfc plan: --no-opt and --no-pass switch passes off", "[plan][cli]") {
  TempDir dir;
  dir.write("w.json", kWorkflow);
  auto r = run_wfc(dir, {"plan", "w.json", "--no-opt", "--explain"});
  CHECK(r.status == 0);
  CHECK(r.out.find("passes: none") != std::string::npos);
  CHECK(r.out.find("group ") == std::string::npos);
  auto f = run_wfc(dir, {"plan", "w.json", "--no-pass", "fuse"});
  CHECK(f.out.find("passes: prune, dedupe, probe, tier") != std::string::npos);
  auto bad = run_wfc(dir, {"plan", "w.json", "--no-pass", "fusion"});
  CHECK(bad.status == 2);
  CHECK(bad.err.find("unknown pass 'fusion'") != std::string::npos);
}

TEST_CASE("wfc plan: --input folds conditions and warns of dead branches", "[plan][cli]") {
  TempDir dir;
  dir.write("w.json", kWorkflow);
  auto r = run_wfc(dir, {"plan", "w.json", "--input", "kind=audio"}, "NO_COLOR=1");
  CHECK(r.status == 0);
  CHECK(r.err.find("warning[WF502]") != std::string::npos);
  CHECK(r.out.find("pruned t2.0: 'kind == \"video\"' never holds for the input kind=audio") !=
        std::string::npos);
  auto bad = run_wfc(dir, {"plan", "w.json", "--input", "kind=film"});
  CHECK(bad.status == 2);
  CHECK(bad.err.find("--input: property 'kind' must be one of video, audio, image") !=
        std::string::npos);
}

TEST_CASE("wfc plan: an invalid workflow prints its diagnostics and exits 1", "[plan][cli]") {
  TempDir dir;
  dir.write("bad.json", R"([{"kind": "vidoe"}])");
  auto r = run_wfc(dir, {"plan", "bad.json"}, "NO_COLOR=1");
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("error[WF201]: unknown kind 'vidoe'") != std::string::npos);
  auto missing = run_wfc(dir, {"plan", "nope.json"});
  CHECK(missing.status == 2);
}
