#include "compiler/catalog/catalog.h"
namespace wfc::catalog {
nlohmann::json json_schema(const Catalog&) { return nlohmann::json::object(); }  // STUB
}  // namespace wfc::catalog
