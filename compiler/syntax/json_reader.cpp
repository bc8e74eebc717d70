#include "compiler/syntax/reader.h"
namespace wfc::syntax {
std::optional<Value> read_json(const SourceFile&, diag::Diagnostics&, const Limits&) {  // STUB
  return std::nullopt;
}
}  // namespace wfc::syntax
