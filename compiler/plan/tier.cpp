// The tier pass (passes.h): the engine each predicate runs on, by expr::choose_tier and the
// break-even of docs/benchmarks.md. A gate's condition is evaluated once per run (on its file's
// probe), so it stays on the VM: the runtime builds each predicate once per plan and keeps it for
// every run of the automation, but one evaluation per run never repays a compile. A `select`
// predicate runs on every decoded frame of the window it reads (plan/cost.h, read_window): fps ×
// seconds, from --input or the cost model's defaults. The runtime runs the engine chosen here
// (`wfc run --predicates` overrides it for benchmarks and tests).
#include <fmt/format.h>

#include "compiler/expr/vm.h"
#include "compiler/plan/cost.h"
#include "compiler/plan/passes.h"

namespace wfc::plan {
namespace {

Tier choose(const expr::Predicate* pred, uint64_t expected, const PlanOptions& options,
            bool enabled) {
  Tier t;
  t.expected = expected;
  std::unique_ptr<expr::Program> program = pred ? expr::Program::compile(*pred) : nullptr;
  if (!program) {
    t.engine = "reference";
    t.why = "reference: beyond the VM's budget";
    return t;
  }
  t.instructions = program->size();
  if (!enabled) {
    t.break_even = 0;
    t.why = fmt::format("vm: tiering off ({} instructions)", t.instructions);
    return t;
  }
  bool jit = options.jit_available && options.tier_costs.jit_enabled &&
             program->size() <= options.tier_costs.jit_max_instructions;
  expr::TierChoice c = expr::choose_tier(*program, expected, options.tier_costs, jit);
  t.engine = std::string(expr::engine_name(c.engine));
  t.break_even = c.break_even;
  t.why = c.explain();
  if (!jit && options.jit_available) t.why += " (too large for the JIT)";
  return t;
}

}  // namespace

void tier_pass(Plan& plan, const PlanOptions& options, bool enabled) {
  for (Gate& g : plan.gates) {
    g.tier = choose(g.predicate.get(), 1, options, enabled);
    if (enabled) plan.explain.push_back(fmt::format("tier: gate {}: {}", g.id, g.tier.why));
  }
  for (Node& n : plan.nodes) {
    if (!n.select) continue;
    Shape in = output_shape(plan, n.input);
    auto [from, to] = read_window(n, in);
    auto frames = uint64_t(std::max(1.0, (to - from) * in.fps));
    n.select->tier = choose(n.select->predicate.get(), frames, options, enabled);
    if (enabled) {
      plan.explain.push_back(
          fmt::format("tier: {} {} '{}' over {} frames{}: {}", n.id,
                      n.select->representative ? "representative frame" : "select", n.select->text,
                      frames, in.known_duration ? "" : " (default duration)", n.select->tier.why));
    }
  }
}

}  // namespace wfc::plan
