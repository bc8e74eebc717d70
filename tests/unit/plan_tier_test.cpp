// The tier pass: each predicate's engine follows the evaluations the plan expects. A condition
// on a file runs once per run (VM); a `select` predicate runs per decoded frame, so a long input
// can repay the JIT's compile time where the break-even says so.
#include <catch2/catch.hpp>

#include "test_plan.h"

using wfc::test::plan_text;
using wfc::test::with_input;

namespace {
const char* kWorkflow = R"([
  {"kind": "conditions", "options": {"width": {"gte": 1280}}, "next": [{"kind": "video"}]},
  {"kind": "image", "options": {"select": "scene > 0.4 && !black"}}])";

/// A long input on a machine whose JIT compiles almost for free.
wfc::plan::PlanOptions cheap_jit() {
  auto o = with_input("duration=600,fps=30");
  o.jit_available = true;
  o.tier_costs.jit_compile_us_base = 1;
  o.tier_costs.jit_compile_us_per_insn = 0.01;
  return o;
}
}  // namespace

TEST_CASE("plan tier: a file condition is evaluated once per run: VM", "[plan][tier]") {
  auto o = with_input("duration=600,fps=30");
  o.jit_available = true;
  auto p = plan_text(kWorkflow, o).plan;
  const auto& t = p.gate("t0")->tier;
  CHECK(t.engine == "vm");
  CHECK(t.expected == 1);
  CHECK(t.break_even > 1);
  CHECK(t.instructions > 0);
}

TEST_CASE("plan tier: a frame predicate expects a frame's worth of evaluations per frame",
          "[plan][tier]") {
  auto o = with_input("duration=600,fps=30");
  o.jit_available = true;
  auto p = plan_text(kWorkflow, o).plan;
  REQUIRE(p.node("t1")->select);
  const auto* sel = &p.node("t1")->select->tier;
  CHECK(sel->expected == 18000);  // 600 s × 30 fps
  uint64_t be = o.tier_costs.break_even(sel->instructions);
  CHECK(sel->break_even == be);
  CHECK(sel->engine == (18000 >= be ? "jit" : "vm"));

  // A short input stays on the VM; without a JIT in the build, always the VM.
  auto brief = with_input("duration=1,fps=10");
  brief.jit_available = true;
  CHECK(plan_text(kWorkflow, brief).plan.node("t1")->select->tier.engine == "vm");
  auto nojit = with_input("duration=600,fps=30");
  nojit.jit_available = false;
  CHECK(plan_text(kWorkflow, nojit).plan.node("t1")->select->tier.engine == "vm");
}

TEST_CASE("plan tier: cheap compilation makes the JIT pay off sooner", "[plan][tier]") {
  CHECK(plan_text(kWorkflow, cheap_jit()).plan.node("t1")->select->tier.engine == "jit");
}

TEST_CASE("plan tier: switched off, every predicate runs on the VM", "[plan][tier]") {
  auto o = cheap_jit();
  o.disabled.insert("tier");
  auto p = plan_text(kWorkflow, o).plan;
  CHECK(p.node("t1")->select->tier.engine == "vm");
  CHECK(p.node("t1")->select->tier.why.find("tiering off") != std::string::npos);
}
