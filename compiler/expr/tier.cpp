// Tier choice, the compiled-predicate cache, and calibration.
#include "compiler/expr/tier.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "compiler/expr/parser.h"

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
  if (!jit_error.empty()) {
    return "vm: " + evaluations + " ≥ " + threshold + size + ", but the JIT failed: " + jit_error;
  }
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

PredicateCache::PredicateCache(TierCosts costs, size_t max_entries)
    : costs_(costs), max_entries_(std::max<size_t>(max_entries, 1)) {}

PredicateCache::~PredicateCache() = default;

JitEngine* PredicateCache::jit_engine() {
  if (!jit_tried_) {
    jit_tried_ = true;
    if (JitEngine::built() && costs_.jit_enabled) {
      jit_ = std::make_shared<JitEngine>();
      if (!jit_->ok()) jit_.reset();
    }
  }
  return jit_.get();
}

size_t PredicateCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return count_;
}

void PredicateCache::evict() {
  while (count_ > max_entries_) {
    uint64_t oldest = std::numeric_limits<uint64_t>::max();
    uint64_t bucket = 0;
    size_t index = 0;
    for (const auto& [hash, list] : entries_) {
      for (size_t i = 0; i < list.size(); ++i) {
        if (list[i].last_use < oldest) {
          oldest = list[i].last_use;
          bucket = hash;
          index = i;
        }
      }
    }
    auto& list = entries_[bucket];
    list.erase(list.begin() + static_cast<ptrdiff_t>(index));
    if (list.empty()) entries_.erase(bucket);
    --count_;
  }
}

std::shared_ptr<const CompiledPredicate> PredicateCache::get(const Predicate& p,
                                                             uint64_t expected_evaluations) {
  std::string text = to_string(p.root);
  uint64_t hash = structural_hash(p);
  std::lock_guard<std::mutex> lock(mutex_);
  ++clock_;
  Entry* found = nullptr;
  for (auto& e : entries_[hash]) {
    if (e.compiled->text() == text && e.compiled->domain() == p.domain) found = &e;
  }
  JitEngine* engine = jit_engine();
  if (found) {
    found->last_use = clock_;
    const CompiledPredicate& have = *found->compiled;
    // Tier up: a predicate the VM ran so far is now expected to run often enough for the JIT.
    if (have.engine() == Engine::Vm && have.choice().jit_error.empty() &&
        choose_tier(*have.vm_, expected_evaluations, costs_, engine).engine == Engine::Jit) {
      TierChoice wanted = choose_tier(*have.vm_, expected_evaluations, costs_, engine);
      auto upgraded = std::make_shared<CompiledPredicate>();
      upgraded->ir_ = have.ir_;
      upgraded->vm_ = have.vm_;
      upgraded->text_ = have.text_;
      upgraded->choice_ = wanted;
      std::string error;
      upgraded->jit_ = engine->compile(upgraded->vm_, &error, costs_.jit_max_instructions);
      if (!upgraded->jit_) {
        upgraded->choice_.engine = Engine::Vm;
        upgraded->choice_.jit_error = error;
      }
      found->compiled = std::move(upgraded);
    }
    ++hits_;
    return found->compiled;
  }
  ++misses_;
  auto compiled = std::make_shared<CompiledPredicate>();
  compiled->ir_ = std::make_shared<const Predicate>(p);
  compiled->text_ = std::move(text);
  std::shared_ptr<const Program> vm = Program::compile(p);
  if (!vm) {
    compiled->choice_.engine = Engine::Reference;
    compiled->choice_.expected = expected_evaluations;
    compiled->choice_.instructions = node_count(p.root);
  } else {
    compiled->vm_ = vm;
    compiled->choice_ = choose_tier(*vm, expected_evaluations, costs_, engine);
  }
  if (compiled->choice_.engine == Engine::Jit) {
    std::string error;
    compiled->jit_ = engine->compile(vm, &error, costs_.jit_max_instructions);
    if (!compiled->jit_) {  // never fails a run: the VM takes over
      compiled->choice_.engine = Engine::Vm;
      compiled->choice_.jit_error = error;
    }
  }
  entries_[hash].push_back(Entry{compiled, clock_});
  ++count_;
  evict();
  return compiled;
}

void PredicateCache::calibrate() {
  std::lock_guard<std::mutex> lock(mutex_);
  // A 20-test numeric predicate on a record that passes every test: the path through all of it.
  const Schema& schema = Schema::builtin(Domain::Frame);
  std::string text;
  for (int i = 0; i < 20; ++i) {
    text += std::string(i ? " && " : "") + (i % 2 ? "scene > 0.0" : "luma >= 0.0");
  }
  diag::Diagnostics diags("calibrate");
  auto p = compile_expression({text, {1, 1}, ""}, schema, diags);
  if (!p) return;
  std::shared_ptr<const Program> vm = Program::compile(*p);
  if (!vm) return;
  Record r(schema);
  r.set_number(static_cast<uint16_t>(schema.slot("scene")), 0.5);
  r.set_number(static_cast<uint16_t>(schema.slot("luma")), 0.5);
  using Clock = std::chrono::steady_clock;
  auto per_eval_ns = [&](auto&& run) {
    constexpr int kRuns = 20000;
    volatile bool sink = false;
    auto start = Clock::now();
    for (int i = 0; i < kRuns; ++i) sink = run(r);
    (void)sink;
    return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / kRuns;
  };
  double insns = static_cast<double>(vm->size());
  costs_.vm_ns_per_insn = per_eval_ns([&](const Record& x) { return vm->run(x); }) / insns;
  JitEngine* engine = jit_engine();
  if (!engine) return;
  auto start = Clock::now();
  auto jit = engine->compile(vm);
  if (!jit) return;
  double compile_us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  costs_.jit_ns_per_insn = per_eval_ns([&](const Record& x) { return jit->run(x); }) / insns;
  // Split the compile time as the defaults do: a fixed part and a part per instruction.
  double share = costs_.jit_compile_us_base /
                 (costs_.jit_compile_us_base + costs_.jit_compile_us_per_insn * insns);
  costs_.jit_compile_us_base = compile_us * share;
  costs_.jit_compile_us_per_insn = compile_us * (1 - share) / insns;
}

}  // namespace wfc::expr
