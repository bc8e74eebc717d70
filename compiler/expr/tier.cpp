// Tier choice and building predicates for the engine chosen (tier.h).
#include "compiler/expr/tier.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace wfc::expr {
namespace {

/// 1234567 → "1,234,567".
std::string grouped(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::string_view engine_name(Engine e) {
  switch (e) {
    case Engine::Reference:
      return "reference";
    case Engine::Vm:
      return "vm";
    case Engine::Jit:
      return "jit";
  }
  return "?";
}

uint64_t TierCosts::break_even(size_t insns) const {
  if (!jit_enabled) return std::numeric_limits<uint64_t>::max();
  double saved_ns = (vm_ns_per_insn - jit_ns_per_insn) * static_cast<double>(insns);
  if (saved_ns <= 0) return std::numeric_limits<uint64_t>::max();
  double compile_ns =
      (jit_compile_us_base + jit_compile_us_per_insn * static_cast<double>(insns)) * 1000.0;
  return static_cast<uint64_t>(std::ceil(compile_ns / saved_ns));
}

std::string TierChoice::explain() const {
  if (engine == Engine::Reference) {
    return "reference: beyond the VM's budget (" + grouped(instructions) + " nodes)";
  }
  std::string evaluations =
      grouped(expected) + (expected == 1 ? " expected evaluation" : " expected evaluations");
  std::string threshold = break_even == std::numeric_limits<uint64_t>::max()
                              ? "the JIT is off"
                              : "break-even " + grouped(break_even);
  std::string size = " (" + std::to_string(instructions) + " instructions)";
  if (engine == Engine::Jit) return "jit: " + evaluations + " ≥ " + threshold + size;
  if (break_even == std::numeric_limits<uint64_t>::max()) {
    return "vm: " + evaluations + ", " + threshold + size;
  }
  return "vm: " + evaluations + " < " + threshold + size;
}

TierChoice choose_tier(const Program& program, uint64_t expected_evaluations,
                       const TierCosts& costs, bool jit_available) {
  TierChoice c;
  c.expected = expected_evaluations;
  c.instructions = program.size();
  c.break_even =
      jit_available ? costs.break_even(program.size()) : std::numeric_limits<uint64_t>::max();
  c.engine = expected_evaluations >= c.break_even ? Engine::Jit : Engine::Vm;
  return c;
}

std::shared_ptr<JitEngine> shared_jit_engine() {
  static const std::shared_ptr<JitEngine> engine = []() -> std::shared_ptr<JitEngine> {
    if (!JitEngine::built()) return nullptr;
    auto e = std::make_shared<JitEngine>();
    return e->ok() ? e : nullptr;
  }();
  return engine;
}

namespace {

using Clock = std::chrono::steady_clock;

/// What reading the clock twice costs here, so that a measured evaluation is the engine's time
/// and not the clock's (a JIT evaluation takes a few nanoseconds, a clock read about twenty).
uint64_t clock_overhead_ns() {
  static const uint64_t overhead = [] {
    auto best = Clock::duration::max();
    for (int i = 0; i < 1000; ++i) {
      auto a = Clock::now();
      auto b = Clock::now();
      best = std::min(best, b - a);
    }
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(best).count());
  }();
  return overhead;
}

}  // namespace

std::shared_ptr<const CompiledPredicate> CompiledPredicate::build(
    std::shared_ptr<const Predicate> p, Engine wanted, size_t max_jit_instructions) {
  auto c = std::make_shared<CompiledPredicate>();
  c->ir_ = std::move(p);
  c->wanted_ = wanted;
  c->vm_ = Program::compile(*c->ir_);
  if (!c->vm_) {
    if (wanted != Engine::Reference)
      c->fallback_ = "beyond the VM's budget: the reference evaluator runs it";
    return c;
  }
  if (wanted == Engine::Reference) {
    c->fallback_ = "within the VM's budget: the VM runs it";
  } else if (wanted == Engine::Jit) {
    std::shared_ptr<JitEngine> engine = shared_jit_engine();
    std::string error;
    if (!JitEngine::built()) {
      error = "this wfc was built without the JIT (LLVM)";
    } else if (!engine) {
      error = "the JIT did not start";
    } else {
      c->jit_ = engine->compile(c->vm_, &error, max_jit_instructions);
    }
    if (!c->jit_) c->fallback_ = "the JIT failed, the VM runs it: " + error;
  }
  return c;
}

bool CompiledPredicate::run(const Record& r, Evaluations* e) const {
  auto start = Clock::now();
  bool result = run(r);
  auto spent = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
  ++e->count;
  uint64_t ns = static_cast<uint64_t>(std::max<int64_t>(spent, 0));
  e->nanoseconds += ns > clock_overhead_ns() ? ns - clock_overhead_ns() : 0;
  return result;
}

}  // namespace wfc::expr
