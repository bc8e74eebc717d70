// make_plan() and --input parsing (planner.h): lowering, then the passes in kPassNames order,
// then the cost model and the scheduling order over what is left.
#include "compiler/plan/planner.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>

#include "compiler/diag/wording.h"
#include "compiler/expr/record.h"
#include "compiler/expr/schema.h"
#include "compiler/plan/cost.h"
#include "compiler/plan/lower.h"
#include "compiler/plan/passes.h"

namespace wfc::plan {
namespace {

using Json = nlohmann::json;

std::optional<Json> typed_value(const expr::SlotInfo& slot, std::string_view v) {
  switch (slot.type) {
    case expr::Type::Bool:
      if (v == "true") return Json(true);
      if (v == "false") return Json(false);
      return std::nullopt;
    case expr::Type::Int: {
      int64_t i = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), i);
      if (ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
      return Json(i);
    }
    case expr::Type::Num: {
      std::string s(v);
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (s.empty() || *end != '\0' || !std::isfinite(d)) return std::nullopt;
      return Json(d);
    }
    case expr::Type::Enum:
      for (const auto& value : slot.values) {
        if (value == v) return Json(std::string(v));
      }
      return std::nullopt;
    case expr::Type::Str:
      return Json(std::string(v));
  }
  return std::nullopt;
}

std::string type_words(const expr::SlotInfo& slot) {
  if (slot.type == expr::Type::Enum) return "one of " + diag::join(slot.values);
  return std::string(expr::type_name(slot.type));
}

}  // namespace

std::optional<Json> parse_input_facts(std::string_view text, std::string* error,
                                      const catalog::Catalog& catalog) {
  std::optional<expr::Schema> local;
  const expr::Schema& schema = expr::Schema::of(catalog, expr::Domain::File, local);
  Json facts = Json::object();
  size_t at = 0;
  while (at <= text.size()) {
    size_t comma = text.find(',', at);
    std::string_view pair =
        text.substr(at, comma == std::string_view::npos ? text.npos : comma - at);
    at = comma == std::string_view::npos ? text.size() + 1 : comma + 1;
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      *error = "expected name=value, got " + diag::quote(pair);
      return std::nullopt;
    }
    std::string name(pair.substr(0, eq));
    std::string_view value = pair.substr(eq + 1);
    if (name.rfind(schema.map_name() + ".", 0) == 0 && !schema.map_name().empty() &&
        name.size() > schema.map_name().size() + 1) {
      facts[schema.map_name()][name.substr(schema.map_name().size() + 1)] = std::string(value);
      continue;
    }
    int slot = schema.slot(name);
    if (slot < 0) {
      std::string hint = diag::suggestion(name, catalog.property_names());
      *error = "unknown property " + diag::quote(name) + (hint.empty() ? "" : "; " + hint);
      return std::nullopt;
    }
    const expr::SlotInfo& info = schema.slots()[size_t(slot)];
    auto typed = typed_value(info, value);
    if (!typed) {
      *error = "property " + diag::quote(name) + " must be " + type_words(info) + ", got " +
               diag::quote(value);
      return std::nullopt;
    }
    facts[name] = *typed;
  }
  return facts;
}

namespace {

/// What the document itself says of its input: a single task sent with a probed File as its
/// `input` (`{"kind": "video", "width": 1920, ...}`), as the checker reads it too. Properties
/// of the wrong type are left out (the input is data, not a place for errors).
Json document_facts(const ast::Document& doc, const catalog::Catalog& catalog) {
  Json facts = Json::object();
  if (doc.kind != ast::DocumentKind::Task || !doc.input || !doc.input->is_object()) return facts;
  std::optional<expr::Schema> local;
  const expr::Schema& schema = expr::Schema::of(catalog, expr::Domain::File, local);
  auto take = [&](const std::string& name, const Value& v) {
    if (schema.slot(name) < 0) return;
    Json value = Json::parse(json_text(v), nullptr, /*allow_exceptions=*/false);
    expr::Record check(schema);
    if (!value.is_discarded() && check.set(name, value)) facts[name] = value;
  };
  for (const auto& m : doc.input->members) {
    take(m.key, m.value);
    // The newer File form nests some properties: {"codecs": {"video": "h264"}}.
    if (m.value.is_object()) {
      for (const auto& sub : m.value.members) take(m.key + "." + sub.key, sub.value);
    }
  }
  return facts;
}

}  // namespace

Plan make_plan(const ast::Document& doc, const PlanOptions& options, diag::Diagnostics& diags,
               const catalog::Catalog& catalog) {
  Json facts = document_facts(doc, catalog);
  for (auto it = options.input_facts.begin(); it != options.input_facts.end(); ++it)
    facts[it.key()] = *it;  // --input has the last word
  Plan plan = lower(doc, catalog, facts);
  plan.source = diags.file();
  // What a pass that changed nothing says, so that --explain has a line for every pass.
  const std::map<std::string_view, std::string_view> kNothing = {
      {"prune", "no condition is decided before the run"},
      {"dedupe", "no task repeats another on the same input"},
      {"probe", "no file is probed twice"},
      {"fuse", "no file is read by two tasks that one decode can serve"},
      {"tier", "no predicates"}};
  for (std::string_view pass : kPassNames) {
    bool on = options.enabled(pass);
    size_t lines = plan.explain.size();
    if (on) plan.passes.emplace_back(pass);
    if (pass == "prune" && on) prune_pass(plan, catalog, diags);
    if (pass == "dedupe" && on) dedupe_pass(plan);
    if (pass == "probe" && on) probe_pass(plan);
    if (pass == "fuse" && on) fuse_pass(plan);
    // Every predicate needs an engine: with tiering off it is the VM.
    if (pass == "tier") tier_pass(plan, options, on);
    if (!on) plan.explain.push_back(fmt::format("{}: off", pass));
    if (on && plan.explain.size() == lines)
      plan.explain.push_back(fmt::format("{}: {}", pass, kNothing.at(pass)));
  }
  cost_and_order(plan);
  for (const std::string& id : plan.order) {
    const Node* n = plan.node(id);
    plan.explain.push_back(fmt::format("cost: {} {} {:.1f} (path {:.1f}): {}", n->id, n->op,
                                       n->cost.units, n->cost.path, n->cost.basis));
  }
  return plan;
}

}  // namespace wfc::plan
