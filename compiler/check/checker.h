// The checker types an ast::Document against the kind catalog: kinds, options (type, range,
// enum, required, cross-option constraints), refs, chains (what each task receives versus what
// it accepts) and conditions (properties, operators, operand types). Every problem is reported,
// one diagnostic per mistake.
#pragma once

#include "compiler/ast/ast.h"
#include "compiler/catalog/catalog.h"
#include "compiler/diag/diagnostic.h"

namespace wfc::check {

void check_document(const ast::Document& doc, const catalog::Catalog& catalog,
                    diag::Diagnostics& diags);

}  // namespace wfc::check
