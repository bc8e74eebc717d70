// Type checking conditions: a written condition (from JSON/YAML or infix text) against the
// catalog's properties and operators, giving the typed IR. Problems are WF401–WF408, located on
// what the user wrote and worded for the notation they wrote it in. External interface:
// typecheck().
#pragma once

#include <optional>

#include "compiler/diag/diagnostic.h"
#include "compiler/expr/ir.h"
#include "compiler/expr/schema.h"
#include "compiler/expr/written.h"

namespace wfc::expr {

struct Typed {
  /// The typed condition. Where a test had an error it stands as `true`, so that what is left
  /// can still narrow the chain's file kinds (as an `and` of the tests that are right).
  Node node;
  bool ok = true;  // no error was reported
};

/// Types `w` against the schema's properties (file or frame) and the catalog's operators.
Typed typecheck(const WrittenNode& w, const Schema& schema, Notation notation,
                diag::Diagnostics& diags);

}  // namespace wfc::expr
