// After a partial read (a .wf file with syntax errors, syntax/dsl/dsl_reader.h), the checker sees
// only what was read cleanly. What it then finds missing may be what the syntax error took: a
// task whose option list broke is not missing its required option, and a block that lost its
// only task is not empty. This removes exactly those findings, so that one mistake is one
// diagnostic while independent mistakes elsewhere in the file are still all reported.
#pragma once

#include <cstddef>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"

namespace wfc::check {

/// Drops, from diags.items()[from...] (the checker's), the findings of absence (WF206 missing
/// option, WF208 conflicting options, WF408 "no conditions", WF303 empty workflow, WF304 nothing
/// gated) about the tasks and task lists whose spans are in `incomplete`, and every finding on a
/// line where the reader (diags.items()[0, from)) reported a syntax error: what the parser made
/// of the rest of that line is a guess (`width: 1280` at the top is no task 'width').
void drop_cascades(const ast::Document& doc, const std::vector<Span>& incomplete,
                   diag::Diagnostics& diags, size_t from);

}  // namespace wfc::check
