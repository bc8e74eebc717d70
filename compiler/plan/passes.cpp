// Graph edits shared by the passes (passes.h): removing what a pass proved never runs, merging
// what a pass proved the same, and the common enclosing gate. Each is one pass over the plan
// (with constant-time lookups), so a workflow of many thousand tasks plans in linear time.
#include "compiler/plan/passes.h"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace wfc::plan {

void remove_ids(Plan& plan, const std::map<std::string, std::string>& roots) {
  std::unordered_map<std::string, std::string> gone;  // id → the root it goes with
  for (const auto& [id, reason] : roots) gone[id] = id;
  auto inherit = [&](const std::string& id, const std::string& from) {
    auto it = gone.find(from);
    if (from.empty() || it == gone.end() || gone.count(id)) return false;
    gone[id] = it->second;
    return true;
  };
  // Nodes and gates each come parents first, so one sweep of each settles a level of nesting;
  // sweeps repeat while a level adds something (at most the workflow's nesting depth).
  for (bool grew = true; grew;) {
    grew = false;
    for (const Gate& g : plan.gates) grew |= inherit(g.id, g.file) || inherit(g.id, g.parent);
    for (const Node& n : plan.nodes) grew |= inherit(n.id, n.input) || inherit(n.id, n.gate);
  }
  for (auto& [task, target] : plan.tasks) {
    auto it = target.empty() ? gone.end() : gone.find(target);
    if (it == gone.end()) continue;
    target.clear();
    plan.pruned.push_back({task, roots.at(it->second)});
  }
  std::erase_if(plan.nodes, [&](const Node& n) { return gone.count(n.id) > 0; });
  std::erase_if(plan.gates, [&](const Gate& g) { return gone.count(g.id) > 0; });
}

void merge_into(Plan& plan, const std::map<std::string, std::string>& alias) {
  if (alias.empty()) return;
  auto resolve = [&](std::string& id) {
    for (size_t steps = 0; steps <= alias.size(); ++steps) {
      auto it = alias.find(id);
      if (it == alias.end()) return;
      id = it->second;
    }
  };
  // Tasks move to the final survivor, in plan order.
  for (Node& n : plan.nodes) {
    if (!alias.count(n.id)) continue;
    std::string to = n.id;
    resolve(to);
    if (Node* t = plan.node(to)) t->tasks.insert(t->tasks.end(), n.tasks.begin(), n.tasks.end());
  }
  for (Gate& g : plan.gates) {
    if (!alias.count(g.id)) continue;
    std::string to = g.id;
    resolve(to);
    if (Gate* t = plan.gate(to)) t->tasks.insert(t->tasks.end(), g.tasks.begin(), g.tasks.end());
  }
  std::erase_if(plan.nodes, [&](const Node& n) { return alias.count(n.id) > 0; });
  std::erase_if(plan.gates, [&](const Gate& g) { return alias.count(g.id) > 0; });
  for (Node& n : plan.nodes) {
    resolve(n.input);
    resolve(n.gate);
  }
  for (Gate& g : plan.gates) {
    resolve(g.file);
    resolve(g.parent);
    resolve(g.probe);
  }
  for (auto& [task, target] : plan.tasks) resolve(target);
}

std::string common_gate(const Plan& plan, const std::string& a, const std::string& b) {
  std::unordered_set<std::string> chain;
  for (const Gate* g = plan.gate(a); g && chain.size() <= plan.gates.size();
       g = plan.gate(g->parent))
    chain.insert(g->id);
  size_t steps = 0;
  for (const Gate* g = plan.gate(b); g && steps++ <= plan.gates.size(); g = plan.gate(g->parent)) {
    if (chain.count(g->id)) return g->id;
  }
  return "";
}

}  // namespace wfc::plan
