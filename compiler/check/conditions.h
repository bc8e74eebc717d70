// Checking the options of a `conditions` task: each key is a file property from the catalog
// (`width`, `codecs.video`, `metadata.<key>`) or a combinator (`and`/`or` take a non-empty list
// of condition objects, `not` takes one); each property maps to an operator object whose
// operators must all hold (`{"gte": 1280, "lte": 3840}`), or to a bare value, which means `eq`
// (`{"kind": "video"}` is `{"kind": {"eq": "video"}}`). The work is the condition layer's
// (compiler/expr/): lowered to the IR and type-checked (WF401–WF408), then analyzed for
// conditions that never or always hold (WF409, WF410) or that the chain makes dead (WF501).
#pragma once

#include <optional>

#include "compiler/ast/ast.h"
#include "compiler/catalog/catalog.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/expr/analyze.h"
#include "compiler/expr/ir.h"
#include "compiler/expr/written.h"

namespace wfc::check {

/// Checks a conditions task that `chain` says what reaches. Returns the file kinds that can
/// pass its conditions, judged by their `kind` tests (kAnyFile when they say nothing about
/// kind, or cannot hold at all), for typing its `next`.
/// `notation` is how the conditions were written (Dsl for a .wf file's `when`), for wording.
catalog::FileKinds check_conditions(const ast::Task& task, const catalog::Catalog& catalog,
                                    const expr::ChainContext& chain, diag::Diagnostics& diags,
                                    expr::Notation notation = expr::Notation::Json);

/// The checked predicate of a conditions task, for the planner; nullopt (with the errors in
/// `diags`) when it does not check.
std::optional<expr::Predicate> conditions_predicate(const ast::Task& task,
                                                    const catalog::Catalog& catalog,
                                                    diag::Diagnostics& diags);

}  // namespace wfc::check
