// The prune pass (passes.h). A gate is folded in two steps: tests on properties that --input
// declares become constants, for a gate on the run's input only (eval_ref decides them on a
// record of the declared facts); then expr::fold settles `kind` tests from the chain's file
// kinds and simplifies. Undeclared properties stay open, so a gate is decided only when its
// answer is the same for every input that fits the declaration. A gate that never holds for
// any input was already reported by the checker (WF409 contradiction, WF501 dead branch), so
// only the ones --input alone decides get a warning here (WF502).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "compiler/diag/wording.h"
#include "compiler/expr/eval_ref.h"
#include "compiler/expr/fold.h"
#include "compiler/expr/ranges.h"
#include "compiler/expr/record.h"
#include "compiler/plan/lower.h"
#include "compiler/plan/passes.h"
#include "compiler/util/json_pointer.h"

namespace wfc::plan {
namespace {

using Json = nlohmann::json;

/// Whether --input declares the property a test reads.
bool declared(const expr::PropertyRef& p, const Json& facts) {
  if (p.is_map) {
    auto m = facts.find("metadata");
    return m != facts.end() && m->is_object() && m->contains(p.key);
  }
  return facts.contains(p.name);
}

/// `n` with every test on a declared property replaced by its value on `record`.
expr::Node bind_facts(const expr::Node& n, const expr::Record& record, const Json& facts) {
  using K = expr::Node::Kind;
  if (n.kind == K::Test) {
    return declared(n.prop, facts) ? expr::Node::constant(expr::eval_ref(n, record), n.span) : n;
  }
  expr::Node out = n;
  for (auto& k : out.kids) k = bind_facts(k, record, facts);
  return out;
}

enum class Verdict { Open, Always, Never };

Verdict judge(const expr::Node& folded, const expr::Schema& schema, const expr::Known& known) {
  if (folded.kind == expr::Node::Kind::True) return Verdict::Always;
  if (folded.kind == expr::Node::Kind::False) return Verdict::Never;
  expr::Ranges ranges(schema, known);
  if (ranges.never(folded).value_or(false)) return Verdict::Never;
  if (ranges.always(folded).value_or(false)) return Verdict::Always;
  return Verdict::Open;
}

std::string facts_text(const Json& facts) {
  std::string out;
  for (auto it = facts.begin(); it != facts.end(); ++it) {
    if (!out.empty()) out += ",";
    std::string value = it->is_string()         ? it->get<std::string>()
                        : it->is_number_float() ? fmt::format("{:g}", it->get<double>())
                                                : it->dump();
    out += it.key() + "=" + value;
  }
  return out;
}

}  // namespace

void prune_pass(Plan& plan, const catalog::Catalog& catalog, diag::Diagnostics& diags) {
  std::optional<expr::Schema> local;
  const expr::Schema& schema = expr::Schema::of(catalog, expr::Domain::File, local);
  expr::Record record = expr::Record::from_json(schema, plan.input_facts);
  std::string facts = facts_text(plan.input_facts);
  std::unordered_map<std::string, std::string> splice;  // always-true gate → its parent
  std::map<std::string, std::string> dead;              // never-true gate → why
  std::vector<std::string> warn;                        // dead gates only --input made dead
  // Gates come parents first; one inside a dead branch is not judged (it goes with the branch).
  std::unordered_set<std::string> dead_or_under;
  for (Gate& g : plan.gates) {
    if (dead_or_under.count(g.parent)) {
      dead_or_under.insert(g.id);
      continue;
    }
    const expr::Predicate* pred = g.predicate.get();
    if (!pred) continue;
    const Node* f = plan.node(file_of(plan, g.file));
    expr::Known known;
    if (f) known.kinds = f->produces;
    bool on_input = f && (f->op == "input" || f->input.empty());
    bool have_facts = on_input && !plan.input_facts.empty();

    // What the chain alone settles: --input's kind narrows the run input's file kinds too.
    expr::Known chain = known;
    if (have_facts) chain.kinds = catalog::kMedia;
    Verdict without = judge(expr::fold(pred->root, schema, chain), schema, chain);
    expr::Node bound = have_facts ? bind_facts(pred->root, record, plan.input_facts) : pred->root;
    expr::Node folded = expr::fold(bound, schema, known);
    Verdict verdict = judge(folded, schema, known);
    std::string by = without == verdict ? "" : " for " + facts;
    if (verdict == Verdict::Always) {
      plan.explain.push_back(fmt::format(
          "prune: gate {} '{}' always holds{}: removed, its tasks run ungated", g.id, g.when, by));
      splice[g.id] = g.parent;
    } else if (verdict == Verdict::Never) {
      dead[g.id] = "'" + g.when + "' never holds" +
                   (by.empty() ? " for the files that reach it" : " for the input " + facts);
      dead_or_under.insert(g.id);
      if (!by.empty()) warn.push_back(g.id);
    } else if (std::string text = expr::to_string(folded); text != g.when) {
      plan.explain.push_back(fmt::format("prune: gate {} folds to '{}'{}", g.id, text, by));
      g.when = text;
      g.predicate = std::make_shared<const expr::Predicate>(
          expr::Predicate{std::move(folded), expr::Domain::File});
    }
  }

  std::unordered_set<std::string> warned(warn.begin(), warn.end());
  // How many tasks each dead gate takes with it, for the messages.
  std::map<std::string, size_t> under;
  auto dead_root = [&](std::string gate) {
    for (size_t steps = 0; !gate.empty() && steps <= plan.gates.size(); ++steps) {
      if (dead.count(gate)) return gate;
      const Gate* at = plan.gate(gate);
      gate = at ? at->parent : "";
    }
    return std::string();
  };
  for (const Node& n : plan.nodes) {
    if (std::string root = dead_root(n.gate); !root.empty() && !n.tasks.empty()) ++under[root];
  }
  for (const Gate& g : plan.gates) {
    if (std::string root = dead_root(g.parent); !root.empty()) ++under[root];
  }
  for (const auto& [id, why] : dead) {
    plan.explain.push_back(
        fmt::format("prune: gate {} never holds{}: it and {} task(s) under it left out", id,
                    warned.count(id) ? " for " + facts : "", under[id]));
  }
  for (const std::string& id : warn) {
    const Gate* g = plan.gate(id);
    diag::report(diags, diag::Code::NeverForInput, g->when_span,
                 "branch never runs for the declared input: " + diag::quote(g->when) +
                     " is false for " + facts,
                 "the plan leaves out " + diag::quote(id) + " and the " +
                     std::to_string(under[id]) +
                     " task(s) it gates; this input is what --input declares",
                 pointer_join(g->pointer, "options"));
  }

  // Splice out the gates that always hold: what they guarded moves to their parent.
  std::unordered_set<std::string> probes_of_gone;
  if (!splice.empty()) {
    auto outer = [&](std::string gate) {
      for (size_t steps = 0; splice.count(gate) && steps <= splice.size(); ++steps)
        gate = splice[gate];
      return gate;
    };
    std::unordered_map<std::string, std::string> file_of_gate;
    for (const Gate& g : plan.gates) {
      if (splice.count(g.id)) {
        file_of_gate[g.id] = g.file;
        probes_of_gone.insert(g.probe);
      }
    }
    for (Node& n : plan.nodes) n.gate = outer(n.gate);
    for (Gate& g : plan.gates) g.parent = outer(g.parent);
    for (auto& [task, target] : plan.tasks) {
      // The conditions task of a removed gate passes its file on.
      if (auto it = file_of_gate.find(target); it != file_of_gate.end()) target = it->second;
    }
    std::erase_if(plan.gates, [&](const Gate& g) { return splice.count(g.id) > 0; });
  }
  std::map<std::string, std::string> roots = dead;
  for (const Gate& g : plan.gates) {
    if (dead.count(g.id)) probes_of_gone.insert(g.probe);
  }
  // A gate's probe goes with it unless another gate still reads it or it is a workflow task.
  for (const Gate& g : plan.gates) {
    if (!dead.count(g.id)) probes_of_gone.erase(g.probe);
  }
  for (const std::string& probe : probes_of_gone) {
    const Node* p = plan.node(probe);
    if (p && p->tasks.empty()) roots[probe] = "";
  }
  if (!roots.empty()) remove_ids(plan, roots);
}

}  // namespace wfc::plan
