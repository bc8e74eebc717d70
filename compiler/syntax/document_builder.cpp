#include "compiler/syntax/document_builder.h"
namespace wfc::syntax {
std::optional<ast::Document> build_document(const Value&, diag::Diagnostics&) {  // STUB
  return std::nullopt;
}
}  // namespace wfc::syntax
