// Tiering: which engine runs a predicate. Every predicate gets the VM (microseconds to build,
// tens of nanoseconds per evaluation); the JIT (about a millisecond to compile, a few
// nanoseconds per evaluation) only where the plan expects enough evaluations to repay the
// compile time: PostgreSQL's jit_above_cost, with the break-even computed from measured costs
// (tools/bench/predicates, docs/benchmarks.md). The plan's tier pass makes the choice
// (choose_tier, which explains itself for `wfc plan --explain`); the runtime builds each
// predicate once per plan on the engine chosen (CompiledPredicate::build) and keeps it for every
// run of the plan. External interface: choose_tier and CompiledPredicate.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "compiler/expr/eval_ref.h"
#include "compiler/expr/ir.h"
#include "compiler/expr/jit.h"
#include "compiler/expr/record.h"
#include "compiler/expr/vm.h"

namespace wfc::expr {

enum class Engine : uint8_t { Reference, Vm, Jit };
std::string_view engine_name(Engine e);  // "reference", "vm", "jit"

/// What the engines cost on this machine class, per VM instruction of a predicate (a predicate
/// runs at most its instruction count; the benchmark runs the path through all of them).
/// Defaults are the figures of docs/benchmarks.md; PredicateCache::calibrate() measures anew.
struct TierCosts {
  double vm_ns_per_insn = 1.6;
  double jit_ns_per_insn = 0.55;
  double jit_compile_us_base = 280;
  double jit_compile_us_per_insn = 27;
  bool jit_enabled = true;                                    // false: never JIT (e.g. `--no-jit`)
  size_t jit_max_instructions = JitEngine::kMaxInstructions;  // larger programs stay on the VM

  /// Evaluations from which the JIT is cheaper overall for a program of `insns` instructions;
  /// UINT64_MAX when it never is.
  uint64_t break_even(size_t insns) const;
};

/// The engine chosen for one predicate, and why.
struct TierChoice {
  Engine engine = Engine::Vm;
  uint64_t expected = 0;    // evaluations the plan expects
  uint64_t break_even = 0;  // from TierCosts
  size_t instructions = 0;  // of the VM program (of the IR, in nodes, for Reference)

  /// "jit: 1,000,000 expected evaluations ≥ break-even 6,410 (21 instructions)".
  std::string explain() const;
};

TierChoice choose_tier(const Program& program, uint64_t expected_evaluations,
                       const TierCosts& costs, bool jit_available);

/// What one predicate's evaluations cost in one run: recorded per task in run.json and the API.
struct Evaluations {
  uint64_t count = 0;
  uint64_t nanoseconds = 0;  // time inside the engine, less the clock's own cost
};

/// A predicate built to run on one engine: the VM program (also what the JIT's code calls back
/// into), native code when the JIT was asked for, or the reference evaluator for a predicate
/// beyond the VM's budget. Built once per plan and shared by every run of it; thread-safe.
class CompiledPredicate {
 public:
  /// Builds `p` for `wanted`, the engine the plan chose. A JIT this build lacks, or one that
  /// fails (a program over `max_jit_instructions`, a broken native target), leaves the VM running
  /// the predicate, and fallback() says why; a predicate beyond the VM's budget runs on the
  /// reference evaluator. Never nullptr; never throws.
  static std::shared_ptr<const CompiledPredicate> build(
      std::shared_ptr<const Predicate> p, Engine wanted,
      size_t max_jit_instructions = JitEngine::kMaxInstructions);

  bool run(const Record& r) const {
    return jit_ ? jit_->run(r) : vm_ ? vm_->run(r) : eval_ref(ir_->root, r);
  }
  /// Runs and counts: one evaluation and the time it took are added to *e.
  bool run(const Record& r, Evaluations* e) const;

  Engine engine() const { return jit_ ? Engine::Jit : vm_ ? Engine::Vm : Engine::Reference; }
  Engine wanted() const { return wanted_; }
  /// Why engine() is not wanted(); "" when it is.
  const std::string& fallback() const { return fallback_; }
  /// The VM program; nullptr when the predicate exceeds the VM's budget.
  const Program* program() const { return vm_.get(); }
  const Predicate& predicate() const { return *ir_; }
  Domain domain() const { return ir_->domain; }

 private:
  std::shared_ptr<const Predicate> ir_;
  std::shared_ptr<const Program> vm_;
  std::unique_ptr<JitPredicate> jit_;
  Engine wanted_ = Engine::Vm;
  std::string fallback_;
};

/// The process's JIT, started on first use; nullptr when this build has none or the native
/// target does not start. Compiled code keeps it alive.
std::shared_ptr<JitEngine> shared_jit_engine();

}  // namespace wfc::expr
