// Golden plans: the text plan of every workflow in workflows/ is kept in
// tests/golden/plans/<name>.plan (WFC_UPDATE_GOLDEN=1 rewrites them), so a change to lowering,
// a pass or the cost model shows in review as a change to what users see. The JSON, YAML and
// .wf forms of a workflow must give the same plan: the same ids, nodes, gates and groups.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "compiler/plan/render.h"
#include "test_meaning.h"
#include "test_plan.h"

namespace fs = std::filesystem;
using wfc::syntax::Syntax;

namespace {

const fs::path kWorkflows = fs::path(WFC_SOURCE_DIR) / "workflows";
const fs::path kGolden = fs::path(WFC_SOURCE_DIR) / "tests" / "golden" / "plans";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The plan's JSON without where each task was written (which differs between syntaxes).
nlohmann::json located_nowhere(const wfc::plan::Plan& p) {
  nlohmann::json j = wfc::plan::to_json(p);
  for (auto& n : j["nodes"]) n.erase("span");
  for (auto& g : j["gates"]) g.erase("span"), g.erase("when_span");
  return j;
}

}  // namespace

TEST_CASE("plan golden: every workflow's plan is its golden, the same from each syntax",
          "[plan][golden]") {
  bool update = std::getenv("WFC_UPDATE_GOLDEN") != nullptr;
  std::map<std::string, std::vector<fs::path>> by_name;
  for (const auto& e : fs::directory_iterator(kWorkflows)) {
    if (wfc::syntax::syntax_for_path(e.path().filename().string()))
      by_name[e.path().stem().string()].push_back(e.path());
  }
  REQUIRE(by_name.size() >= 19);
  bool dsl = wfc::test::dsl_supported();
  for (auto& [name, files] : by_name) {
    std::sort(files.begin(), files.end());
    std::string text;
    nlohmann::json json;
    for (const auto& f : files) {
      auto syntax = *wfc::syntax::syntax_for_path(f.filename().string());
      if (syntax == Syntax::Dsl && !dsl) continue;
      INFO(f);
      auto planned = wfc::test::plan_text(read(f), {}, syntax, f.filename().string()).plan;
      planned.source = name;  // the same plan, whichever file it came from
      std::string t = wfc::plan::render_text(planned, true);
      if (text.empty()) {
        text = t;
        json = located_nowhere(planned);
      } else {
        CHECK(t == text);
        CHECK(located_nowhere(planned) == json);
      }
    }
    fs::path golden = kGolden / (name + ".plan");
    if (update) {
      fs::create_directories(kGolden);
      std::ofstream(golden, std::ios::binary) << text;
      continue;
    }
    INFO("tests/golden/plans/" << name << ".plan (WFC_UPDATE_GOLDEN=1 rewrites it)");
    REQUIRE(fs::exists(golden));
    CHECK(read(golden) == text);
  }
}

TEST_CASE("plan golden: every golden plan has its workflow", "[plan][golden]") {
  for (const auto& e : fs::directory_iterator(kGolden)) {
    INFO(e.path());
    CHECK(e.path().extension() == ".plan");
    CHECK(fs::exists(kWorkflows / (e.path().stem().string() + ".json")));
  }
}
