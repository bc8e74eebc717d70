// `when` conditions of the DSL lowered to the options of a JSON `conditions` task: the infix
// expression's written form (compiler/expr/written.h, from the shared expression parser) becomes
// the operator-object Value tree the JSON reader would give, with the spans of the infix
// tokens, so the checker types DSL and JSON conditions on one path.
#pragma once

#include "compiler/expr/written.h"
#include "compiler/value/value.h"

namespace wfc::syntax {

/// `kind == "video" && width >= 1280` → {"kind": {"eq": "video"}, "width": {"gte": 1280}}.
/// `span` is the span of the whole condition text (the options object's span).
Value lower_condition(const expr::WrittenNode& root, Span span);

}  // namespace wfc::syntax
