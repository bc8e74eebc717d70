// Conditions through the condition layer: lower_json (shape, WF406/WF408) → typecheck
// (WF401–WF408) → analyze (WF409, WF410, WF501) and Ranges (the kinds that pass). There is no
// second implementation here: the DSL and the `select` option go through the same IR.
#include "compiler/check/conditions.h"

#include <string>

#include "compiler/diag/wording.h"
#include "compiler/expr/lower_json.h"
#include "compiler/expr/ranges.h"
#include "compiler/expr/schema.h"
#include "compiler/expr/typecheck.h"
#include "compiler/util/json_pointer.h"

namespace wfc::check {
using diag::report;
namespace {

constexpr std::string_view kConditionExample = "{\"width\": {\"gte\": 1280}}";

/// Lowers and types the task's conditions; nullopt when there are none to type.
std::optional<expr::Typed> typed_conditions(const ast::Task& task, const expr::Schema& schema,
                                            diag::Diagnostics& diags,
                                            expr::Notation notation = expr::Notation::Json) {
  std::string options_ptr = pointer_join(task.pointer, "options");
  if (task.options.empty()) {
    // `options` of the wrong type was reported by the document builder.
    for (const auto& d : diags.items()) {
      if (d.pointer == options_ptr) return std::nullopt;
    }
    report(diags, diag::Code::MalformedCondition, task.kind.span,
           "conditions task has no conditions",
           "add options that test the file, e.g. \"options\": " + std::string(kConditionExample),
           task.options_span.valid() ? options_ptr : task.pointer);
    return std::nullopt;
  }
  expr::Lowered lowered =
      expr::lower_conditions(task.options, task.options_span, options_ptr, diags, notation);
  expr::Typed typed = expr::typecheck(lowered.root, schema, notation, diags);
  typed.ok = typed.ok && lowered.ok;
  return typed;
}

}  // namespace

catalog::FileKinds check_conditions(const ast::Task& task, const catalog::Catalog& catalog,
                                    const expr::ChainContext& chain, diag::Diagnostics& diags,
                                    expr::Notation notation) {
  std::optional<expr::Schema> local;
  const expr::Schema& schema = expr::Schema::of(catalog, expr::Domain::File, local);
  auto typed = typed_conditions(task, schema, diags, notation);
  if (!typed) return catalog::kAnyFile;
  if (typed->ok) return expr::analyze(typed->node, schema, chain, diags);
  // Even with errors, the tests that are right narrow the kinds (a wrong one stands as true).
  return expr::Ranges(schema).kinds_passing(typed->node);
}

std::optional<expr::Predicate> conditions_predicate(const ast::Task& task,
                                                    const catalog::Catalog& catalog,
                                                    diag::Diagnostics& diags) {
  std::optional<expr::Schema> local;
  const expr::Schema& schema = expr::Schema::of(catalog, expr::Domain::File, local);
  auto typed = typed_conditions(task, schema, diags);
  if (!typed || !typed->ok) return std::nullopt;
  return expr::Predicate{std::move(typed->node), expr::Domain::File};
}

}  // namespace wfc::check
