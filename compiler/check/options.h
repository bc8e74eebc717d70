// Typing a task's options against its kind in the catalog: unknown options (WF202), wrong types
// (WF203), ranges (WF204), enumerations and URL schemes (WF205), required options (WF206) and
// the kind's cross-option constraints (WF208). Nested arrays and objects are typed field by
// field, so a mistake deep inside `renditions` points at the value that is wrong.
#pragma once

#include "compiler/ast/ast.h"
#include "compiler/catalog/catalog.h"
#include "compiler/diag/diagnostic.h"

namespace wfc::check {

void check_options(const ast::Task& task, const catalog::KindSpec& kind, diag::Diagnostics& diags);

}  // namespace wfc::check
