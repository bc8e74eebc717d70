// Tiering: which engine runs a predicate. Every predicate gets the VM (microseconds to build,
// tens of nanoseconds per evaluation); the JIT (about a millisecond to compile, a few
// nanoseconds per evaluation) only where the plan expects enough evaluations to repay the
// compile time: PostgreSQL's jit_above_cost, with the break-even computed from measured costs
// (tools/bench/predicates, docs/benchmarks.md). Compiled predicates are cached by structural
// hash, so the same condition in many workflows, or a run started many times, compiles once.
// The choice explains itself for `wfc plan --explain`. External interface: PredicateCache.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

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
  std::string jit_error;    // set when the JIT was chosen but failed (the VM runs instead)

  /// "jit: 1,000,000 expected evaluations ≥ break-even 6,410 (21 instructions)".
  std::string explain() const;
};

TierChoice choose_tier(const Program& program, uint64_t expected_evaluations,
                       const TierCosts& costs, bool jit_available);

/// A predicate ready to run on the engine its tier chose.
class CompiledPredicate {
 public:
  bool run(const Record& r) const {
    return jit_ ? jit_->run(r) : vm_ ? vm_->run(r) : eval_ref(ir_->root, r);
  }
  Engine engine() const { return jit_ ? Engine::Jit : vm_ ? Engine::Vm : Engine::Reference; }
  const TierChoice& choice() const { return choice_; }
  /// The VM program; nullptr when the predicate exceeds the VM's budget.
  const Program* program() const { return vm_.get(); }
  Domain domain() const { return ir_->domain; }
  const std::string& text() const { return text_; }

 private:
  friend class PredicateCache;
  std::shared_ptr<const Predicate> ir_;
  std::shared_ptr<const Program> vm_;
  std::unique_ptr<JitPredicate> jit_;
  TierChoice choice_;
  std::string text_;  // canonical form: the cache key's exact identity
};

/// Compiled predicates by structural hash. Thread-safe; bounded (the least recently asked-for
/// entry goes first).
class PredicateCache {
 public:
  explicit PredicateCache(TierCosts costs = {}, size_t max_entries = 4096);
  ~PredicateCache();

  /// The compiled form of `p`, compiled now or found. A predicate first compiled for the VM is
  /// compiled again for the JIT when a later caller expects enough evaluations; one beyond the
  /// VM's budget runs on the reference evaluator. Never nullptr.
  std::shared_ptr<const CompiledPredicate> get(const Predicate& p, uint64_t expected_evaluations);

  /// Measures the engines on this machine (a few milliseconds) and uses the result.
  void calibrate();
  const TierCosts& costs() const { return costs_; }

  size_t size() const;
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  struct Entry {
    std::shared_ptr<const CompiledPredicate> compiled;
    uint64_t last_use = 0;
  };
  JitEngine* jit_engine();
  void evict();

  TierCosts costs_;
  size_t max_entries_;
  mutable std::mutex mutex_;
  std::unordered_map<uint64_t, std::vector<Entry>> entries_;
  size_t count_ = 0;
  uint64_t clock_ = 0, hits_ = 0, misses_ = 0;
  std::shared_ptr<JitEngine> jit_;  // created on first JIT use; compiled code keeps it alive
  bool jit_tried_ = false;
};

}  // namespace wfc::expr
