// The JSON/YAML front end of conditions: the options of a `conditions` task (property →
// operator object, `and`/`or` lists, `not`) lowered to the written form (written.h) that the
// type checker turns into the IR. External interface: lower_conditions().
#pragma once

#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/expr/written.h"

namespace wfc::expr {

struct Lowered {
  WrittenNode root;  // an And of the options' entries
  bool ok = true;    // false when a structural problem was reported (that part is left out)
};

/// Lowers a conditions task's options. Structural problems (WF408 malformed, WF406 empty
/// `and`/`or`) are reported here; everything that needs the catalog is the type checker's.
/// With Notation::Dsl the operators are spelled as the DSL writes them (`>=` for gte).
Lowered lower_conditions(const std::vector<ast::Option>& options, Span options_span,
                         const std::string& options_pointer, diag::Diagnostics& diags,
                         Notation notation = Notation::Json);

}  // namespace wfc::expr
