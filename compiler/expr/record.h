// Record is what a predicate is evaluated on: the facts of one file (its probed properties and
// metadata map) or of one decoded frame. It has one Field per schema slot, each null or one
// typed value, plus a sorted string map. Filling a record allocates (strings); evaluating a
// predicate on it does not.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/expr/schema.h"

namespace wfc::expr {

enum class FieldTag : uint8_t { Null = 0, Bool, Int, Num, Str, Enum };

/// One property's value. Standard layout, 16 bytes: the JIT reads `tag` at offset 0 and the
/// value at offset 8. Str and Enum text lives in the Record (Record::text).
struct Field {
  FieldTag tag = FieldTag::Null;
  union {
    bool b;
    int64_t i;  // Int; Enum: index in the schema's values, -1 for a value outside them
    double d;
  };
  Field() : i(0) {}
};
static_assert(sizeof(Field) == 16);

class Record {
 public:
  explicit Record(const Schema& schema);

  const Schema& schema() const { return *schema_; }

  /// Clears every field and the map (keeps capacity, so a frame loop does not allocate).
  void clear();

  // Setters by slot. A field always holds its slot's type or null: a value of another type is
  // refused (false), except an integer into a number slot, which converts.
  void set_null(uint16_t slot);
  bool set_bool(uint16_t slot, bool v);
  bool set_int(uint16_t slot, int64_t v);
  bool set_number(uint16_t slot, double v);
  /// A Str or Enum slot; for an Enum a value outside the catalog's is kept as text, index -1.
  bool set_text(uint16_t slot, std::string_view v);

  /// Sets a property by name ("width", "metadata.title") from JSON, as a probe reports it.
  /// False when the name or the value's type does not fit the schema.
  bool set(std::string_view name, const nlohmann::json& value);
  /// A record from a JSON object of properties ({"kind": "video", "width": 1920,
  /// "metadata": {"title": "x"}}); unknown names and ill-typed values are skipped.
  static Record from_json(const Schema& schema, const nlohmann::json& facts);

  void set_map(std::string_view key, std::string_view value);

  const Field& field(uint16_t slot) const { return fields_[slot]; }
  const Field* fields() const { return fields_.data(); }
  std::string_view text(uint16_t slot) const { return texts_[slot]; }
  /// The map entry, or nullptr when the record has none.
  const std::string* map_value(std::string_view key) const;
  const std::vector<std::pair<std::string, std::string>>& map() const { return map_; }

 private:
  const Schema* schema_;
  std::vector<Field> fields_;
  std::vector<std::string> texts_;                        // by slot, for Str and Enum
  std::vector<std::pair<std::string, std::string>> map_;  // sorted by key, unique keys
};

}  // namespace wfc::expr
