// Tiering: the engine chosen per predicate from expected evaluations against the break-even,
// the explanation `wfc plan --explain` will print, and the compiled-predicate cache.
#include <catch2/catch.hpp>
#include <limits>
#include <string>

#include "compiler/expr/eval_ref.h"
#include "compiler/expr/parser.h"
#include "compiler/expr/tier.h"

using namespace wfc::expr;

namespace {

Predicate parse(const std::string& text) {
  wfc::diag::Diagnostics diags("t");
  auto p = compile_expression({text, {1, 1}, ""}, Schema::builtin(Domain::File), diags);
  REQUIRE(p);
  return std::move(*p);
}

TierCosts fixed_costs() {
  TierCosts c;
  c.vm_ns_per_insn = 2.0;
  c.jit_ns_per_insn = 0.5;
  c.jit_compile_us_base = 300;
  c.jit_compile_us_per_insn = 20;
  return c;
}

}  // namespace

TEST_CASE("the break-even grows with compile cost and shrinks with the saving", "[expr][tier]") {
  TierCosts c = fixed_costs();
  // 7 instructions: (300 + 20·7) µs = 440,000 ns to compile, (2.0 - 0.5)·7 = 10.5 ns saved.
  CHECK(c.break_even(7) == 41905);
  c.jit_enabled = false;
  CHECK(c.break_even(7) == std::numeric_limits<uint64_t>::max());
  c = fixed_costs();
  c.jit_ns_per_insn = 3.0;  // a JIT slower than the VM never pays
  CHECK(c.break_even(7) == std::numeric_limits<uint64_t>::max());
}

TEST_CASE("the choice is printable", "[expr][tier]") {
  auto vm =
      Program::compile(parse("kind == \"video\" && width >= 1280 && height >= 720 && "
                             "duration < 600 && fps <= 60"));
  REQUIRE(vm);
  REQUIRE(vm->size() == 7);
  TierCosts c = fixed_costs();
  CHECK(choose_tier(*vm, 1, c, true).explain() ==
        "vm: 1 expected evaluation < break-even 41,905 (7 instructions)");
  TierChoice many = choose_tier(*vm, 2000000, c, true);
  CHECK(many.engine == Engine::Jit);
  CHECK(many.explain() ==
        "jit: 2,000,000 expected evaluations ≥ break-even 41,905 (7 instructions)");
  CHECK(choose_tier(*vm, 2000000, c, false).explain() ==
        "vm: 2,000,000 expected evaluations, the JIT is off (7 instructions)");
}

TEST_CASE("the cache compiles a predicate once and tiers it up when it runs often",
          "[expr][tier]") {
  PredicateCache cache(fixed_costs());
  Predicate p = parse("kind == \"video\" && width >= 1280");
  auto first = cache.get(p, 1);
  auto again = cache.get(parse("kind == \"video\"  &&  width >= 1280"), 1);
  REQUIRE(first);
  CHECK(first == again);
  CHECK(cache.misses() == 1);
  CHECK(cache.hits() == 1);
  CHECK(first->engine() == Engine::Vm);
  CHECK(cache.get(parse("kind == \"audio\" && width >= 1280"), 1) != first);
  CHECK(cache.size() == 2);

  auto hot = cache.get(p, 100000000);
  REQUIRE(hot);
  CHECK(hot->engine() == (JitEngine::built() ? Engine::Jit : Engine::Vm));
  CHECK(cache.size() == 2);
  // Either way the answers are the reference's.
  Record r(Schema::builtin(Domain::File));
  r.set_text(static_cast<uint16_t>(r.schema().slot("kind")), "video");
  r.set_int(static_cast<uint16_t>(r.schema().slot("width")), 1920);
  CHECK(hot->run(r) == eval_ref(p.root, r));
  CHECK(first->run(r));  // the VM form handed out earlier still works
}

TEST_CASE("the cache is bounded", "[expr][tier]") {
  PredicateCache cache(fixed_costs(), 2);
  auto a = cache.get(parse("width > 1"), 1);
  cache.get(parse("width > 2"), 1);
  cache.get(parse("width > 1"), 1);  // a is now the most recent
  cache.get(parse("width > 3"), 1);  // evicts `width > 2`
  CHECK(cache.size() == 2);
  CHECK(cache.get(parse("width > 1"), 1) == a);
  uint64_t misses = cache.misses();
  cache.get(parse("width > 2"), 1);
  CHECK(cache.misses() == misses + 1);
}

TEST_CASE("calibration measures costs that order the engines", "[expr][tier]") {
  PredicateCache cache;
  cache.calibrate();
  CHECK(cache.costs().vm_ns_per_insn > 0);
  if (JitEngine::built()) {
    CHECK(cache.costs().jit_compile_us_base > 0);
    CHECK(cache.costs().jit_ns_per_insn > 0);
  }
}

TEST_CASE("a predicate beyond the VM's budget runs on the reference evaluator", "[expr][tier]") {
  Predicate p = parse("width == 0");
  Node any;
  any.kind = Node::Kind::Or;
  for (int i = 0; i < 70000; ++i) {
    Node t = p.root;
    t.args[0] = Constant::integer(i);
    any.kids.push_back(std::move(t));
  }
  PredicateCache cache(fixed_costs());
  auto big = cache.get(Predicate{std::move(any), Domain::File}, 1000000000);
  REQUIRE(big);
  CHECK(big->engine() == Engine::Reference);
  CHECK(big->choice().explain() == "reference: beyond the VM's budget (70,001 nodes)");
  Record r(Schema::builtin(Domain::File));
  r.set_int(static_cast<uint16_t>(r.schema().slot("width")), 69999);
  CHECK(big->run(r));
  r.set_int(static_cast<uint16_t>(r.schema().slot("width")), 70000);
  CHECK_FALSE(big->run(r));
}

TEST_CASE("a JIT failure leaves the predicate on the VM, and says why", "[expr][tier]") {
  if (!JitEngine::built()) return;  // without the JIT the tier never picks it (tested above)
  TierCosts costs = fixed_costs();
  costs.jit_max_instructions = 2;  // every real program is over this budget
  PredicateCache cache(costs);
  Predicate p = parse(
      "kind == \"video\" && width >= 1280 && height >= 720 && duration < 600 && "
      "fps <= 60");
  auto hot = cache.get(p, 2000000);
  REQUIRE(hot);
  CHECK(hot->engine() == Engine::Vm);
  CHECK(hot->choice().explain() ==
        "vm: 2,000,000 expected evaluations ≥ break-even 41,905 (7 instructions), but the JIT "
        "failed: a program of 7 instructions is over the JIT's budget of 2");
  Record r(Schema::builtin(Domain::File));
  CHECK(hot->run(r) == eval_ref(p.root, r));
}
