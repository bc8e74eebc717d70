// Preparing plans (prepared_plan.h).
#include "runtime/exec/prepared_plan.h"

#include <limits>

namespace wfc::exec {
namespace {

expr::Engine engine_of(const plan::Tier& tier, PredicateEngines engines) {
  switch (engines) {
    case PredicateEngines::Vm:
      return expr::Engine::Vm;
    case PredicateEngines::Jit:
      return expr::Engine::Jit;
    case PredicateEngines::Auto:
      break;
  }
  if (tier.engine == "jit") return expr::Engine::Jit;
  if (tier.engine == "reference") return expr::Engine::Reference;
  return expr::Engine::Vm;
}

}  // namespace

std::optional<PredicateEngines> parse_predicate_engines(std::string_view name) {
  if (name == "auto") return PredicateEngines::Auto;
  if (name == "vm") return PredicateEngines::Vm;
  if (name == "jit") return PredicateEngines::Jit;
  return std::nullopt;
}

PredicateRun PredicateRun::of(const expr::CompiledPredicate& p, const expr::Evaluations& e) {
  PredicateRun r;
  r.engine = std::string(expr::engine_name(p.engine()));
  r.planned = std::string(expr::engine_name(p.wanted()));
  r.fallback = p.fallback();
  r.evaluations = e.count;
  r.nanoseconds = e.nanoseconds;
  return r;
}

nlohmann::json PredicateRun::to_json() const {
  nlohmann::json j = {{"engine", engine},
                      {"planned", planned},
                      {"evaluations", evaluations},
                      {"time_ns", nanoseconds}};
  if (!fallback.empty()) j["fallback"] = fallback;
  return j;
}

PreparedPlan::PreparedPlan(plan::Plan plan, PredicateEngines engines) : plan_(std::move(plan)) {
  plan_.reindex();
  for (const plan::Gate& g : plan_.gates) {
    if (!g.predicate) continue;
    gates_[g.id] = expr::CompiledPredicate::build(g.predicate, engine_of(g.tier, engines));
  }
  for (const plan::Node& n : plan_.nodes) {
    if (!n.select || !n.select->predicate) continue;
    selects_[n.id] =
        expr::CompiledPredicate::build(n.select->predicate, engine_of(n.select->tier, engines));
  }
}

const expr::CompiledPredicate* PreparedPlan::gate(std::string_view gate_id) const {
  auto it = gates_.find(std::string(gate_id));
  return it == gates_.end() ? nullptr : it->second.get();
}

std::shared_ptr<const expr::CompiledPredicate> PreparedPlan::select(
    std::string_view node_id) const {
  auto it = selects_.find(std::string(node_id));
  return it == selects_.end() ? nullptr : it->second;
}

PreparedPlans::PreparedPlans(PredicateEngines engines, size_t max_entries)
    : engines_(engines), max_entries_(std::max<size_t>(max_entries, 1)) {}

std::shared_ptr<const PreparedPlan> PreparedPlans::get(const std::string& key,
                                                       const nlohmann::json& plan_json,
                                                       std::string* error) {
  if (!key.empty()) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.plan == plan_json) {
      it->second.last_use = ++clock_;
      ++reused_;
      return it->second.prepared;
    }
  }
  // Prepared outside the lock: building predicates (a JIT compile) takes milliseconds.
  plan::ReadPlan read = plan::from_json(plan_json);
  if (!read.plan) {
    *error = read.error;
    return nullptr;
  }
  auto prepared = std::make_shared<const PreparedPlan>(std::move(*read.plan), engines_);
  std::lock_guard lock(mu_);
  ++prepared_;
  if (key.empty()) return prepared;
  entries_[key] = Entry{plan_json, prepared, ++clock_};
  while (entries_.size() > max_entries_) {
    auto oldest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.last_use < oldest->second.last_use) oldest = it;
    }
    entries_.erase(oldest);
  }
  return prepared;
}

}  // namespace wfc::exec
