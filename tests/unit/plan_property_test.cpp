// The equivalence property of the passes: for generated workflows (tests/unit/
// test_workflow_gen.h, with duplicated tasks added so dedupe has work), the optimized plan and
// the --no-opt plan describe the same outputs. For every task that makes something, and for
// random inputs, both plans run it or both skip it, with the same operator, resolved options,
// output place and frame predicate, reading a file made by the same chain of operators. The
// optimized plan may also know part of the input (--input); it must agree on every input that
// fits what it was told.
#include <catch2/catch.hpp>
#include <functional>
#include <random>

#include "compiler/expr/eval_ref.h"
#include "compiler/expr/record.h"
#include "compiler/plan/lower.h"
#include "compiler/plan/passes.h"
#include "test_plan.h"
#include "test_workflow_gen.h"

using wfc::plan::Plan;
using Json = nlohmann::json;

namespace {

const wfc::expr::Schema& file_schema() {
  return wfc::expr::Schema::builtin(wfc::expr::Domain::File);
}

/// The facts of a file a node makes: the input's own for the run's input or an ingested file;
/// for a derived file, only its kind (the planner knows no more of it, and neither do we).
wfc::expr::Record file_record(const Plan& p, const std::string& file, const Json& input) {
  const auto* n = p.node(file);
  if (!n || n->op == "input" || n->input.empty())
    return wfc::expr::Record::from_json(file_schema(), input);
  wfc::expr::Record r(file_schema());
  std::string kind = n->produces == wfc::catalog::kVideo   ? "video"
                     : n->produces == wfc::catalog::kAudio ? "audio"
                     : n->produces == wfc::catalog::kImage ? "image"
                                                           : "data";
  r.set_text(uint16_t(file_schema().kind_slot()), kind);
  return r;
}

bool gate_holds(const Plan& p, const std::string& gate, const Json& input) {
  for (const auto* g = p.gate(gate); g; g = p.gate(g->parent)) {
    const auto* pred = g->predicate.get();
    REQUIRE(pred);
    auto rec = file_record(p, wfc::plan::file_of(p, g->file), input);
    if (!wfc::expr::eval_ref(pred->root, rec)) return false;
  }
  return true;
}

bool runs(const Plan& p, const std::string& node, const Json& input) {
  const auto* n = p.node(node);
  if (!n) return false;
  if (!gate_holds(p, n->gate, input)) return false;
  return n->input.empty() || n->op == "input" || runs(p, n->input, input);
}

/// The chain of operators and options that made what `node` reads.
std::string lineage(const Plan& p, const std::string& node) {
  std::string out;
  for (const auto* n = p.node(node); n && !n->input.empty(); n = p.node(n->input)) {
    const auto* in = p.node(n->input);
    if (in && in->op != "probe") out += in->op + in->options.to_json().dump() + " < ";
  }
  return out;
}

Json random_input(std::mt19937& rng) {
  auto pick = [&](std::vector<Json> v) { return v[rng() % v.size()]; };
  Json r = {{"kind", pick({"video", "video", "audio", "image"})},
            {"width", pick({320, 720, 1280, 1920, 3840})},
            {"height", pick({240, 720, 1080, 2160})},
            {"duration", pick({5.0, 59.5, 60.0, 299.5, 1200.0})},
            {"fps", pick({24, 30, 60})},
            {"bitrate", pick({400000, 9000000})},
            {"has_audio", pick({true, false})},
            {"orientation", pick({"landscape", "portrait", "square"})},
            {"rotation", pick({0, 90, 270})},
            {"codecs.video", pick({"h264", "vp9", "hevc"})},
            {"format", pick({"mp4", "mkv", "webm"})},
            {"channels", pick({1, 2})},
            {"sample_rate", pick({22050, 48000})},
            {"language", pick({"en", "pt"})},
            {"animated", pick({true, false})},
            {"filesize", pick({1000, 900000})},
            {"type", pick({"image/png", "video/mp4"})},
            {"metadata", {{"source", pick({"upload", "import"})}}}};
  if (rng() % 4 == 0) r.erase("width");  // a property the file lacks is null
  return r;
}

/// Appends a copy of a top-level task (refs removed, so they stay unique).
void duplicate_a_task(wfc::test::Gen::Json& doc, std::mt19937& rng) {
  wfc::test::Gen::Json* list = doc.is_array()             ? &doc
                               : doc.contains("tasks")    ? &doc["tasks"]
                               : doc.contains("workflow") ? &doc["workflow"]
                                                          : nullptr;
  if (!list || list->empty()) return;
  auto copy = (*list)[rng() % list->size()];
  std::function<void(wfc::test::Gen::Json&)> strip = [&](wfc::test::Gen::Json& t) {
    t.erase("ref");
    if (t.contains("next"))
      for (auto& c : t["next"]) strip(c);
  };
  strip(copy);
  list->push_back(copy);
}

}  // namespace

TEST_CASE("plan property: optimized and --no-opt plans describe the same outputs",
          "[plan][property]") {
  wfc::test::Gen gen(20251123);
  std::mt19937 rng(7);
  size_t compared = 0, pruned = 0, merged = 0, fused = 0;
  for (int i = 0; i < 300; ++i) {
    auto doc = gen.document();
    if (rng() % 2) duplicate_a_task(doc, rng);
    std::string text = doc.dump();
    Json input = random_input(rng);
    // The optimized plan is told part of the input.
    Json facts = Json::object();
    for (auto it = input.begin(); it != input.end(); ++it) {
      if (rng() % 3 == 0) facts[it.key()] = *it;
    }
    wfc::plan::PlanOptions told;
    told.input_facts = facts;
    auto naive = wfc::test::plan_text(text, wfc::test::without({"all"})).plan;
    auto opt = wfc::test::plan_text(text, told).plan;
    pruned += opt.pruned.size();
    merged += naive.nodes.size() + naive.gates.size() - opt.nodes.size() - opt.gates.size();
    fused += opt.groups.size();
    INFO(text << "\nfacts: " << facts.dump() << "\ninput: " << input.dump() << "\nnaive:\n"
              << wfc::plan::render_text(naive) << "optimized:\n"
              << wfc::plan::render_text(opt, true));
    for (const auto& [task, target] : naive.tasks) {
      const auto* n = naive.node(target);
      if (!n) continue;  // a conditions task: what it gates is compared
      INFO("task " << task);
      REQUIRE(opt.tasks.count(task));
      const std::string& o = opt.tasks.at(task);
      bool naive_runs = runs(naive, target, input);
      if (o.empty()) {
        CHECK_FALSE(naive_runs);
        continue;
      }
      const auto* m = opt.node(o);
      REQUIRE(m);
      CHECK(m->op == n->op);
      CHECK(m->options == n->options);
      CHECK(m->folder == n->folder);
      CHECK(m->filename == n->filename);
      // The same `select`; the catalog's representative-frame rule applies to video inputs
      // only, so a plan that knows its input is not video leaves it out.
      auto written = [](const wfc::plan::Node* x) {
        return x->select && !x->select->representative ? x->select->text : "";
      };
      CHECK(written(m) == written(n));
      if (m->select && n->select) CHECK(m->select->text == n->select->text);
      CHECK(lineage(opt, o) == lineage(naive, target));
      CHECK(runs(opt, o, input) == naive_runs);
      ++compared;
    }
  }
  // The generator exercises every pass.
  CHECK(compared > 1000);
  CHECK(pruned > 0);
  CHECK(merged > 0);
  CHECK(fused > 0);
}
