// The tier pass (passes.h): the engine each predicate runs on, by expr::choose_tier and the
// break-even of docs/benchmarks.md. A gate's condition is evaluated once per run (on its file's
// probe), so it stays on the VM unless the JIT's compile time is amortised by the compiled-code
// cache across runs, which is the runtime's call; a `select` predicate runs on every decoded
// frame of the window it reads: fps × seconds, from --input or the cost model's defaults.
#include <fmt/format.h>

#include "compiler/expr/vm.h"
#include "compiler/plan/cost.h"
#include "compiler/plan/passes.h"

namespace wfc::plan {
namespace {

Tier choose(const std::string& text, expr::Domain domain, uint64_t expected,
            const PlanOptions& options, bool enabled, const catalog::Catalog& catalog) {
  Tier t;
  t.expected = expected;
  auto pred = compile_when(text, domain, catalog);
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

void tier_pass(Plan& plan, const PlanOptions& options, bool enabled,
               const catalog::Catalog& catalog) {
  for (Gate& g : plan.gates) {
    g.tier = choose(g.when, expr::Domain::File, 1, options, enabled, catalog);
    if (enabled) plan.explain.push_back(fmt::format("tier: gate {}: {}", g.id, g.tier.why));
  }
  for (Node& n : plan.nodes) {
    if (!n.select) continue;
    Shape in = output_shape(plan, n.input);
    double seconds = in.duration;
    if (auto s = n.options.find("start"); s != n.options.end() && s->is_number())
      seconds -= std::min(seconds, s->get<double>());
    auto frames = uint64_t(std::max(1.0, seconds * in.fps));
    n.select_tier = choose(*n.select, expr::Domain::Frame, frames, options, enabled, catalog);
    if (enabled) {
      plan.explain.push_back(
          fmt::format("tier: {} select '{}' over {} frames{}: {}", n.id, *n.select, frames,
                      in.known_duration ? "" : " (default duration)", n.select_tier->why));
    }
  }
}

}  // namespace wfc::plan
