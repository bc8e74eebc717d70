// Tiering: the engine chosen per predicate from expected evaluations against the break-even,
// the explanation `wfc plan --explain` will print, and predicates built for the engine chosen.
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

TEST_CASE("a predicate is built for the engine asked for", "[expr][tier]") {
  auto p = std::make_shared<const Predicate>(parse("kind == \"video\" && width >= 1280"));
  auto vm = CompiledPredicate::build(p, Engine::Vm);
  REQUIRE(vm);
  CHECK(vm->engine() == Engine::Vm);
  CHECK(vm->wanted() == Engine::Vm);
  CHECK(vm->fallback().empty());
  auto jit = CompiledPredicate::build(p, Engine::Jit);
  CHECK(jit->wanted() == Engine::Jit);
  if (JitEngine::built()) {
    CHECK(jit->engine() == Engine::Jit);
    CHECK(jit->fallback().empty());
  } else {
    CHECK(jit->engine() == Engine::Vm);
    CHECK(jit->fallback().find("built without the JIT") != std::string::npos);
  }
  // Whatever runs it, the answers are the reference's.
  Record r(Schema::builtin(Domain::File));
  r.set_text(static_cast<uint16_t>(r.schema().slot("kind")), "video");
  r.set_int(static_cast<uint16_t>(r.schema().slot("width")), 1920);
  Evaluations e;
  CHECK(vm->run(r, &e));
  CHECK(jit->run(r, &e));
  CHECK(e.count == 2);
  r.set_int(static_cast<uint16_t>(r.schema().slot("width")), 640);
  CHECK_FALSE(vm->run(r));
  CHECK_FALSE(jit->run(r));
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
  auto big = CompiledPredicate::build(
      std::make_shared<const Predicate>(Predicate{std::move(any), Domain::File}), Engine::Jit);
  REQUIRE(big);
  CHECK(big->engine() == Engine::Reference);
  CHECK(big->fallback() == "beyond the VM's budget: the reference evaluator runs it");
  Record r(Schema::builtin(Domain::File));
  r.set_int(static_cast<uint16_t>(r.schema().slot("width")), 69999);
  CHECK(big->run(r));
  r.set_int(static_cast<uint16_t>(r.schema().slot("width")), 70000);
  CHECK_FALSE(big->run(r));
}

TEST_CASE("a JIT failure leaves the predicate on the VM, and says why", "[expr][tier]") {
  if (!JitEngine::built()) return;  // without the JIT, build() says so (tested above)
  auto p = std::make_shared<const Predicate>(
      parse("kind == \"video\" && width >= 1280 && height >= 720 && duration < 600 && fps <= 60"));
  // Every real program is over a budget of 2 instructions: the JIT refuses it.
  auto hot = CompiledPredicate::build(p, Engine::Jit, 2);
  REQUIRE(hot);
  CHECK(hot->engine() == Engine::Vm);
  CHECK(hot->wanted() == Engine::Jit);
  CHECK(hot->fallback() ==
        "the JIT failed, the VM runs it: a program of 7 instructions is over the JIT's budget of "
        "2");
  Record r(Schema::builtin(Domain::File));
  CHECK(hot->run(r) == eval_ref(p->root, r));
}
