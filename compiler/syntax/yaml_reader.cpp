#include "compiler/syntax/reader.h"
namespace wfc::syntax {
std::optional<Value> read_yaml(const SourceFile&, diag::Diagnostics&, const Limits&) {  // STUB
  return std::nullopt;
}
}  // namespace wfc::syntax
