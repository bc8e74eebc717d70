// Record layouts from the catalog.
#include "compiler/expr/schema.h"

namespace wfc::expr {

Type ir_type(catalog::TypeKind k) {
  using catalog::TypeKind;
  switch (k) {
    case TypeKind::Boolean:
      return Type::Bool;
    case TypeKind::Integer:
    case TypeKind::Dimension:
      return Type::Int;
    case TypeKind::Number:
    case TypeKind::Seconds:
      return Type::Num;
    case TypeKind::Enum:
      return Type::Enum;
    default:
      return Type::Str;
  }
}

Schema::Schema(const catalog::Catalog& catalog, Domain domain)
    : catalog_(&catalog), domain_(domain) {
  const auto& props = domain == Domain::File ? catalog.properties() : catalog.frame_properties();
  for (const auto& p : props) {
    if (p.type.kind == catalog::TypeKind::Map) {
      map_name_ = p.name;
      continue;
    }
    SlotInfo s;
    s.name = p.name;
    s.type = ir_type(p.type.kind);
    s.values = p.type.values;
    s.spec = &p;
    if (domain == Domain::File && p.name == "kind") kind_slot_ = static_cast<int>(slots_.size());
    slots_.push_back(std::move(s));
  }
}

const Schema& Schema::builtin(Domain domain) {
  static const Schema file(catalog::Catalog::builtin(), Domain::File);
  static const Schema frame(catalog::Catalog::builtin(), Domain::Frame);
  return domain == Domain::File ? file : frame;
}

const Schema& Schema::of(const catalog::Catalog& catalog, Domain domain,
                         std::optional<Schema>& local) {
  if (&catalog == &catalog::Catalog::builtin()) return builtin(domain);
  if (!local || &local->catalog() != &catalog || local->domain() != domain) {
    local.emplace(catalog, domain);
  }
  return *local;
}

int Schema::slot(std::string_view name) const {
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int32_t Schema::enum_index(uint16_t slot, std::string_view value) const {
  const auto& values = slots_[slot].values;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] == value) return static_cast<int32_t>(i);
  }
  return -1;
}

}  // namespace wfc::expr
