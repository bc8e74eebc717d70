#include "compiler/catalog/catalog.h"
namespace wfc::catalog {
std::string kinds_markdown(const Catalog&) { return {}; }  // STUB
}  // namespace wfc::catalog
