// The reference evaluator: a direct walk over the IR, written to be obviously right rather than
// fast. It is the oracle the differential test holds every other engine (VM, JIT) to, and the
// engine of last resort.
#pragma once

#include "compiler/expr/ir.h"
#include "compiler/expr/record.h"

namespace wfc::expr {

/// Whether `n` holds for the record. The record must use the schema the node was typed with.
bool eval_ref(const Node& n, const Record& r);

}  // namespace wfc::expr
