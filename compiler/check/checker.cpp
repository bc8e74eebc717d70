#include "compiler/check/checker.h"
namespace wfc::check {
void check_document(const ast::Document&, const catalog::Catalog&, diag::Diagnostics&) {}  // STUB
}  // namespace wfc::check
