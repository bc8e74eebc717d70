// Turns a located Value tree (from the JSON or YAML reader) into an ast::Document, recognizing
// the four document shapes and reporting shape problems (WF110–WF115) with their positions.
// It does not consult the catalog: kinds and options are the checker's business.
#pragma once

#include <optional>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/value/value.h"

namespace wfc::syntax {

/// Returns the document, or nullopt when the shape cannot be recognized at all. Problems inside
/// a recognized shape are reported and the rest of the document is still built, so that the
/// checker can report every other problem too.
std::optional<ast::Document> build_document(const Value& root, diag::Diagnostics& diags);

}  // namespace wfc::syntax
