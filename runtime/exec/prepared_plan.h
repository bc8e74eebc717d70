// A plan made ready to run: every gate's and every `select`'s predicate built once from the
// plan's typed IR, on the engine the plan's tier chose (or the one `--predicates` asks for), and
// kept for every run of the plan. The API's workers keep one per automation (PreparedPlans), so
// a run's gate path parses, type-checks and compiles nothing. A JIT that fails leaves the VM
// running the predicate and records why; each run records per task which engine ran it, how
// often and for how long (PredicateRun, in run.json and the API's task objects).
// External interface: PreparedPlan, PreparedPlans.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "compiler/expr/tier.h"
#include "compiler/plan/plan.h"

namespace wfc::exec {

/// Which engine runs the predicates: the plan's choice, or every one on the VM or the JIT
/// (`wfc run --predicates auto|vm|jit`, for benchmarks and tests).
enum class PredicateEngines { Auto, Vm, Jit };
std::optional<PredicateEngines> parse_predicate_engines(std::string_view name);

/// How a task's predicate ran in one run: `{"engine": "jit", "planned": "jit",
/// "evaluations": 250, "time_ns": 1830}` (plus `fallback` when the engine that ran it is not
/// the one planned, saying why).
struct PredicateRun {
  std::string engine;    // vm, jit or reference: what ran it
  std::string planned;   // what the plan (or --predicates) asked for
  std::string fallback;  // why engine is not planned; "" when it is
  uint64_t evaluations = 0;
  uint64_t nanoseconds = 0;

  /// The engine facts of a built predicate, with its evaluations.
  static PredicateRun of(const expr::CompiledPredicate& p, const expr::Evaluations& e);
  nlohmann::json to_json() const;
};

class PreparedPlan {
 public:
  /// Builds every predicate of `plan` (which must be a plan make_plan or from_json returned).
  explicit PreparedPlan(plan::Plan plan, PredicateEngines engines = PredicateEngines::Auto);

  const plan::Plan& plan() const { return plan_; }
  /// The built predicate of a gate, or of a node's select; nullptr when it has none.
  const expr::CompiledPredicate* gate(std::string_view gate_id) const;
  std::shared_ptr<const expr::CompiledPredicate> select(std::string_view node_id) const;

 private:
  plan::Plan plan_;
  std::unordered_map<std::string, std::shared_ptr<const expr::CompiledPredicate>> gates_, selects_;
};

/// Prepared plans by key (an automation's id), each rebuilt only when the plan stored under
/// the key changes. Thread-safe; bounded (the least recently used goes first).
class PreparedPlans {
 public:
  explicit PreparedPlans(PredicateEngines engines = PredicateEngines::Auto,
                         size_t max_entries = 1024);

  /// The prepared form of `plan_json` under `key` ("" prepares without keeping it). nullptr with
  /// *error when the plan is refused (plan::from_json: another version, options or predicates
  /// that do not fit this wfc's catalog, a broken graph): the run fails `plan_invalid`.
  std::shared_ptr<const PreparedPlan> get(const std::string& key, const nlohmann::json& plan_json,
                                          std::string* error);

  /// Plans prepared so far (misses) and reused (hits).
  uint64_t prepared() const { return prepared_; }
  uint64_t reused() const { return reused_; }

 private:
  struct Entry {
    nlohmann::json plan;
    std::shared_ptr<const PreparedPlan> prepared;
    uint64_t last_use = 0;
  };
  PredicateEngines engines_;
  size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  uint64_t clock_ = 0, prepared_ = 0, reused_ = 0;
};

}  // namespace wfc::exec
