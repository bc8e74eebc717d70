// The lowering of a DSL parse tree (grammar/Workflow.g4) to the Value tree of the equivalent
// JSON document, with the spans of the DSL's tokens: the automation, run and task documents,
// chains (`a -> b`: each step's `next` is the rest), blocks, attributes, fields, `when`
// conditions (through the shared expression parser and dsl_conditions.h) and values.
#pragma once

#include <optional>
#include <vector>

#include "WorkflowParser.h"
#include "compiler/source/source.h"
#include "compiler/syntax/dsl/dsl_errors.h"
#include "compiler/syntax/reader.h"
#include "compiler/value/value.h"

namespace wfc::syntax {

/// The document of a parsed file, its mistakes reported through `r`. With `incomplete`, a tree
/// the parser recovered is lowered too: what parsed cleanly is kept, and the spans of the tasks
/// and task lists that lost a part go to `incomplete`. nullopt when there is nothing to place.
std::optional<Value> lower_file(wfcdsl::WorkflowParser::FileContext* file, Reporter& r,
                                const Limits& limits, std::vector<Span>* incomplete);

}  // namespace wfc::syntax
