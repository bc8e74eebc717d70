#include "compiler/syntax/reader.h"
namespace wfc::syntax {
bool precheck(const SourceFile&, diag::Diagnostics&, const Limits&) { return true; }  // STUB
}  // namespace wfc::syntax
