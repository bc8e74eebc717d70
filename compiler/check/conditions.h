// Typing the options of a `conditions` task: each key is a file property from the catalog
// (`width`, `codecs.video`, `metadata.<key>`) or a combinator (`and`/`or` take a non-empty list
// of condition objects, `not` takes one); each property maps to an operator object whose
// operators must all hold (`{"gte": 1280, "lte": 3840}`), or to a bare value, which means `eq`
// (`{"kind": "video"}` is `{"kind": {"eq": "video"}}`). Problems are WF401–WF408.
#pragma once

#include "compiler/ast/ast.h"
#include "compiler/catalog/catalog.h"
#include "compiler/diag/diagnostic.h"

namespace wfc::check {

void check_conditions(const ast::Task& task, const catalog::Catalog& catalog,
                      diag::Diagnostics& diags);

/// The file kinds that can pass the task's conditions, judged by the `kind` property alone
/// (`kind eq audio` → audio); kAnyFile when they say nothing about it. Used to type the
/// conditions' `next`.
catalog::FileKinds kinds_passing(const ast::Task& task);

}  // namespace wfc::check
