// Schema is the layout of the records predicates read, derived from the catalog: the file
// properties (`width`, `kind`, `metadata.<key>`…) for conditions, the frame properties (`t`,
// `scene`, `luma`, `black`) for `select`. Each scalar property gets a slot, in catalog order; a
// map property (`metadata`) is the record's string map. The type checker resolves names here
// once, so the engines address fields by slot.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/catalog/catalog.h"
#include "compiler/expr/ir.h"

namespace wfc::expr {

struct SlotInfo {
  std::string name;
  Type type = Type::Str;
  std::vector<std::string> values;  // Enum
  const catalog::PropertySpec* spec = nullptr;
};

class Schema {
 public:
  Schema(const catalog::Catalog& catalog, Domain domain);

  /// The schemas of the built-in catalog (derived from the catalog singleton once).
  static const Schema& builtin(Domain domain);
  /// The schema for `catalog`: the built-in one when it is the built-in catalog, else `local`,
  /// built on demand.
  static const Schema& of(const catalog::Catalog& catalog, Domain domain,
                          std::optional<Schema>& local);

  const catalog::Catalog& catalog() const { return *catalog_; }
  Domain domain() const { return domain_; }
  const std::vector<SlotInfo>& slots() const { return slots_; }
  size_t size() const { return slots_.size(); }

  /// The slot of a scalar property, or -1.
  int slot(std::string_view name) const;
  /// The map property's name ("metadata"), or "" when the domain has none.
  const std::string& map_name() const { return map_name_; }

  /// Index of an enum value in the slot's values, or -1.
  int32_t enum_index(uint16_t slot, std::string_view value) const;

  /// The slot of the `kind` property (file kinds), or -1.
  int kind_slot() const { return kind_slot_; }

 private:
  const catalog::Catalog* catalog_;
  Domain domain_;
  std::vector<SlotInfo> slots_;
  std::string map_name_;
  int kind_slot_ = -1;
};

/// Type of a catalog property type kind as the IR sees it (Dimension is Int, Seconds Num, other
/// text types Str).
Type ir_type(catalog::TypeKind k);

}  // namespace wfc::expr
