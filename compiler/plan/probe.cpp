// The probe pass (passes.h): lowering gives every gate a probe of its own; a file needs probing
// once. The probes of one file (resolved through nodes that pass their input on) merge into one
// that runs under the innermost gate common to all of them, so it runs whenever any of them
// would. A `probe` task of the workflow is kept as that probe when it runs at least as often
// (its gate is the common one); otherwise it stays its own node, since moving it out of its gate
// would run a task the workflow gated.
#include <fmt/format.h>

#include <map>

#include "compiler/plan/lower.h"
#include "compiler/plan/passes.h"

namespace wfc::plan {

void probe_pass(Plan& plan) {
  std::map<std::string, std::vector<std::string>> by_file;  // in plan order
  for (const Node& n : plan.nodes) {
    if (n.op == "probe") by_file[file_of(plan, n.input)].push_back(n.id);
  }
  std::map<std::string, std::string> alias;
  std::vector<std::pair<Node*, std::string>> renames;
  for (const auto& [file, probes] : by_file) {
    std::string gate = plan.node(probes[0])->gate;
    for (const auto& id : probes) gate = common_gate(plan, gate, plan.node(id)->gate);
    // The survivor: a workflow probe task at the common gate, else the first planner probe.
    std::string keep;
    for (const auto& id : probes) {
      const Node* n = plan.node(id);
      if (!n->tasks.empty() && n->gate == gate && keep.empty()) keep = id;
    }
    for (const auto& id : probes) {
      if (keep.empty() && plan.node(id)->tasks.empty()) keep = id;
    }
    if (keep.empty()) continue;  // only gated probe tasks: each keeps its own gate
    Node* survivor = plan.node(keep);
    std::string name = keep;
    if (survivor->tasks.empty()) {
      survivor->gate = gate;
      // A planner probe that serves the whole file is named for it.
      if (!plan.node("$probe." + file)) name = "$probe." + file;
      if (name != keep) renames.emplace_back(survivor, name);
    }
    size_t merged = 0;
    for (const auto& id : probes) {
      const Node* n = plan.node(id);
      if (id == keep || (!n->tasks.empty() && n->gate != gate)) continue;
      alias[id] = name;
      ++merged;
    }
    if (merged > 0) {
      plan.explain.push_back(
          fmt::format("probe: {} probes of {} merged into {}", merged + 1, file, name));
    }
  }
  for (auto& [node, name] : renames) {
    alias[node->id] = name;  // references to the old name follow it
    node->id = name;
  }
  plan.reindex();
  merge_into(plan, alias);
}

}  // namespace wfc::plan
