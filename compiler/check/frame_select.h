// Checking the frame predicates of a task: options of type `expression` (`select` of image,
// animation and thumbnails, such as "scene > 0.3 && !black") are parsed and type-checked by the
// condition layer against the catalog's frame properties when the workflow is compiled, so a
// typo fails CI rather than a run.
#pragma once

#include "compiler/ast/ast.h"
#include "compiler/catalog/catalog.h"
#include "compiler/diag/diagnostic.h"

namespace wfc::check {

/// Checks every expression option of `task` that holds text (options.cpp reports the others):
/// WF411 syntax, WF401–WF407 typing, WF409/WF410 never/always.
void check_frame_predicates(const ast::Task& task, const catalog::KindSpec& kind,
                            const catalog::Catalog& catalog, diag::Diagnostics& diags);

}  // namespace wfc::check
