// The unit literals of a .wf file (`2s`, `500ms`, `10MB`, `5Mbps`), which the DSL reader keeps
// as written (ValueType::Quantity): each is typed against the catalog and converted in place to
// the number of the catalog's unit (seconds, bytes, bits per second; compiler/catalog/units.h),
// before the document is built, so that the builder, the checker, the emitters and the planner
// only ever see plain numbers. External interface: resolve_quantities().
#pragma once

#include <vector>

#include "compiler/catalog/catalog.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"
#include "compiler/value/value.h"

namespace wfc::check {

/// Resolves every Quantity in `root`, the tree as read_dsl_recovering() gave it, one diagnostic
/// per mistake (no JSON pointer, as the reader's own):
/// - a unit that is none (WF101): the option or field that holds it is left out, and a task
///   that loses an option goes to `incomplete` (check/cascades.h), so it is not also missing;
/// - a unit of another measure than its option takes (WF203): the value that holds it is left
///   out (the option, or the item or field of one);
/// - in a conditions task, a unit of another measure than the property it is compared with
///   (WF404): the whole condition is left out, and its task goes to `incomplete`.
/// A unit is an integer when the converted number is whole (10MB is 10000000), else a number.
void resolve_quantities(Value& root, const catalog::Catalog& catalog, diag::Diagnostics& diags,
                        std::vector<Span>& incomplete);

}  // namespace wfc::check
