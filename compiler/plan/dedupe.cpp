// The dedupe pass (passes.h). Two tasks are the same work when they run the same operator with
// the same resolved options (defaults applied, so `{}` and `{"format": "mp4"}` match) on the same
// file, under the same gate, writing to the same place (`folder`, `filename`) with the same frame
// predicate. The first in workflow order survives; the other's tasks map to it, so the API still
// reports both task ids. Gates merge the same way (same condition, file and enclosing gate), which
// lets the tasks under two copies of a condition meet. Each round compares everything once, with
// references already resolved through the round's earlier merges (parents come first, so the
// children of merged nodes meet in the same round); rounds repeat while gates merge, since a
// gate's file is a node and a node's gate is a gate.
#include <fmt/format.h>

#include <map>
#include <unordered_map>
#include <unordered_set>

#include "compiler/plan/passes.h"

namespace wfc::plan {
namespace {

/// One round; returns whether anything merged.
bool merge_round(Plan& plan) {
  std::map<std::string, std::string> alias;
  auto resolved = [&](const std::string& id) {
    auto it = alias.find(id);
    return it == alias.end() ? id : it->second;  // survivors are never aliased
  };
  std::unordered_map<std::string, std::string> seen;
  for (const Gate& g : plan.gates) {
    std::string key = nlohmann::json::array({g.when, resolved(g.file), resolved(g.parent)}).dump();
    auto [it, fresh] = seen.emplace(std::move(key), g.id);
    if (fresh) continue;
    alias[g.id] = it->second;
    plan.explain.push_back(
        fmt::format("dedupe: gate {} is gate {} again: merged", g.id, it->second));
  }
  // Probes of merged gates serve nothing.
  std::unordered_set<std::string> orphans;
  for (const auto& [dup, keep] : alias) {
    const Gate* g = plan.gate(dup);
    const Node* p = g ? plan.node(g->probe) : nullptr;
    if (p && p->tasks.empty() && p->id != plan.gate(keep)->probe) orphans.insert(p->id);
  }
  seen.clear();
  for (const Node& n : plan.nodes) {
    if (n.tasks.empty()) continue;  // the planner's own nodes (run input, gate probes)
    std::string key =
        nlohmann::json::array({n.op, n.options.to_json(), resolved(n.input), resolved(n.gate),
                               n.folder, n.filename, n.select ? n.select->text : ""})
            .dump();
    auto [it, fresh] = seen.emplace(std::move(key), n.id);
    if (fresh) continue;
    alias[n.id] = it->second;
    plan.explain.push_back(
        fmt::format("dedupe: {} ({}) repeats {} on the same input: {} serves both", n.id, n.op,
                    it->second, it->second));
  }
  if (alias.empty()) return false;
  merge_into(plan, alias);
  if (!orphans.empty()) {
    std::erase_if(plan.nodes, [&](const Node& n) { return orphans.count(n.id) > 0; });
  }
  return true;
}

}  // namespace

void dedupe_pass(Plan& plan) {
  // Each round that merges removes something, so this ends; in practice after one or two.
  while (merge_round(plan)) {
  }
}

}  // namespace wfc::plan
