// The planner's entry point: a checked document in, an optimized Plan out. Lowering (lower.h)
// builds the naive plan, one node per task; the passes (passes.h) then fold and prune gates,
// dedupe, probe once per file, fuse decodes and tier predicates, each one switchable off so
// that tests can compare the optimized plan with the naive one. External interface: make_plan().
#pragma once

#include <set>
#include <string>

#include "compiler/ast/ast.h"
#include "compiler/catalog/catalog.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/expr/tier.h"
#include "compiler/plan/plan.h"

namespace wfc::plan {

/// The passes, in the order they run.
inline constexpr std::string_view kPassNames[] = {"prune", "dedupe", "probe", "fuse", "tier"};

struct PlanOptions {
  /// What is known of the run's input (`--input kind=video,width=1920`): property → value, as
  /// a probe reports it. Conditions on the input fold against it.
  nlohmann::json input_facts = nlohmann::json::object();
  std::set<std::string> disabled;  // pass names switched off; all of kPassNames for --no-opt
  expr::TierCosts tier_costs;      // the break-even figures (docs/benchmarks.md)
  bool jit_available = expr::JitEngine::built();  // whether the runtime can run the JIT

  bool enabled(std::string_view pass) const { return !disabled.count(std::string(pass)); }
};

/// Plans a document that checked without errors. Warnings found while planning (WF502: a branch
/// that cannot run for the declared input) are added to `diags`.
Plan make_plan(const ast::Document& doc, const PlanOptions& options, diag::Diagnostics& diags,
               const catalog::Catalog& catalog = catalog::Catalog::builtin());

/// Parses `--input` text: comma-separated `name=value` pairs whose names are file properties
/// (`metadata.<key>` too) and whose values are typed by the catalog. On a problem returns
/// nullopt and sets *error ("unknown property 'widht'; did you mean 'width'?").
std::optional<nlohmann::json> parse_input_facts(
    std::string_view text, std::string* error,
    const catalog::Catalog& catalog = catalog::Catalog::builtin());

}  // namespace wfc::plan
