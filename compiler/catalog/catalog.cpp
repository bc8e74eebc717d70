#include "compiler/catalog/catalog.h"
namespace wfc::catalog {
const Catalog& Catalog::builtin() {  // STUB
  static Catalog c;
  return c;
}
nlohmann::json json_schema(const Catalog&) { return nlohmann::json::object(); }  // STUB
std::string kinds_markdown(const Catalog&) { return {}; }                       // STUB
}  // namespace wfc::catalog
